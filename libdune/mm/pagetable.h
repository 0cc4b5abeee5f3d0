/* both halves - x86-64 page tables on any root: walk, map, unmap, protect
 * (no locking, no TLB flushes: the callers' business). */
#ifndef LIBDUNE_PAGETABLE_H
#define LIBDUNE_PAGETABLE_H

#include <stdint.h>

#include "dune.h"

/* bytes one entry maps at a level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) */
#define LEVEL_SIZE(l) (1UL << PDSHIFT(l))

/* software bits (ignored by the CPU): */
#define PTE_KONLY (1UL << 52) /* not for user mode, though PTE_U (deprivileged) */
#define PTE_UVIEW (1UL << 53) /* a user-view entry filled from pgroot (uview.c) */

/* The entry for va at level; with create, missing tables are made and big
 * pages above level split. Without, a big page above level is returned
 * with its level in *found. 0 or -errno. */
int vm_walk(ptent_t *root, uintptr_t va, int level, int create, ptent_t **out, int *found);
ptent_t *vm_table_of(ptent_t e);
int vm_map_range(ptent_t *root, uintptr_t va, uintptr_t end, ptent_t flags);
void vm_unmap_range(ptent_t *root, uintptr_t va, uintptr_t end);
void vm_protect_range(ptent_t *root, uintptr_t va, uintptr_t end, ptent_t flags);
/* A leaf entry goes: its page back to the pool if it came from there. */
void vm_release_leaf(ptent_t e);
ptent_t prot_to_pte(int prot); /* PROT_* of a host mapping; 0: no access */
/* Do root's entries for va, at every level, grant the access a page fault
 * with error code fec asked for? (Then the fault came from a stale TLB
 * entry: permissions were widened without a flush.) */
int vm_permits(ptent_t *root, uintptr_t va, uint64_t fec);

#endif
