/* Address-space calls: the range they act on must lie in program memory,
 * whatever its protection (SYSARGS_MAPPING), or the program could unmap or
 * replace the monitor. */
#include <errno.h>
#include <sys/mman.h>

#include "sysargs_calls.h"

/* mmap(addr, length, prot, flags, fd, offset): without a fixed address the
 * kernel picks a free one and replaces nothing. */
int sa_check_mmap(struct sa_call *c, const long a[6])
{
	if (!(a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		return 0;
	return sa_pages(c, 0, "addr", (uintptr_t)a[0], (size_t)a[1]);
}

/* mremap(old_address, old_size, new_size, flags, new_address): old_size 0
 * duplicates a shared mapping, so the mapping at old_address is asked for
 * even then. */
int sa_check_mremap(struct sa_call *c, const long a[6])
{
	size_t old_size = a[1] ? (size_t)a[1] : 1;
	int r = sa_pages(c, 0, "old_address", (uintptr_t)a[0], old_size);

	if (r || !(a[3] & MREMAP_FIXED))
		return r;
	return sa_pages(c, 4, "new_address", (uintptr_t)a[4], (size_t)a[2]);
}

/* mincore(addr, length, vec): one byte per page */
int sa_check_mincore(struct sa_call *c, const long a[6])
{
	size_t len = (size_t)a[1];
	int r = sa_pages(c, 0, "addr", (uintptr_t)a[0], len);

	if (r)
		return r;
	return sa_range(c, 2, "vec", (uintptr_t)a[2], len / SA_PAGE + !!(len % SA_PAGE),
			SYSARGS_WRITE);
}

/* process_madvise(pidfd, iovec, vlen, advice, flags): on this process any
 * advice is allowed since Linux 6.13, MADV_DONTNEED included. */
int sa_check_process_madvise(struct sa_call *c, const long a[6])
{
	return sa_iovec(c, 1, "iovec", (uintptr_t)a[1], (size_t)a[2], SYSARGS_MAPPING);
}
