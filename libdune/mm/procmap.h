/* both halves - the host's mappings, from /proc/self/maps (no malloc, no
 * stdio: the host loop reads them too). */
#ifndef LIBDUNE_PROCMAP_H
#define LIBDUNE_PROCMAP_H

#include <stdint.h>

struct host_vma {
	uintptr_t start, end;
	int prot; /* PROT_* */
	int kind; /* PROCMAP_TYPE_* */
};
/* Calls cb for each mapping; stops at the first nonzero return. */
int procmap_scan(int (*cb)(const struct host_vma *vma, void *arg), void *arg);
/* The mapping holding va (growing the main stack down to it if va is just
 * below it, as a native access would): 0, or -ENOENT. */
int procmap_find(uintptr_t va, struct host_vma *out);

#endif
