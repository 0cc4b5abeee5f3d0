/*
 * files.c - system calls that name paths. Each path is copied out of the
 * program's memory once (the program cannot change it between the check
 * and the call), made absolute against the directory descriptor or the
 * working directory, resolved through symlinks where the policy could be
 * fooled by one, checked, and the call then runs on the monitor's copy (or
 * on the rewritten path, for the private /tmp).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "fds.h"
#include "files.h"
#include "mem.h"
#include "policy/syscalls.h"

struct path_copy {
	char given[PATH_MAX];  /* as the program wrote it */
	char abs[PATH_MAX];    /* absolute, normalized, resolved */
	char use[PATH_MAX];    /* what the host call gets */
};
static __thread struct path_copy copies[2];

/* The NUL-terminated string at p, from program memory. */
static int copy_in(uintptr_t p, char *out, size_t outlen)
{
	for (size_t i = 0; i < outlen; i++) {
		if (!mem_range_ok(NULL, p + i, 1, 0))
			return -EFAULT;
		out[i] = *(volatile const char *)(p + i);
		if (!out[i])
			return 0;
	}
	return -ENAMETOOLONG;
}

static int fd_path(long arg, char *out, size_t outlen)
{
	char link[64];
	int fd = (int)arg; /* as the kernel reads it */
	ssize_t n;
	if (fd == AT_FDCWD)
		return getcwd(out, outlen) ? 0 : -errno;
	if (box_fd_is_monitors(fd))
		return -EBADF;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, outlen - 1);
	if (n < 0)
		return -EBADF;
	out[n] = 0;
	return out[0] == '/' ? 0 : -ENOTDIR; /* a pipe or socket: no path */
}

/* Follows symlinks so that the policy judges where the call really lands:
 * the whole path, or (for a name not there yet, or a link not followed)
 * its directory plus the last name. */
static void resolve(char *abs, int nofollow)
{
	char dir[PATH_MAX], real[PATH_MAX];
	char *slash;
	struct stat st;

	if (!nofollow && realpath(abs, real)) {
		strcpy(abs, real);
		return;
	}
	if (!nofollow && lstat(abs, &st) == 0 && S_ISLNK(st.st_mode))
		return; /* a dangling link: its name is what the call would make */
	slash = strrchr(abs, '/');
	if (!slash || slash == abs)
		return;
	memcpy(dir, abs, (size_t)(slash - abs));
	dir[slash - abs] = 0;
	if (realpath(dir, real) && strlen(real) + strlen(slash) < PATH_MAX) {
		if (!strcmp(real, "/"))
			real[0] = 0;
		strcat(real, slash);
		strcpy(abs, real);
	}
}

static int is_self_exe(const char *abs)
{
	char mine[64];
	snprintf(mine, sizeof(mine), "/proc/%d/exe", box_pid);
	return !strcmp(abs, "/proc/self/exe") || !strcmp(abs, "/proc/thread-self/exe") ||
	       !strcmp(abs, mine);
}

/* readlink of /proc/self/exe: the program's path. 1 if answered. */
int files_readlink_self(long nr, const long a[6], long *r)
{
	struct path_copy *c = &copies[0];
	long path = nr == SYS_readlink ? a[0] : a[1];
	uintptr_t buf = (uintptr_t)(nr == SYS_readlink ? a[1] : a[2]);
	size_t len = (size_t)(nr == SYS_readlink ? a[2] : a[3]), n;

	if (nr != SYS_readlink && nr != SYS_readlinkat)
		return 0;
	if (copy_in((uintptr_t)path, c->given, sizeof(c->given)) < 0 ||
	    path_normalize("/", c->given, c->abs, sizeof(c->abs)) < 0 || !is_self_exe(c->abs))
		return 0;
	n = strlen(box.prog);
	if (n > len)
		n = len;
	if (!mem_range_ok(NULL, buf, n, 1)) {
		*r = -EFAULT;
		return 1;
	}
	memcpy((void *)buf, box.prog, n);
	*r = (long)n;
	return 1;
}

static int has_none_rules(void)
{
	for (unsigned i = 0; i < box.policy.npaths; i++)
		if (box.policy.paths[i].mode == FS_NONE)
			return 1;
	return 0;
}

/* One path argument: checked, and a[pa->arg] pointed at the copy. */
static long check_one(const struct path_arg *pa, long a[6], struct path_copy *c,
		      struct syscall_event *ev)
{
	char base[PATH_MAX];
	struct decision d;
	long r;

	c->given[0] = 0;
	if (!a[pa->arg] && !(pa->flags & PATH_MAY_BE_NULL))
		return -EFAULT;
	if (a[pa->arg] && (r = copy_in((uintptr_t)a[pa->arg], c->given, sizeof(c->given))) < 0)
		return r;
	ev->str[pa->arg].ptr = c->given;
	ev->str[pa->arg].len = strlen(c->given);
	if (c->given[0] == '/') {
		base[0] = 0;
	} else if ((r = fd_path(pa->dirfd_arg < 0 ? AT_FDCWD : a[pa->dirfd_arg], base,
				 sizeof(base))) < 0) {
		/* the descriptor itself, and it is a pipe or socket: no name to
		 * judge, the call may go on as it is */
		if (r == -ENOTDIR && !c->given[0] && (pa->flags & (PATH_EMPTY_OK | PATH_MAY_BE_NULL)))
			return 0;
		return r;
	}
	if (!c->given[0]) {
		/* "" or NULL: the descriptor itself */
		if (!(pa->flags & (PATH_EMPTY_OK | PATH_MAY_BE_NULL)))
			return -ENOENT;
		snprintf(c->abs, sizeof(c->abs), "%s", base);
	} else if (path_normalize(base[0] ? base : "/", c->given, c->abs, sizeof(c->abs)) < 0) {
		return -ENAMETOOLONG;
	}
	/* the program's own executable, not the monitor's */
	if (is_self_exe(c->abs)) {
		snprintf(c->abs, sizeof(c->abs), "%s", box.prog);
		snprintf(c->given, sizeof(c->given), "%s", box.prog);
	}
	if ((pa->access & ~ACC_READ) || has_none_rules())
		resolve(c->abs, pa->flags & PATH_NOFOLLOW);
	d = policy_check_path(&box.policy, c->abs, pa->access);
	ev->decision = d;
	switch (d.kind) {
	case DECISION_DENY:
		return -d.err;
	case DECISION_REWRITE:
		if (decision_rewrite(&d, c->abs, c->use, sizeof(c->use)) < 0)
			return -ENAMETOOLONG;
		break;
	default:
		if (!c->given[0])
			return 0; /* the descriptor itself: nothing to copy */
		strcpy(c->use, c->given);
	}
	a[pa->arg] = (long)c->use;
	return 0;
}

/* Checks every path of the call; on success the path arguments point to
 * the monitor's copies. Returns 0 or -errno (the call is refused). */
long files_check(long nr, long a[6], struct syscall_event *ev, const char **abs_out)
{
	struct path_arg pas[2];
	int n = syscall_path_args(nr, a, pas);
	for (int i = 0; i < n; i++) {
		long r = check_one(&pas[i], a, &copies[i], ev);
		if (r < 0)
			return r;
	}
	if (abs_out)
		*abs_out = n ? copies[0].abs : NULL;
	return 0;
}
