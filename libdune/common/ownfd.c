/* both halves - the descriptors libdune keeps open (/dev/kvm, the VM,
 * the vCPUs, /dev/dune). They live at the top of the descriptor space,
 * out of the numbers programs use, and the program's system calls cannot
 * reach them: a call naming one fails with EBADF as for a closed
 * descriptor, close_range goes around them, and listings of the
 * process's descriptors (/proc/self/fd) leave them out. A sandbox that
 * runs other code on its behalf asks dune_owns_fd too. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "common/ownfd.h"
#include "common/raw_syscall.h"
#include "dune.h"

#define MAX_OWNED_FD 65536 /* also the top of the area they are moved to */
#define OWNED_AREA 256     /* libdune's descriptors sit in the last ones */
#define CLOSE_RANGE_UNSHARE_FLAG 2 /* <linux/close_range.h> */
#define CLOSE_RANGE_CLOEXEC_FLAG 4
static uint64_t owned[MAX_OWNED_FD / 64];
static uint64_t hidden[MAX_OWNED_FD / 64]; /* left out of listings only */

void dune_fd_own(int fd, int own)
{
	if (fd < 0 || fd >= MAX_OWNED_FD)
		return;
	if (own)
		__atomic_or_fetch(&owned[fd / 64], 1ULL << (fd % 64), __ATOMIC_SEQ_CST);
	else
		__atomic_and_fetch(&owned[fd / 64], ~(1ULL << (fd % 64)), __ATOMIC_SEQ_CST);
}

int dune_owns_fd(int fd)
{
	if (fd < 0 || fd >= MAX_OWNED_FD)
		return 0;
	return (__atomic_load_n(&owned[fd / 64], __ATOMIC_SEQ_CST) >> (fd % 64)) & 1;
}

static int is_hidden(int fd)
{
	return fd >= 0 && fd < MAX_OWNED_FD &&
	       ((__atomic_load_n(&hidden[fd / 64], __ATOMIC_SEQ_CST) >> (fd % 64)) & 1);
}

/* fd moved to the top of what RLIMIT_NOFILE allows (the soft limit is
 * raised to the hard one for the move and put back: the descriptor stays
 * usable above it); fd itself if it cannot move. */
static int move_high(int fd)
{
	struct rlimit old, high;
	long top, moved;

	if (fd < 0)
		return fd;
	if (raw_syscall4(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&old) < 0)
		goto stay;
	top = old.rlim_max < MAX_OWNED_FD ? (long)old.rlim_max : MAX_OWNED_FD;
	if (top < 4 * OWNED_AREA)
		goto stay;
	high = old;
	high.rlim_cur = (rlim_t)top;
	if (old.rlim_cur < (rlim_t)top &&
	    raw_syscall4(SYS_prlimit64, 0, RLIMIT_NOFILE, (long)&high, 0) < 0)
		goto stay;
	moved = raw_syscall3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, top - OWNED_AREA);
	if (old.rlim_cur < (rlim_t)top)
		raw_syscall4(SYS_prlimit64, 0, RLIMIT_NOFILE, (long)&old, 0);
	if (moved < 0)
		goto stay;
	raw_syscall1(SYS_close, fd);
	fd = (int)moved;
stay:
	return fd;
}

int dune_fd_take(int fd)
{
	fd = move_high(fd);
	dune_fd_own(fd, 1);
	return fd;
}

void ownfd_closed(int fd)
{
	if (fd >= 0 && fd < MAX_OWNED_FD)
		__atomic_and_fetch(&hidden[fd / 64], ~(1ULL << (fd % 64)), __ATOMIC_SEQ_CST);
}

int dune_fd_hide(int fd)
{
	fd = move_high(fd);
	if (fd >= 0 && fd < MAX_OWNED_FD)
		__atomic_or_fetch(&hidden[fd / 64], 1ULL << (fd % 64), __ATOMIC_SEQ_CST);
	return fd;
}

/* Which arguments of system call nr are descriptors: a bit per argument. */
unsigned dune_syscall_fd_args(long nr)
{
	switch (nr) {
	case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64:
	case SYS_readv: case SYS_writev: case SYS_preadv: case SYS_pwritev:
	case SYS_preadv2: case SYS_pwritev2: case SYS_close: case SYS_fstat:
	case SYS_lseek: case SYS_ioctl: case SYS_fcntl: case SYS_flock:
	case SYS_fsync: case SYS_fdatasync: case SYS_ftruncate: case SYS_getdents:
	case SYS_getdents64: case SYS_fchdir: case SYS_fchmod: case SYS_fchown:
	case SYS_fstatfs: case SYS_recvfrom: case SYS_sendto: case SYS_recvmsg:
	case SYS_sendmsg: case SYS_recvmmsg: case SYS_sendmmsg: case SYS_accept:
	case SYS_accept4: case SYS_bind: case SYS_connect: case SYS_listen:
	case SYS_shutdown: case SYS_getsockname: case SYS_getpeername:
	case SYS_setsockopt: case SYS_getsockopt: case SYS_dup: case SYS_fadvise64:
	case SYS_fallocate: case SYS_readahead: case SYS_sync_file_range: case SYS_syncfs:
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2:
	case SYS_inotify_add_watch: case SYS_inotify_rm_watch: case SYS_fgetxattr:
	case SYS_fsetxattr: case SYS_flistxattr: case SYS_fremovexattr:
	case SYS_timerfd_settime: case SYS_timerfd_gettime: case SYS_signalfd4:
	case SYS_openat: case SYS_mkdirat: case SYS_mknodat: case SYS_fchownat:
	case SYS_futimesat: case SYS_newfstatat: case SYS_unlinkat: case SYS_readlinkat:
	case SYS_fchmodat: case SYS_faccessat: case SYS_faccessat2: case SYS_utimensat:
	case SYS_openat2: case SYS_statx: case SYS_execveat: case SYS_name_to_handle_at:
	case SYS_vmsplice: case SYS_setns: case SYS_pidfd_send_signal:
		return 1;
	case SYS_sendfile: case SYS_dup2: case SYS_dup3: case SYS_tee:
		return 3;
	case SYS_splice: case SYS_copy_file_range: case SYS_renameat: case SYS_renameat2:
	case SYS_linkat: case SYS_epoll_ctl:
		return 5;
	case SYS_symlinkat:
		return 2;
	case SYS_mmap:
		return 1u << 4;
	}
	return 0;
}

int ownfd_named(long nr, const uint64_t args[6])
{
	unsigned bits = dune_syscall_fd_args(nr);
	if (nr == SYS_mmap && (args[3] & 0x20 /* MAP_ANONYMOUS */))
		return 0;
	for (int i = 0; i < 6; i++)
		if ((bits >> i) & 1 && dune_owns_fd((int)args[i]))
			return 1;
	return 0;
}

/* close_range(first, last, flags) around libdune's descriptors */
long ownfd_close_range(unsigned first, unsigned last, unsigned flags)
{
	unsigned from = first;
	long r;
	if (first > last || (flags & ~(CLOSE_RANGE_UNSHARE_FLAG | CLOSE_RANGE_CLOEXEC_FLAG)))
		return -EINVAL;
	for (unsigned fd = first; fd <= last && fd < MAX_OWNED_FD; fd++) {
		if (!dune_owns_fd((int)fd))
			continue;
		if (fd > from && (r = raw_syscall3(SYS_close_range, from, fd - 1, flags)) < 0)
			return r;
		from = fd + 1;
	}
	return from > last ? 0 : raw_syscall3(SYS_close_range, from, last, flags);
}

/* ---- listings of this process's descriptors leave libdune's out ---- */

static char *put_num(char *p, long n)
{
	char tmp[24];
	int k = 0;
	do
		tmp[k++] = (char)('0' + n % 10);
	while ((n /= 10));
	while (k)
		*p++ = tmp[--k];
	return p;
}

static int starts(const char *s, const char *prefix, const char **rest)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	*rest = s;
	return 1;
}

/* Is fd a directory that lists this process's descriptors: /proc/PID/fd,
 * /proc/PID/fdinfo, or the same under /proc/PID/task/TID/? */
static int lists_own_fds(int fd)
{
	char link[64] = "/proc/self/fd/", target[128], pid[24], *e;
	const char *r;
	long n;

	*put_num(link + 14, fd) = 0;
	n = raw_syscall3(SYS_readlink, (long)link, (long)target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = 0;
	e = put_num(pid, raw_syscall0(SYS_getpid));
	*e++ = '/';
	*e = 0;
	if (!starts(target, "/proc/", &r) || !starts(r, pid, &r))
		return 0;
	if (starts(r, "task/", &r)) { /* a thread of this process */
		while (*r >= '0' && *r <= '9')
			r++;
		if (*r++ != '/')
			return 0;
	}
	return (starts(r, "fd", &r) && (!*r || (r[0] == 'i' && starts(r, "info", &r) && !*r)));
}

static int is_owned_name(const char *name)
{
	long n = 0;
	if (!*name)
		return 0;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || n > MAX_OWNED_FD)
			return 0;
		n = n * 10 + (*name - '0');
	}
	return dune_owns_fd((int)n) || is_hidden((int)n);
}

/* buf holds len bytes of entries: those naming libdune's descriptors go */
static long drop_owned(long nr, char *buf, long len)
{
	/* linux_dirent64: ino, off, reclen, type, name; linux_dirent: ino,
	 * off, reclen, name (the type at the end) */
	size_t name_at = nr == SYS_getdents64 ? 19 : 18;
	long in = 0, out = 0;
	while (in < len) {
		unsigned short reclen = *(unsigned short *)(buf + in + 16);
		if (!reclen || in + reclen > len)
			return len; /* not what the kernel writes: leave it */
		if (!is_owned_name(buf + in + name_at)) {
			if (out != in)
				__builtin_memmove(buf + out, buf + in, reclen);
			out += reclen;
		}
		in += reclen;
	}
	return out;
}

long ownfd_getdents(long nr, int fd, void *buf, unsigned count)
{
	long n;
	int filter = -1;
	do {
		n = raw_syscall3(nr, fd, (long)buf, count);
		if (n <= 0)
			return n;
		if (filter < 0)
			filter = lists_own_fds(fd);
		if (!filter)
			return n;
		n = drop_owned(nr, buf, n);
	} while (n == 0); /* all of them were libdune's: read on */
	return n;
}
