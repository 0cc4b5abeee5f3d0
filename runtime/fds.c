/*
 * fds.c - descriptors the program must not touch: libdune's (the VM and
 * its vCPUs: an ioctl there would be an escape) and the monitor's own
 * (audit and trace output). A call naming one fails with EBADF, as if the
 * descriptor were not open.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "dune.h"
#include "fds.h"

int box_fd_is_monitors(long arg)
{
	int fd = (int)arg; /* the kernel reads descriptors as 32-bit ints */
	if (fd < 0)
		return 0;
	return dune_owns_fd(fd) || fd == box.audit_fd || fd == box.trace_fd ||
	       fd == box.err_fd || fd == box.vfork_fd || fd == box.vfork_wait_fd;
}

/* Which arguments of nr are descriptors: a bit per argument. */
static unsigned fd_args(long nr)
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

/* -EBADF if the call names a monitor descriptor, else 0. close_range is
 * done here, around the monitor's descriptors. */
long fds_check(long nr, const long a[6], int *handled)
{
	unsigned bits = fd_args(nr);
	*handled = 0;
	if (nr == SYS_mmap && (a[3] & MAP_ANONYMOUS))
		bits = 0;
	for (int i = 0; i < 6; i++)
		if ((bits >> i) & 1 && box_fd_is_monitors(a[i]))
			return -EBADF;
	if (nr == SYS_close_range) {
		unsigned long first = (unsigned long)a[0], last = (unsigned long)a[1];
		long max = sysconf(_SC_OPEN_MAX);
		*handled = 1;
		if (first > last || (a[2] & ~6L))
			return -EINVAL;
		if (max > 0 && last >= (unsigned long)max)
			last = (unsigned long)max - 1;
		for (unsigned long fd = first; fd <= last && fd < 1u << 20; fd++) {
			if (box_fd_is_monitors((long)fd))
				continue;
			if (a[2] & 4 /* CLOSE_RANGE_CLOEXEC */)
				fcntl((int)fd, F_SETFD, FD_CLOEXEC);
			else
				close((int)fd);
		}
		return 0;
	}
	return 0;
}
