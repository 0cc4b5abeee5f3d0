/*
 * fds.c - descriptors the program must not touch: libdune's (the VM and
 * its vCPUs: an ioctl or a mapping there would be an escape) and the
 * monitor's own (monitor_fds.c). A call naming one fails with EBADF, as if
 * the descriptor were not open; the calls that copy a descriptor (dup,
 * fcntl F_DUPFD, SCM_RIGHTS) check and copy in one step against the
 * monitor making new ones (monitor_fds.h), and close_range goes around
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "dune.h"
#include "fds.h"
#include "monitor_fds.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int box_fd_is_monitors(long arg)
{
	return mfd_is_monitors(arg);
}

#define A(n) (1u << (n))

/* Which arguments of nr are descriptors of this process: a bit each.
 * libdune's list, and the calls only a program run on someone's behalf
 * may make (libdune refuses them outright in its own loop). */
static unsigned fd_args(long nr, const long a[6])
{
	switch (nr) {
	case SYS_signalfd: case SYS_open_by_handle_at: case SYS_pidfd_getfd:
	case SYS_process_madvise: case SYS_process_mrelease: case SYS_finit_module:
	case SYS_quotactl_fd: case SYS_mount_setattr: case SYS_open_tree:
	case SYS_fspick: case SYS_fsconfig: case SYS_fsmount: case SYS_io_uring_enter:
	case SYS_io_uring_register: case SYS_landlock_add_rule:
	case SYS_landlock_restrict_self: case 451 /* cachestat */: case 452 /* fchmodat2 */:
	case 463 /* setxattrat */: case 464 /* getxattrat */: case 465 /* listxattrat */:
	case 466 /* removexattrat */: case 467 /* open_tree_attr */:
	case 468 /* file_getattr */: case 469 /* file_setattr */:
		return A(0);
	case SYS_move_mount:
		return A(0) | A(2);
	case SYS_fanotify_mark:
		return A(0) | A(3);
	case SYS_waitid:
		return a[0] == P_PIDFD ? A(1) : 0;
	case SYS_mmap:
		return (a[3] & MAP_ANONYMOUS) ? 0 : A(4);
	}
	return dune_syscall_fd_args(nr);
}

static long close_range_around(const long a[6])
{
	unsigned long first = (unsigned long)a[0], last = (unsigned long)a[1];
	long max = sysconf(_SC_OPEN_MAX);
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

static int is_dup(long nr, const long a[6])
{
	return nr == SYS_dup || nr == SYS_dup2 || nr == SYS_dup3 ||
	       (nr == SYS_fcntl && ((int)a[1] == F_DUPFD || (int)a[1] == F_DUPFD_CLOEXEC));
}

/* -EBADF if the call names a monitor descriptor, else 0; *handled when
 * the call was done here (copies of descriptors, close_range). */
long fds_check(long nr, const long a[6], int *handled)
{
	unsigned bits = fd_args(nr, a);
	long r;

	*handled = 0;
	if (nr == SYS_close_range) {
		*handled = 1;
		return close_range_around(a);
	}
	if (is_dup(nr, a)) {
		/* checked and copied while no new monitor descriptor can
		 * take the number the program names */
		*handled = 1;
		mfd_capture_begin();
		if (box_fd_is_monitors(a[0]) || ((nr == SYS_dup2 || nr == SYS_dup3) &&
						 box_fd_is_monitors(a[1])))
			r = -EBADF;
		else if ((r = syscall(nr, a[0], a[1], a[2])) < 0)
			r = -errno;
		mfd_capture_end();
		return r;
	}
	for (int i = 0; i < 6; i++)
		if ((bits >> i) & 1 && box_fd_is_monitors(a[i]))
			return -EBADF;
	return 0;
}

/* SCM_RIGHTS in a control message the monitor copied (copyargs.c): each
 * descriptor is pinned by a copy taken while checked, and the message
 * carries the pins. 0, or -EBADF for a monitor descriptor. */
long fds_pin_rights(struct msghdr *m, int *pins, int max_pins, int *nr_pins)
{
	struct cmsghdr *c;
	long r = 0;

	*nr_pins = 0;
	mfd_capture_begin();
	for (c = CMSG_FIRSTHDR(m); c && !r; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int *fds = (int *)CMSG_DATA(c);
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int pin;
			if (*nr_pins == max_pins) {
				r = -EINVAL;
				break;
			}
			if (box_fd_is_monitors(fds[i])) {
				r = -EBADF;
				break;
			}
			pin = mfd_own(fcntl(fds[i], F_DUPFD_CLOEXEC, 0));
			if (pin < 0) {
				r = -EBADF;
				break;
			}
			pins[(*nr_pins)++] = pin;
			fds[i] = pin;
		}
	}
	mfd_capture_end();
	return r;
}

void fds_unpin(const int *pins, int nr_pins)
{
	for (int i = 0; i < nr_pins; i++)
		mfd_close(pins[i]);
}
