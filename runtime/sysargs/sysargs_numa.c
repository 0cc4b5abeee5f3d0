/* NUMA policy calls: node masks of maxnode bits, read or written as whole
 * longs. The ranges they apply to are in the table. */
#include <errno.h>

#include "sysargs_calls.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))

static int nodemask(struct sa_call *c, int arg, const char *what, long mask,
		    long maxnode, int access)
{
	size_t longs = (size_t)maxnode / BITS_PER_LONG + !!((size_t)maxnode % BITS_PER_LONG);

	if (!mask)
		return 0;
	return sa_array(c, arg, what, (uintptr_t)mask, longs, sizeof(unsigned long), access);
}

/* mbind(addr, len, mode, nodemask, maxnode, flags) */
int sa_check_mbind(struct sa_call *c, const long a[6])
{
	return nodemask(c, 3, "nodemask", a[3], a[4], SYSARGS_READ);
}

/* set_mempolicy(mode, nodemask, maxnode) */
int sa_check_set_mempolicy(struct sa_call *c, const long a[6])
{
	return nodemask(c, 1, "nodemask", a[1], a[2], SYSARGS_READ);
}

/* get_mempolicy(mode, nodemask, maxnode, addr, flags): addr is looked up,
 * not read */
int sa_check_get_mempolicy(struct sa_call *c, const long a[6])
{
	return nodemask(c, 1, "nodemask", a[1], a[2], SYSARGS_WRITE);
}

/* migrate_pages(pid, maxnode, old_nodes, new_nodes) */
int sa_check_migrate_pages(struct sa_call *c, const long a[6])
{
	int r = nodemask(c, 2, "old_nodes", a[2], a[1], SYSARGS_READ);

	return r ? r : nodemask(c, 3, "new_nodes", a[3], a[1], SYSARGS_READ);
}
