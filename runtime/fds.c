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

/* -EBADF if the call names a monitor descriptor, else 0. close_range is
 * done here, around the monitor's descriptors. */
long fds_check(long nr, const long a[6], int *handled)
{
	unsigned bits = dune_syscall_fd_args(nr);
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
