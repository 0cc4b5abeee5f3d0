/* both halves - the descriptors libdune keeps open (/dev/kvm, the VM,
 * the vCPUs, /dev/dune): code that runs other code on its behalf (a
 * sandbox) must keep that code's system calls off them. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "common/ownfd.h"
#include "common/raw_syscall.h"
#include "dune.h"

#define FD_ROOM 256 /* libdune's descriptors live this far below the limit */

#define MAX_OWNED_FD 65536
static uint64_t owned[MAX_OWNED_FD / 64];

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

/* Where libdune's descriptors go: near the top of the descriptor table, out
 * of the way of the small numbers programs name themselves (exec 3>file). */
static int fd_base(void)
{
	static int base = -1;
	struct rlimit rl;
	if (base >= 0)
		return base;
	if (raw_syscall4(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl) < 0 || rl.rlim_cur > MAX_OWNED_FD)
		rl.rlim_cur = MAX_OWNED_FD;
	base = rl.rlim_cur > 2 * FD_ROOM ? (int)rl.rlim_cur - FD_ROOM : (int)rl.rlim_cur / 2;
	return base;
}

int dune_fd_take(int fd)
{
	long high;
	if (fd < 0)
		return fd;
	dune_fd_own(fd, 1);
	high = raw_syscall3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, fd_base());
	if (high < 0)
		return fd; /* the table is full up there: where it is */
	dune_fd_own((int)high, 1);
	raw_syscall1(SYS_close, fd);
	dune_fd_own(fd, 0);
	return (int)high;
}
