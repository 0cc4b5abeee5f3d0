/* both halves - the descriptors libdune keeps open (/dev/kvm, the VM,
 * the vCPUs, /dev/dune): code that runs other code on its behalf (a
 * sandbox) must keep that code's system calls off them. */
#include <stdint.h>

#include "common/ownfd.h"
#include "dune.h"

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
