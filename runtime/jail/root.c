/*
 * root.c - the box's root: a tmpfs holding bind mounts of the policy's
 * paths (read-only where the policy says), a fresh /proc of the new pid
 * namespace, a /dev with only the nodes the policy allows (never /dev/kvm
 * or /dev/dune: libdune keeps the descriptor it opened before), a private
 * /tmp, and empty files over the host's listening unix sockets that the
 * policy does not let the box write to (a read-only mount does not stop a
 * connect()). Built as bubblewrap does: the new root is assembled while
 * the host's tree is still reachable at /oldroot, then pivot_root makes it
 * "/" and the host's tree is unmounted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail_internal.h"

#define HIDDEN_FILE "/hidden" /* in the staging tmpfs: an empty file, mode 0 */
#define DEV_TMPFS_OPTS "mode=0755,size=64k,nr_inodes=256"
#define ROOT_TMPFS_OPTS "mode=0755,size=1m,nr_inodes=4096"

/* the nodes a program may expect, each only if the policy lets it read */
static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
static const char *const dev_never[] = {"/dev/kvm", "/dev/dune"};
static const char *const dev_links[][2] = {
	{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
	{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
};

static int path_join(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s%s", a, strcmp(b, "/") ? b : "");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int set_attr(const char *path, uint64_t set, int recursive)
{
	struct mount_attr attr = {.attr_set = set};
	return mount_setattr(AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attr, sizeof(attr)) < 0
		       ? -errno : 0;
}

/* mkdir -p inside the new root; 0 when it exists or was made */
static int make_dirs(const char *path)
{
	char p[PATH_MAX];
	size_t n = strlen(path);
	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, path, n + 1);
	for (char *q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*q = '/';
	}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int make_parent(const char *path)
{
	char parent[PATH_MAX];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = 0;
	return make_dirs(parent);
}

/* a mount point of the right kind at dst (a directory or an empty file) */
static int make_mount_point(const char *dst, int is_dir)
{
	struct stat st;
	int fd, r;

	if (lstat(dst, &st) == 0)
		return S_ISDIR(st.st_mode) == !!is_dir ? 0 : -ENOTDIR;
	if (is_dir)
		return make_dirs(dst);
	if ((r = make_parent(dst)) < 0)
		return r;
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int bind_path(struct jail_state *s, const char *path, const char *src, enum jail_access a)
{
	char dst[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int r;

	if (path_join(dst, sizeof(dst), JAIL_NEWROOT, path) < 0)
		return jail_fail(s, -ENAMETOOLONG, "%s: path too long", path);
	if (lstat(src, &st) < 0)
		return 0; /* nothing there to show */
	if (S_ISLNK(st.st_mode)) {
		/* a link stays a link (Debian's /lib -> usr/lib); what it
		 * points to is shown only if a rule shows it */
		if ((n = readlink(src, target, sizeof(target) - 1)) < 0)
			return 0;
		target[n] = 0;
		if (lstat(dst, &st) == 0)
			return 0; /* a parent bind shows it already */
		if (make_parent(dst) == 0 && symlink(target, dst) == 0)
			return 0;
		return jail_fail(s, -errno, "cannot make the link %s in the new root", path);
	}
	if ((r = make_mount_point(dst, S_ISDIR(st.st_mode))) < 0) {
		if (r == -EROFS || r == -ENOENT)
			return 0; /* inside a read-only bind that does not show it */
		return jail_fail(s, r, "cannot make a mount point for %s", path);
	}
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return jail_fail(s, -errno, "bind mount of %s", path);
	/* device nodes are bound one by one (dev_node), never trees of them */
	r = set_attr(dst, MOUNT_ATTR_NOSUID | (S_ISCHR(st.st_mode) ? 0 : MOUNT_ATTR_NODEV) |
			  (a == JAIL_RO ? MOUNT_ATTR_RDONLY : 0), 1);
	if (r < 0)
		return jail_fail(s, r, "making the bind mount of %s %s", path,
				 a == JAIL_RO ? "read-only" : "nosuid");
	s->mounts++;
	return 0;
}

/* Paths with mounts of their own in the box: rules there are not binds. */
static int special(const struct jail_config *c, const char *p)
{
	return jail_path_is_under(p, "/proc") || jail_path_is_under(p, "/dev") ||
	       (c->private_tmp && jail_path_is_under(p, "/tmp"));
}

static int bind_rules(struct jail_state *s, int under_tmp)
{
	unsigned order[JAIL_MAX_PATHS], n = jail_mount_order(s->c, order);
	char src[PATH_MAX];
	for (unsigned i = 0; i < n; i++) {
		const struct jail_path *p = &s->c->paths[order[i]];
		int in_tmp = s->c->private_tmp && jail_path_is_under(p->path, "/tmp") &&
			     strcmp(p->path, "/tmp");
		if (p->access == JAIL_NONE || in_tmp != under_tmp ||
		    (!in_tmp && special(s->c, p->path)))
			continue;
		if (path_join(src, sizeof(src), JAIL_OLDROOT, p->path) < 0)
			return jail_fail(s, -ENAMETOOLONG, "%s: path too long", p->path);
		int r = bind_path(s, p->path, src, p->access);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Something shown by a parent's bind that the policy hides: covered. */
static int cover(struct jail_state *s, const char *path)
{
	char dst[PATH_MAX];
	struct stat st;
	int r;

	if (path_join(dst, sizeof(dst), JAIL_NEWROOT, path) < 0 || lstat(dst, &st) < 0 ||
	    S_ISLNK(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode))
		r = mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY,
			  "mode=000,size=4k,nr_inodes=1") < 0 ? -errno : 0;
	else
		r = mount(HIDDEN_FILE, dst, NULL, MS_BIND, NULL) < 0
			    ? -errno : set_attr(dst, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV, 0);
	return r < 0 ? jail_fail(s, r, "covering %s", path) : 1;
}

static int cover_hidden(struct jail_state *s)
{
	int r;
	for (unsigned i = 0; i < s->c->npaths; i++)
		if (s->c->paths[i].access == JAIL_NONE && !special(s->c, s->c->paths[i].path) &&
		    (r = cover(s, s->c->paths[i].path)) < 0)
			return r;
	for (unsigned i = 0; i < s->nsockets; i++) {
		char dst[PATH_MAX];
		struct stat st;
		if (jail_access_of(s->c, s->sockets[i]) == JAIL_RW ||
		    path_join(dst, sizeof(dst), JAIL_NEWROOT, s->sockets[i]) < 0 ||
		    lstat(dst, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		if ((r = cover(s, s->sockets[i])) < 0)
			return r;
		s->hidden_sockets += r;
	}
	return 0;
}

static int mount_proc(struct jail_state *s)
{
	int r = make_mount_point(JAIL_NEWROOT "/proc", 1);
	if (r < 0)
		return jail_fail(s, r, "cannot make /proc in the new root");
	if (mount("proc", JAIL_NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return jail_fail(s, -errno, "mounting a /proc for the new pid namespace (a "
				 "container that hides parts of its own /proc forbids it)");
	return 0;
}

static int never_dev(const char *p)
{
	for (size_t i = 0; i < sizeof(dev_never) / sizeof(dev_never[0]); i++)
		if (jail_path_is_under(p, dev_never[i]))
			return 1;
	return 0;
}

static int dev_node(struct jail_state *s, const char *path, enum jail_access a)
{
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;
	if (a == JAIL_NONE || never_dev(path) || path_join(src, sizeof(src), JAIL_OLDROOT, path) < 0 ||
	    path_join(dst, sizeof(dst), JAIL_NEWROOT, path) < 0 || stat(src, &st) < 0 ||
	    lstat(dst, &st) == 0)
		return 0;
	if (!strcmp(path, "/dev/shm")) { /* the box's own, not the host's */
		if (a != JAIL_RW)
			return 0;
		if (make_dirs(dst) < 0 || mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV,
						"mode=1777") < 0)
			return jail_fail(s, -errno, "a private /dev/shm");
		return 0;
	}
	int r = bind_path(s, path, src, a);
	if (r == 0)
		s->dev_nodes++;
	return r;
}

static int build_dev(struct jail_state *s)
{
	char path[64], dst[PATH_MAX];
	int r = make_mount_point(JAIL_NEWROOT "/dev", 1);
	if (r < 0 || mount("tmpfs", JAIL_NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
			   DEV_TMPFS_OPTS) < 0)
		return jail_fail(s, r < 0 ? r : -errno, "a tmpfs for /dev");
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i]);
		enum jail_access a = jail_access_of(s->c, path);
		/* libdune reads /dev/zero to grow the program's stack */
		if (!strcmp(dev_nodes[i], "zero") && a == JAIL_NONE)
			a = JAIL_RO;
		if ((r = dev_node(s, path, a)) < 0)
			return r;
	}
	/* nodes the policy names itself */
	for (unsigned i = 0; i < s->c->npaths; i++) {
		const struct jail_path *p = &s->c->paths[i];
		if (jail_path_is_under(p->path, "/dev") && strcmp(p->path, "/dev") &&
		    (r = dev_node(s, p->path, p->access)) < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		snprintf(dst, sizeof(dst), JAIL_NEWROOT "/dev/%s", dev_links[i][0]);
		if (symlink(dev_links[i][1], dst) < 0)
			return jail_fail(s, -errno, "the link /dev/%s", dev_links[i][0]);
	}
	if ((r = set_attr(JAIL_NEWROOT "/dev", MOUNT_ATTR_RDONLY, 0)) < 0)
		return jail_fail(s, r, "making /dev read-only");
	return 0;
}

static int build_tmp(struct jail_state *s)
{
	char opts[64];
	int r;
	if (!s->c->private_tmp)
		return 0;
	snprintf(opts, sizeof(opts), "mode=1777,size=%llu", (unsigned long long)s->memory_limit);
	if ((r = make_mount_point(JAIL_NEWROOT "/tmp", 1)) < 0 ||
	    mount("tmpfs", JAIL_NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return jail_fail(s, r < 0 ? r : -errno, "a private /tmp");
	return bind_rules(s, 1);
}

/* "/" becomes a tmpfs of our own, with the host's tree at /oldroot. */
static int stage(struct jail_state *s)
{
	struct stat base, old;
	int fd;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return jail_fail(s, -errno, "making the mount namespace private");
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, ROOT_TMPFS_OPTS) < 0)
		return jail_fail(s, -errno, "a staging tmpfs");
	if (mkdir("/tmp" JAIL_OLDROOT, 0755) < 0)
		return jail_fail(s, -errno, "staging directory");
	if (syscall(SYS_pivot_root, "/tmp", "/tmp" JAIL_OLDROOT) < 0) {
		if (errno != EINVAL)
			return jail_fail(s, -errno, "pivot_root into the staging tmpfs");
		/* "/" is the initramfs, which cannot be pivoted away: put the
		 * staging tmpfs on top of it (as switch_root does) */
		if (mount("/", "/tmp" JAIL_OLDROOT, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    chdir("/tmp") < 0 || mount("/tmp", "/", NULL, MS_MOVE, NULL) < 0 ||
		    chroot(".") < 0)
			return jail_fail(s, -errno, "moving the staging tmpfs over the initramfs");
		s->used_chroot_fallback = 1;
		/* the recursive bind copied the staging tmpfs too: uncover /tmp */
		if (stat("/", &base) == 0 && stat(JAIL_OLDROOT "/tmp", &old) == 0 &&
		    base.st_dev == old.st_dev)
			umount2(JAIL_OLDROOT "/tmp", MNT_DETACH);
	}
	if (chdir("/") < 0 || mkdir(JAIL_NEWROOT, 0755) < 0 ||
	    mount("tmpfs", JAIL_NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, ROOT_TMPFS_OPTS) < 0)
		return jail_fail(s, -errno, "the new root's tmpfs");
	fd = open(HIDDEN_FILE, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return jail_fail(s, -errno, "staging file");
	close(fd);
	return 0;
}

static int enter(struct jail_state *s)
{
	int r;
	if ((r = set_attr(JAIL_NEWROOT, MOUNT_ATTR_RDONLY, 0)) < 0)
		return jail_fail(s, r, "making the new root read-only");
	if (umount2(JAIL_OLDROOT, MNT_DETACH) < 0)
		return jail_fail(s, -errno, "unmounting the host's tree");
	/* the pivot_root(".", ".") idiom: the old root ends up on top of the
	 * new one and is unmounted from there */
	if (chdir(JAIL_NEWROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return jail_fail(s, -errno, "pivot_root into the new root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return jail_fail(s, -errno, "unmounting the staging root");
	if (chdir(s->cwd) < 0 && chdir("/") < 0)
		return jail_fail(s, -errno, "chdir in the new root");
	return 0;
}

int root_build(struct jail_state *s)
{
	int r;
	if ((r = stage(s)) < 0 || (r = bind_rules(s, 0)) < 0 || (r = mount_proc(s)) < 0 ||
	    (r = build_dev(s)) < 0 || (r = build_tmp(s)) < 0 || (r = cover_hidden(s)) < 0)
		return r;
	return enter(s);
}

/* In the host's network namespace, before it is left. */
int root_read_sockets(struct jail_state *s)
{
	FILE *f = fopen("/proc/net/unix", "re");
	char line[PATH_MAX + 128], path[PATH_MAX];
	if (!f)
		return 0; /* no unix sockets to hide */
	while (fgets(line, sizeof(line), f) && s->nsockets < JAIL_MAX_SOCKETS) {
		int dup = 0;
		if (!jail_parse_unix_line(line, path, sizeof(path)))
			continue;
		for (unsigned i = 0; i < s->nsockets && !dup; i++)
			dup = !strcmp(s->sockets[i], path);
		if (!dup && (s->sockets[s->nsockets] = strdup(path)))
			s->nsockets++;
	}
	fclose(f);
	return 0;
}
