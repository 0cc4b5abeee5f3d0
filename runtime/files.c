/*
 * files.c - system calls that name paths. Each path is copied out of the
 * program's memory once and walked by the monitor in the program's view
 * (pathwalk.c); the policy judges the place the walk reached, and the call
 * then runs on the descriptors the walk holds: *at calls in the directory
 * it opened, or /proc/self/fd/N for the object itself. The kernel never
 * resolves the program's string, so nothing the program does meanwhile
 * (symlink swaps, dup2 over a dirfd, renames) moves the call elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "box.h"
#include "files.h"
#include "mem.h"
#include "monitor_fds.h"
#include "pathwalk.h"
#include "policy/syscalls.h"
#include "procfs_view.h"
#include "uaccess.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#define MAX_RETRIES 4 /* a name that keeps turning into a symlink: ELOOP */
#define FD_PATH_MAX 64

struct path_copy {
	char given[PATH_MAX]; /* as the program wrote it */
};
static __thread struct path_copy copies[2];

/* The NUL-terminated string at p, from program memory. */
static int copy_in(uintptr_t p, char *out, size_t outlen)
{
	long n = uaccess_string(out, p, outlen);
	return n < 0 ? (int)n : 0;
}

/* Path argument i of the call, copied and shown in the audit. NULL is
 * taken as "" where the call allows it. */
static int get_path(long uptr, int i, int null_ok, const char **out)
{
	struct path_copy *c = &copies[i];
	int r;
	c->given[0] = 0;
	if (!uptr && !null_ok)
		return -EFAULT;
	if (uptr && (r = copy_in((uintptr_t)uptr, c->given, sizeof(c->given))) < 0)
		return r;
	*out = c->given;
	return 0;
}

static void show(struct syscall_event *ev, int arg, const char *s)
{
	ev->str[arg].ptr = s;
	ev->str[arg].len = strlen(s);
}

static long deny(struct syscall_event *ev, struct decision d)
{
	ev->decision = d;
	return -d.err;
}

/* The policy's word on what the walk reached, for access (enum access). */
static long judge(const struct walk *w, int access, struct syscall_event *ev)
{
	struct decision d;
	if (procfs_view_hidden(w->view))
		return deny(ev, (struct decision){ .kind = DECISION_DENY, .err = EACCES });
	if (w->kind == WALK_FD) {
		/* one of the program's descriptors: no more than it already has */
		int have = w->fd_access == O_RDWR ? ACC_READ | ACC_WRITE
			 : w->fd_access == O_WRONLY ? ACC_WRITE
			 : w->fd_access == O_RDONLY ? ACC_READ : 0;
		if (!(access & ~(have | ACC_LOOKUP)))
			return 0;
	}
	d = policy_check_path(&box.policy, w->view, access);
	if (d.kind == DECISION_DENY)
		return deny(ev, d);
	ev->decision = d;
	return 0;
}

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

static int self_path(int fd, const char *name, char *out)
{
	return walk_fd_path(fd, name, out, FD_PATH_MAX + NAME_MAX);
}

/* ---- open ---- */

/* The walk flags an openat2 resolve word asks for, or -errno. */
static int resolve_flags(uint64_t resolve)
{
	int f = 0;
	if (resolve & ~(uint64_t)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
				 RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED))
		return -EINVAL;
	if (resolve & RESOLVE_CACHED)
		return -EAGAIN; /* allowed by its contract: the caller retries without */
	if (resolve & RESOLVE_NO_XDEV)
		return -EXDEV; /* mount crossings are not followed here: refuse, never ignore */
	if (resolve & RESOLVE_NO_MAGICLINKS)
		f |= WALK_NO_MAGIC;
	if (resolve & RESOLVE_NO_SYMLINKS)
		f |= WALK_NO_SYMLINKS | WALK_NO_MAGIC;
	if (resolve & RESOLVE_BENEATH)
		f |= WALK_BENEATH;
	if (resolve & RESOLVE_IN_ROOT)
		f |= WALK_IN_ROOT;
	return f;
}

static long open_walked(const struct walk *w, long flags, long mode)
{
	char self[FD_PATH_MAX + NAME_MAX + 2];
	long r;

	if (w->kind == WALK_MISSING) {
		struct open_how how = {
			.flags = (uint64_t)flags, .mode = (uint64_t)mode & 07777,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};
		if (!(flags & O_CREAT))
			return -ENOENT;
		if (w->trailing_slash)
			return -EISDIR;
		r = syscall(SYS_openat2, w->dirfd, w->name, &how, sizeof(how));
		return sys_ret(r);
	}
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (S_ISLNK(w->st.st_mode)) {
		/* a symlink not followed: itself with O_PATH, else ELOOP */
		if (!(flags & O_PATH))
			return -ELOOP;
		return sys_ret(fcntl(w->objfd, (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0));
	}
	if (self_path(w->objfd, NULL, self) < 0)
		return -ENAMETOOLONG;
	/* the object the walk holds, opened again with the program's flags */
	flags &= ~(long)(O_CREAT | O_EXCL | O_NOFOLLOW);
	return sys_ret(syscall(SYS_open, self, flags, mode));
}

/* The walk's descriptors held low numbers while the call ran: the
 * program's new one moves to the lowest free number, which the kernel
 * would have given it (a shell's `exec 3>f` counts on that). */
static long lowest_free(long fd)
{
	int flags, low;
	if (fd < 0 || (flags = fcntl((int)fd, F_GETFD)) < 0)
		return fd;
	low = fcntl((int)fd, (flags & FD_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
	if (low < 0)
		return fd;
	if (low > fd) {
		close(low);
		return fd;
	}
	close((int)fd);
	return low;
}

static long do_open(int dirfd, long upath, long flags, long mode, int extra, struct syscall_event *ev,
		    int arg)
{
	const char *path;
	struct walk w;
	long r;
	int wf = extra;

	if ((r = get_path(upath, 0, 0, &path)) < 0)
		return r;
	show(ev, arg, path);
	if (!(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)))
		wf |= WALK_FOLLOW;
	if (flags & O_CREAT)
		wf |= WALK_NEED_DIR;
	for (int tries = 0; tries < MAX_RETRIES; tries++) {
		if ((r = walk(dirfd, path, wf, &w)) < 0)
			return r;
		int access = open_flags_access(flags);
		if ((r = judge(&w, access, ev)) == 0 && !procfs_view_open(&w, flags, &r)) {
			r = open_walked(&w, flags, mode);
			/* a name that became a symlink between walk and open */
			if (r == -ELOOP && w.kind == WALK_MISSING) {
				walk_done(&w);
				continue;
			}
		}
		walk_done(&w);
		return lowest_free(r);
	}
	return -ELOOP;
}

static long do_openat2(long dirfd, long upath, long uhow, long size, struct syscall_event *ev)
{
	struct open_how how;
	unsigned char extra[64];
	long wf;

	if ((size_t)size < sizeof(how))
		return -EINVAL;
	if (uaccess_from(&how, (uintptr_t)uhow, sizeof(how)) < 0)
		return -EFAULT;
	/* a bigger struct from a newer libc: the rest must be zero */
	for (size_t off = sizeof(how); off < (size_t)size; off += sizeof(extra)) {
		size_t n = (size_t)size - off < sizeof(extra) ? (size_t)size - off : sizeof(extra);
		if (uaccess_from(extra, (uintptr_t)uhow + off, n) < 0)
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (extra[i])
				return -E2BIG;
	}
	if (how.mode && !(how.flags & (O_CREAT | __O_TMPFILE)))
		return -EINVAL;
	if ((wf = resolve_flags(how.resolve)) < 0)
		return wf;
	return do_open((int)dirfd, upath, (long)how.flags, (long)how.mode, (int)wf, ev, 1);
}

/* ---- calls on an existing object ---- */

/* Walks path argument arg (dirfd from dirfd_arg, -1 for the cwd); the
 * target must exist. */
static long walk_existing(const long a[6], int arg, int dirfd_arg, int slot, int wf, int null_ok,
			  struct syscall_event *ev, struct walk *w)
{
	const char *path;
	long r = get_path(a[arg], slot, null_ok, &path);
	if (r < 0)
		return r;
	show(ev, arg, path);
	/* a symlink not followed is acted on by its name */
	if (!(wf & WALK_FOLLOW))
		wf |= WALK_NEED_DIR;
	r = walk(dirfd_arg < 0 ? AT_FDCWD : (int)a[dirfd_arg], path, wf, w);
	if (r == 0 && w->kind == WALK_MISSING) {
		walk_done(w);
		return -ENOENT;
	}
	return r;
}

static int at_walk_flags(long at_flags, int follow_by_default)
{
	int f = 0;
	if (follow_by_default && !(at_flags & AT_SYMLINK_NOFOLLOW))
		f |= WALK_FOLLOW;
	if (!follow_by_default && (at_flags & AT_SYMLINK_FOLLOW))
		f |= WALK_FOLLOW;
	if (at_flags & AT_EMPTY_PATH)
		f |= WALK_EMPTY_OK;
	return f;
}

static long do_stat(long nr, const long a[6], struct syscall_event *ev)
{
	struct walk w;
	long r;
	int arg = nr == SYS_stat || nr == SYS_lstat ? 0 : 1;
	int dirfd_arg = arg ? 0 : -1;
	int wf = nr == SYS_stat ? WALK_FOLLOW : nr == SYS_lstat ? 0
	       : at_walk_flags(nr == SYS_statx ? a[2] : a[3], 1);

	if ((r = walk_existing(a, arg, dirfd_arg, 0, wf, (wf & WALK_EMPTY_OK) != 0, ev, &w)) < 0)
		return r;
	if ((r = judge(&w, ACC_LOOKUP, ev)) == 0) {
		if (nr == SYS_statx)
			r = sys_ret(syscall(SYS_statx, w.objfd, "", AT_EMPTY_PATH |
					    (a[2] & (AT_STATX_SYNC_TYPE | AT_NO_AUTOMOUNT)),
					    a[3], a[4]));
		else
			r = sys_ret(syscall(SYS_newfstatat, w.objfd, "", arg ? a[2] : a[1],
					    AT_EMPTY_PATH));
	}
	walk_done(&w);
	return r;
}

static long do_access(long nr, const long a[6], struct syscall_event *ev)
{
	struct walk w;
	long r, mode = nr == SYS_access ? a[1] : a[2];
	long flags = nr == SYS_faccessat2 ? a[3] : 0;
	int arg = nr == SYS_access ? 0 : 1;

	if (flags & ~(long)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = walk_existing(a, arg, arg ? 0 : -1, 0, at_walk_flags(flags, 1), 0, ev, &w)) < 0)
		return r;
	if ((r = judge(&w, (mode & W_OK) ? ACC_WRITE : ACC_LOOKUP, ev)) == 0)
		r = sys_ret(syscall(SYS_faccessat2, w.objfd, "", mode,
				    AT_EMPTY_PATH | (flags & AT_EACCESS)));
	walk_done(&w);
	return r;
}

/* What a link on /proc says, as the program must read it. */
static int proc_text(const struct walk *w, char *text, size_t len)
{
	int pid, n, k = 0;
	char host[PATH_MAX];
	if (sscanf(w->view, "/proc/%d/fd/%d%n", &pid, &n, &k) == 2 && !w->view[k] &&
	    pid == box_pid && mfd_is_monitors(n))
		return -ENOENT;
	k = 0;
	if (sscanf(w->view, "/proc/%d/exe%n", &pid, &k) == 1 && !w->view[k] &&
	    walk_proc_exe(pid, text, len) == 0)
		return 0;
	if (text[0] == '/') {
		snprintf(host, sizeof(host), "%s", text);
		if (walk_host_to_view(host, text, len) < 0)
			snprintf(text, len, "%s", host);
	}
	return 0;
}

static long do_readlink(long nr, const long a[6], struct syscall_event *ev)
{
	struct walk w;
	char text[PATH_MAX];
	int arg = nr == SYS_readlink ? 0 : 1;
	uintptr_t buf = (uintptr_t)a[arg + 1];
	long size = a[arg + 2], r;
	struct stat proc;

	if ((int)size <= 0)
		return -EINVAL;
	if ((r = walk_existing(a, arg, arg ? 0 : -1, 0, 0, 0, ev, &w)) < 0)
		return r;
	if ((r = judge(&w, ACC_LOOKUP, ev)) < 0)
		goto out;
	if (!S_ISLNK(w.st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	r = readlinkat(w.objfd, "", text, sizeof(text) - 1);
	if (r < 0) {
		r = -errno;
		goto out;
	}
	text[r] = 0;
	if (stat("/proc/self", &proc) == 0 && proc.st_dev == w.st.st_dev &&
	    (r = proc_text(&w, text, sizeof(text))) < 0)
		goto out;
	r = (long)strlen(text);
	if (r > size)
		r = size;
	if (uaccess_to(buf, text, (size_t)r) < 0)
		r = -EFAULT;
out:
	walk_done(&w);
	return r;
}

static long do_chdir(const long a[6], struct syscall_event *ev)
{
	struct walk w;
	long r = walk_existing(a, 0, -1, 0, WALK_FOLLOW, 0, ev, &w);
	if (r < 0)
		return r;
	if (!S_ISDIR(w.st.st_mode))
		r = -ENOTDIR;
	else if ((r = judge(&w, ACC_LOOKUP, ev)) == 0)
		r = sys_ret(fchdir(w.objfd));
	walk_done(&w);
	return r;
}

/* chmod, chown, truncate, utimes, xattrs, statfs: on the object itself */
static long on_object(long nr, const long a[6], int arg, int dirfd_arg, int wf, int access,
		      struct syscall_event *ev)
{
	char self[FD_PATH_MAX + NAME_MAX + 2];
	struct walk w;
	long r;
	int link = 0;

	if ((r = walk_existing(a, arg, dirfd_arg, 0, wf, (wf & WALK_EMPTY_OK) != 0, ev, &w)) < 0)
		return r;
	if ((r = judge(&w, access, ev)) < 0)
		goto out;
	link = S_ISLNK(w.st.st_mode); /* the symlink itself: not followed */
	r = link && w.dirfd >= 0 ? self_path(w.dirfd, w.name, self) : self_path(w.objfd, NULL, self);
	if (r < 0)
		goto out;
	switch (nr) {
	case SYS_chmod:
	case SYS_fchmodat:
	case SYS_fchmodat2:
		r = link ? -EOPNOTSUPP : sys_ret(chmod(self, (mode_t)(nr == SYS_chmod ? a[1] : a[2])));
		break;
	case SYS_chown:
	case SYS_lchown:
		r = sys_ret(fchownat(w.objfd, "", (uid_t)a[1], (gid_t)a[2], AT_EMPTY_PATH));
		break;
	case SYS_fchownat:
		r = sys_ret(fchownat(w.objfd, "", (uid_t)a[2], (gid_t)a[3], AT_EMPTY_PATH));
		break;
	case SYS_truncate:
		r = sys_ret(truncate(self, a[1]));
		break;
	case SYS_statfs:
		r = sys_ret(syscall(SYS_statfs, self, a[1]));
		break;
	case SYS_setxattr:
	case SYS_lsetxattr:
		r = sys_ret(syscall(link ? SYS_lsetxattr : SYS_setxattr, self, a[1], a[2], a[3], a[4]));
		break;
	case SYS_getxattr:
	case SYS_lgetxattr:
		r = sys_ret(syscall(link ? SYS_lgetxattr : SYS_getxattr, self, a[1], a[2], a[3]));
		break;
	case SYS_listxattr:
	case SYS_llistxattr:
		r = sys_ret(syscall(link ? SYS_llistxattr : SYS_listxattr, self, a[1], a[2]));
		break;
	case SYS_removexattr:
	case SYS_lremovexattr:
		r = sys_ret(syscall(link ? SYS_lremovexattr : SYS_removexattr, self, a[1]));
		break;
	default:
		r = -ENOSYS;
	}
out:
	walk_done(&w);
	return r;
}

/* utime, utimes, futimesat, utimensat: the times are copied first */
static long do_utimes(long nr, const long a[6], struct syscall_event *ev)
{
	struct timespec ts[2], *tsp = ts;
	char self[FD_PATH_MAX + NAME_MAX + 2];
	struct walk w;
	long r, flags = 0;
	int arg = nr == SYS_utime || nr == SYS_utimes ? 0 : 1;
	uintptr_t times = (uintptr_t)a[arg + 1];

	if (!times) {
		tsp = NULL;
	} else if (nr == SYS_utime) {
		struct utimbuf u;
		if (uaccess_from(&u, times, sizeof(u)) < 0)
			return -EFAULT;
		ts[0] = (struct timespec){ u.actime, 0 };
		ts[1] = (struct timespec){ u.modtime, 0 };
	} else if (nr == SYS_utimensat) {
		if (uaccess_from(ts, times, sizeof(ts)) < 0)
			return -EFAULT;
	} else {
		struct timeval tv[2];
		if (uaccess_from(tv, times, sizeof(tv)) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i] = (struct timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
	}
	if (nr == SYS_utimensat) {
		flags = a[3];
		if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		if (!a[1]) /* futimens: on the descriptor */
			return files_fd_write(SYS_utimensat, a) ?: sys_ret(syscall(SYS_utimensat, a[0],
									   NULL, tsp, 0));
	}
	int wf = nr == SYS_utimensat ? at_walk_flags(flags, 1) : WALK_FOLLOW;
	if ((r = walk_existing(a, arg, arg ? 0 : -1, 0, wf, 0, ev, &w)) < 0)
		return r;
	if ((r = judge(&w, ACC_WRITE, ev)) == 0) {
		if (S_ISLNK(w.st.st_mode))
			r = w.dirfd < 0 ? -EPERM
					: sys_ret(utimensat(w.dirfd, w.name, tsp, AT_SYMLINK_NOFOLLOW));
		else if ((r = self_path(w.objfd, NULL, self)) == 0)
			r = sys_ret(utimensat(AT_FDCWD, self, tsp, 0));
	}
	walk_done(&w);
	return r;
}

static long do_inotify(const long a[6], struct syscall_event *ev)
{
	char self[FD_PATH_MAX + NAME_MAX + 2];
	struct walk w;
	uint32_t mask = (uint32_t)a[2];
	long r = walk_existing(a, 1, -1, 0, (mask & IN_DONT_FOLLOW) ? 0 : WALK_FOLLOW, 0, ev, &w);
	if (r < 0)
		return r;
	if ((r = judge(&w, ACC_READ, ev)) == 0) {
		r = S_ISLNK(w.st.st_mode) && w.dirfd >= 0 ? self_path(w.dirfd, w.name, self)
							   : self_path(w.objfd, NULL, self);
		if (r == 0)
			r = sys_ret(inotify_add_watch((int)a[0], self, mask));
	}
	walk_done(&w);
	return r;
}

/* ---- calls that make or remove names ---- */

/* Walks path argument arg without following its last component. */
static long walk_name(const long a[6], int arg, int dirfd_arg, int slot, struct syscall_event *ev,
		      struct walk *w)
{
	const char *path;
	long r = get_path(a[arg], slot, 0, &path);
	if (r < 0)
		return r;
	show(ev, arg, path);
	return walk(dirfd_arg < 0 ? AT_FDCWD : (int)a[dirfd_arg], path, WALK_NEED_DIR, w);
}

static long do_make(long nr, const long a[6], struct syscall_event *ev)
{
	struct walk w;
	long r;
	int at = nr == SYS_mkdirat || nr == SYS_mknodat || nr == SYS_symlinkat;
	int arg = nr == SYS_symlink ? 1 : nr == SYS_symlinkat ? 2 : at ? 1 : 0;
	int dirfd_arg = nr == SYS_symlinkat ? 1 : at ? 0 : -1;
	char target[PATH_MAX];

	if (nr == SYS_mknod || nr == SYS_mknodat) {
		mode_t mode = (mode_t)a[at ? 2 : 1];
		/* device nodes give what the policy never named (a /dev/kvm
		 * copy): never made, wherever */
		if (S_ISCHR(mode) || S_ISBLK(mode))
			return -EPERM;
	}
	if (nr == SYS_symlink || nr == SYS_symlinkat) {
		/* the target is only text stored in the link */
		if ((r = copy_in((uintptr_t)a[0], target, sizeof(target))) < 0)
			return r;
		show(ev, 0, target);
	}
	if ((r = walk_name(a, arg, dirfd_arg, 0, ev, &w)) < 0)
		return r;
	if (w.kind != WALK_MISSING)
		r = -EEXIST;
	else if ((r = judge(&w, ACC_CREATE, ev)) == 0) {
		switch (nr) {
		case SYS_mkdir:
		case SYS_mkdirat:
			r = sys_ret(mkdirat(w.dirfd, w.name, (mode_t)a[at ? 2 : 1]));
			break;
		case SYS_mknod:
		case SYS_mknodat:
			r = w.trailing_slash ? -ENOENT
					     : sys_ret(mknodat(w.dirfd, w.name, (mode_t)a[at ? 2 : 1],
							       (dev_t)a[at ? 3 : 2]));
			break;
		default:
			r = w.trailing_slash ? -ENOENT : sys_ret(symlinkat(target, w.dirfd, w.name));
		}
	}
	walk_done(&w);
	return r;
}

static long do_remove(long nr, const long a[6], struct syscall_event *ev)
{
	struct walk w;
	long r, flags = nr == SYS_unlinkat ? a[2] : nr == SYS_rmdir ? AT_REMOVEDIR : 0;
	int arg = nr == SYS_unlinkat ? 1 : 0;

	if (flags & ~(long)AT_REMOVEDIR)
		return -EINVAL;
	if ((r = walk_name(a, arg, arg ? 0 : -1, 0, ev, &w)) < 0)
		return r;
	if (w.kind == WALK_MISSING)
		r = -ENOENT;
	else if (w.dirfd < 0)
		r = -EBUSY; /* "/", ".", a mount point of the view */
	else if ((r = judge(&w, ACC_DELETE, ev)) == 0)
		r = sys_ret(unlinkat(w.dirfd, w.name, (int)flags));
	walk_done(&w);
	return r;
}

static long do_rename(long nr, const long a[6], struct syscall_event *ev)
{
	struct walk from, to;
	long r, flags = nr == SYS_renameat2 ? a[4] : 0;
	int two = nr != SYS_rename;
	int both = ACC_DELETE | ACC_CREATE;

	if ((r = walk_name(a, two ? 1 : 0, two ? 0 : -1, 0, ev, &from)) < 0)
		return r;
	if ((r = walk_name(a, two ? 3 : 1, two ? 2 : -1, 1, ev, &to)) < 0) {
		walk_done(&from);
		return r;
	}
	if (from.kind == WALK_MISSING)
		r = -ENOENT;
	else if (from.dirfd < 0 || to.dirfd < 0)
		r = -EBUSY;
	else if ((r = judge(&from, (flags & RENAME_EXCHANGE) ? both : ACC_DELETE, ev)) == 0 &&
		 (r = judge(&to, both, ev)) == 0)
		r = sys_ret(syscall(SYS_renameat2, from.dirfd, from.name, to.dirfd, to.name, flags));
	walk_done(&from);
	walk_done(&to);
	return r;
}

static long do_link(long nr, const long a[6], struct syscall_event *ev)
{
	char self[FD_PATH_MAX + NAME_MAX + 2];
	struct walk from, to;
	long r, flags = nr == SYS_linkat ? a[4] : 0;
	int two = nr == SYS_linkat;

	if (flags & ~(long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = walk_existing(a, two ? 1 : 0, two ? 0 : -1, 0, at_walk_flags(flags, 0),
			       (flags & AT_EMPTY_PATH) != 0, ev, &from)) < 0)
		return r;
	if ((r = walk_name(a, two ? 3 : 1, two ? 2 : -1, 1, ev, &to)) < 0) {
		walk_done(&from);
		return r;
	}
	/* a hard link is one more way to write its source */
	if (to.kind != WALK_MISSING)
		r = -EEXIST;
	else if ((r = judge(&from, ACC_WRITE, ev)) == 0 && (r = judge(&to, ACC_CREATE, ev)) == 0) {
		if (from.kind == WALK_FOUND && from.dirfd >= 0 && S_ISLNK(from.st.st_mode))
			r = sys_ret(linkat(from.dirfd, from.name, to.dirfd, to.name, 0));
		else if (S_ISDIR(from.st.st_mode))
			r = -EPERM;
		else if ((r = self_path(from.objfd, NULL, self)) == 0)
			r = sys_ret(linkat(AT_FDCWD, self, to.dirfd, to.name, AT_SYMLINK_FOLLOW));
	}
	walk_done(&from);
	walk_done(&to);
	return r;
}

/* ---- descriptors ---- */

/* Changing what a descriptor names (its mode, owner, times, xattrs, inode
 * flags) is writing it: the descriptor must be open for writing, or its
 * file one the policy lets the program write. 0 or -errno. */
long files_fd_write(long nr, const long a[6])
{
	struct decision d;
	char view[PATH_MAX];
	int fd = (int)a[0], fl = fcntl(fd, F_GETFL);
	(void)nr;
	if (fl < 0)
		return -EBADF;
	if (!(fl & O_PATH) && (fl & O_ACCMODE) != O_RDONLY)
		return 0;
	if (walk_fd_view(fd, view, sizeof(view)) < 0)
		return -EBADF;
	d = policy_check_path(&box.policy, view, ACC_WRITE);
	return d.kind == DECISION_DENY ? -d.err : 0;
}

int files_syscall(long nr, long a[6], struct syscall_event *ev, long *r)
{
	switch (nr) {
	case SYS_open:
		*r = do_open(AT_FDCWD, a[0], a[1], a[2], 0, ev, 0);
		return 1;
	case SYS_creat:
		*r = do_open(AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1], 0, ev, 0);
		return 1;
	case SYS_openat:
		*r = do_open((int)a[0], a[1], a[2], a[3], 0, ev, 1);
		return 1;
	case SYS_openat2:
		*r = do_openat2(a[0], a[1], a[2], a[3], ev);
		return 1;
	case SYS_stat: case SYS_lstat: case SYS_newfstatat: case SYS_statx:
		*r = do_stat(nr, a, ev);
		return 1;
	case SYS_access: case SYS_faccessat: case SYS_faccessat2:
		*r = do_access(nr, a, ev);
		return 1;
	case SYS_readlink: case SYS_readlinkat:
		*r = do_readlink(nr, a, ev);
		return 1;
	case SYS_chdir:
		*r = do_chdir(a, ev);
		return 1;
	case SYS_mkdir: case SYS_mkdirat: case SYS_mknod: case SYS_mknodat:
	case SYS_symlink: case SYS_symlinkat:
		*r = do_make(nr, a, ev);
		return 1;
	case SYS_unlink: case SYS_unlinkat: case SYS_rmdir:
		*r = do_remove(nr, a, ev);
		return 1;
	case SYS_rename: case SYS_renameat: case SYS_renameat2:
		*r = do_rename(nr, a, ev);
		return 1;
	case SYS_link: case SYS_linkat:
		*r = do_link(nr, a, ev);
		return 1;
	case SYS_chmod:
		*r = on_object(nr, a, 0, -1, WALK_FOLLOW, ACC_WRITE, ev);
		return 1;
	case SYS_fchmodat:
		*r = on_object(nr, a, 1, 0, WALK_FOLLOW, ACC_WRITE, ev);
		return 1;
	case SYS_fchmodat2:
		if (a[3] & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			*r = -EINVAL;
		else
			*r = on_object(nr, a, 1, 0, at_walk_flags(a[3], 1), ACC_WRITE, ev);
		return 1;
	case SYS_chown:
		*r = on_object(nr, a, 0, -1, WALK_FOLLOW, ACC_WRITE, ev);
		return 1;
	case SYS_lchown:
		*r = on_object(nr, a, 0, -1, 0, ACC_WRITE, ev);
		return 1;
	case SYS_fchownat:
		if (a[4] & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			*r = -EINVAL;
		else
			*r = on_object(nr, a, 1, 0, at_walk_flags(a[4], 1), ACC_WRITE, ev);
		return 1;
	case SYS_truncate:
		*r = on_object(nr, a, 0, -1, WALK_FOLLOW, ACC_WRITE, ev);
		return 1;
	case SYS_statfs:
		*r = on_object(nr, a, 0, -1, WALK_FOLLOW, ACC_LOOKUP, ev);
		return 1;
	case SYS_setxattr: case SYS_removexattr:
		*r = on_object(nr, a, 0, -1, WALK_FOLLOW, ACC_WRITE, ev);
		return 1;
	case SYS_lsetxattr: case SYS_lremovexattr:
		*r = on_object(nr, a, 0, -1, 0, ACC_WRITE, ev);
		return 1;
	case SYS_getxattr: case SYS_listxattr:
		*r = on_object(nr, a, 0, -1, WALK_FOLLOW, ACC_READ, ev);
		return 1;
	case SYS_lgetxattr: case SYS_llistxattr:
		*r = on_object(nr, a, 0, -1, 0, ACC_READ, ev);
		return 1;
	case SYS_utime: case SYS_utimes: case SYS_futimesat: case SYS_utimensat:
		*r = do_utimes(nr, a, ev);
		return 1;
	case SYS_inotify_add_watch:
		*r = do_inotify(a, ev);
		return 1;
	case SYS_fchmod: case SYS_fchown: case SYS_fsetxattr: case SYS_fremovexattr:
		/* on a descriptor: checked here, then forwarded as it is */
		if ((*r = files_fd_write(nr, a)) < 0)
			return 1;
		return 0;
	}
	return 0;
}

int files_open_exec(int dirfd, const char *path, int flags, char *view, size_t viewlen)
{
	struct walk w;
	struct syscall_event ev;
	int r;

	memset(&ev, 0, sizeof(ev));
	if ((r = walk(dirfd, path, flags | WALK_FOLLOW, &w)) < 0)
		return r;
	if (w.kind == WALK_MISSING) {
		walk_done(&w);
		return -ENOENT;
	}
	if ((r = (int)judge(&w, ACC_EXEC | ACC_READ, &ev)) < 0) {
		walk_done(&w);
		return r;
	}
	if (view)
		snprintf(view, viewlen, "%s", w.view[0] ? w.view : path);
	r = w.objfd;
	w.objfd = -1;
	walk_done(&w);
	return r;
}
