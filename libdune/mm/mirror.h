/* both halves - the mirror: pgroot kept in line with the process's host
 * mappings (laid out, in memory slots, mapped with their protection). */
#ifndef LIBDUNE_MIRROR_H
#define LIBDUNE_MIRROR_H

#include <stdint.h>

int mirror_add(uintptr_t start, uintptr_t end, int prot);
int mirror_remove(uintptr_t start, uintptr_t end);
int mirror_protect(uintptr_t start, uintptr_t end, int prot);
int mirror_lookup(uintptr_t va, int *prot);
int mirror_sync_all(void);              /* host mode: bring in line with /proc */
int mirror_resolve_fault(uintptr_t va); /* guest: 1: now mapped, retry; 0: real fault */
uint64_t mirror_bytes(void);
/* Memory for libdune alone (per-CPU pages, trap stacks, IDT, entry code):
 * never reachable by user code. On a ring-0 guest it loses PTE_U; on a
 * deprivileged one the program needs PTE_U, so it gets PTE_KONLY instead.
 * `entry`: also needed by the ring-0 entry under the user view. */
int mirror_kernel_only(uintptr_t start, uintptr_t end, int prot, int entry);
void mirror_set_precise(int on);
int mirror_precise(void);   /* dune_init(false): only user ranges for user code */
void mirror_pool_access(void);     /* after the mode probe: every range gets its bits */
int mirror_pool_chunk(uintptr_t start, uintptr_t end); /* ptpool's new chunk */

#endif
