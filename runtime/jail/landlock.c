/*
 * landlock.c - the policy's file rules once more, enforced by Landlock on
 * the files themselves (rules hold on inodes, so they also hold for a path
 * the mount layer never sees, such as a descriptor a parent passed in).
 * Read-only paths may be read, listed and executed; read-write ones get
 * every right the kernel knows. Landlock only adds rights down a tree, so
 * a rule stricter than the one above it (`fs none` or `fs ro` inside a
 * wider rule) is built by giving the wider rights to the siblings instead,
 * and to the directories on the way only what both rules allow, plus
 * listing. Where the kernel has them: no TCP unless the network is
 * allowed (ABI 4), signals and abstract unix sockets only within the box
 * (ABI 6). The ABI actually used goes into the --trace line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail_internal.h"

/* Debian 12's headers stop at ABI 2; the values are the kernel's ABI */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

#define ABI_REFER 2
#define ABI_TRUNCATE 3
#define ABI_NET 4
#define ABI_IOCTL_DEV 5
#define ABI_SCOPE 6

/* the kernel's struct, whole: fields an older kernel lacks stay zero */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define FS_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		 LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_ON_FILES (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		     LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		     LANDLOCK_ACCESS_FS_IOCTL_DEV)

struct ll {
	struct jail_state *s;
	int fd;
	uint64_t all;     /* every fs right this kernel handles */
};

static uint64_t fs_rights(int abi)
{
	uint64_t r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0..12 */
	if (abi >= ABI_REFER)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= ABI_TRUNCATE)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= ABI_IOCTL_DEV)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

static uint64_t rights_of(const struct ll *l, enum jail_access a)
{
	if (a == JAIL_RW)
		return l->all;
	if (a == JAIL_RO)
		return (FS_READ | LANDLOCK_ACCESS_FS_IOCTL_DEV) & l->all;
	return 0;
}

/* One rule on an open file; 1 if added, 0 if there was nothing to add. */
static int add_fd(struct ll *l, int fd, uint64_t rights, const char *what)
{
	struct landlock_path_beneath_attr pb = {.parent_fd = fd};
	struct stat st;
	if (fstat(fd, &st) < 0)
		return jail_fail(l->s, -errno, "%s", what);
	if (!S_ISDIR(st.st_mode))
		rights &= FS_ON_FILES;
	pb.allowed_access = rights & l->all;
	if (!pb.allowed_access)
		return 0;
	if (syscall(SYS_landlock_add_rule, l->fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0) {
		if (errno == EBADFD)
			return 0; /* not a file of a filesystem (a pipe, nsfs): nothing to grant */
		return jail_fail(l->s, -errno, "a rule for %s", what);
	}
	l->s->landlock_rules++;
	return 1;
}

/* links are not followed: what they point to has rules of its own */
static int add_path(struct ll *l, const char *path, uint64_t rights)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC), r;
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
		close(fd);
		return 0;
	}
	if (fd < 0)
		return 0; /* not in the box: nothing to allow */
	r = add_fd(l, fd, rights, path);
	close(fd);
	return r < 0 ? r : 0;
}

/* rules strictly under dir that allow less than `rights` */
static uint64_t narrower_under(struct ll *l, const char *dir, uint64_t rights, int *any)
{
	uint64_t common = rights;
	*any = 0;
	for (unsigned i = 0; i < l->s->c->npaths; i++) {
		const struct jail_path *q = &l->s->c->paths[i];
		uint64_t rq = rights_of(l, q->access);
		if (strcmp(q->path, dir) && jail_path_is_under(q->path, dir) && (rights & ~rq)) {
			common &= rq;
			*any = 1;
		}
	}
	return common;
}

static int is_rule(struct ll *l, const char *path)
{
	for (unsigned i = 0; i < l->s->c->npaths; i++)
		if (!strcmp(l->s->c->paths[i].path, path))
			return 1;
	return 0;
}

/* dir gets `rights` for everything under it but the narrower rules */
static int add_tree(struct ll *l, const char *dir, uint64_t rights, int depth)
{
	char child[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int any, r = 0;
	uint64_t common = narrower_under(l, dir, rights, &any);

	if (!any || depth > 64)
		return add_path(l, dir, rights);
	if ((r = add_path(l, dir, common | (rights & LANDLOCK_ACCESS_FS_READ_DIR))) < 0)
		return r;
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)) && r >= 0) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(child, sizeof(child), "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name) >=
		    (int)sizeof(child))
			continue;
		if (is_rule(l, child))
			continue; /* it has a rule of its own */
		r = add_tree(l, child, rights, depth + 1);
	}
	closedir(d);
	return r;
}

static int add_rules(struct ll *l)
{
	const struct jail_config *c = l->s->c;
	int r, root_rule = 0;

	for (unsigned i = 0; i < c->npaths; i++) {
		const struct jail_path *p = &c->paths[i];
		root_rule |= !strcmp(p->path, "/") && p->access != JAIL_NONE;
		if (p->access != JAIL_NONE && (r = add_tree(l, p->path, rights_of(l, p->access), 0)) < 0)
			return r;
	}
	if (c->private_tmp && (r = add_path(l, "/tmp", l->all)) < 0)
		return r;
	/* the monitor's own needs: /proc (its maps, its processes), /dev/zero */
	if ((r = add_path(l, "/proc", rights_of(l, JAIL_RO))) < 0 ||
	    (r = add_path(l, "/dev/zero", rights_of(l, JAIL_RO))) < 0)
		return r;
	/* without a rule for "/", the directories of the root may still be listed */
	if (!root_rule && (r = add_path(l, "/", LANDLOCK_ACCESS_FS_READ_DIR)) < 0)
		return r;
	/* libdune's device, opened before the jail: with the kmod host side a
	 * forked child reopens it through /proc/self/fd */
	if (c->device_fd >= 0 &&
	    (r = add_fd(l, c->device_fd, LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
					      LANDLOCK_ACCESS_FS_IOCTL_DEV, "the host device")) < 0)
		return r;
	return 0;
}

int landlock_apply(struct jail_state *s)
{
	struct ruleset_attr attr = {0};
	struct ll l = {.s = s, .fd = -1};
	int abi, r;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		r = -errno;
		return jail_fail(s, r, "the kernel has no Landlock (%s)",
				 r == -ENOSYS ? "not built in" : r == -EOPNOTSUPP
				 ? "built in but not enabled: add landlock to the lsm= boot parameter"
				 : strerror(-r));
	}
	s->landlock_abi = abi;
	l.all = fs_rights(abi);
	attr.handled_access_fs = l.all;
	if (abi >= ABI_NET && s->c->net != JAIL_NET_ALL)
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
	if (abi >= ABI_SCOPE)
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
	l.fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (l.fd < 0)
		return jail_fail(s, -errno, "landlock_create_ruleset (ABI %d)", abi);
	if ((r = add_rules(&l)) == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = jail_fail(s, -errno, "no_new_privs");
	if (r == 0 && syscall(SYS_landlock_restrict_self, l.fd, 0) < 0)
		r = jail_fail(s, -errno, "landlock_restrict_self");
	close(l.fd);
	return r;
}

/* for the report: what the ABI in use adds beyond file rules */
const char *landlock_extras(int abi, enum jail_net net)
{
	if (abi >= ABI_SCOPE)
		return net == JAIL_NET_ALL ? ", signals and abstract sockets scoped"
					   : ", no TCP, signals and abstract sockets scoped";
	if (abi >= ABI_NET)
		return net == JAIL_NET_ALL ? "" : ", no TCP";
	return "";
}
