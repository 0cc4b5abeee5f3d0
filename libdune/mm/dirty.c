/* both halves - dune_vm_dirty_collect: which pages of a range were
 * written since their dirty bits were last cleared, read (and cleared) in
 * one pass.
 *
 * A collector or checkpointer needs the clear and the flush to be one step
 * for all vCPUs: a vCPU whose TLB still holds a translation with D set
 * writes without setting D in memory again. The public dune_flush_tlb()
 * flushes only the calling vCPU, so this is done here, with the mirror lock
 * held across the pass (nothing remaps the range meanwhile).
 */
#include <errno.h>

#include "common/util.h"
#include "dune.h"
#include "mm/layout.h"
#include "mm/mirror_lock.h"
#include "mm/pagetable.h"
#include "mm/tlb.h"

static void set_bits(uint64_t *bitmap, uintptr_t first, uintptr_t count)
{
	for (uintptr_t i = first; i < first + count; i++)
		bitmap[i / 64] |= 1UL << (i % 64);
}

/* Reads entry e's dirty bit, clearing it atomically with clear: the CPU
 * may set A or D in the same entry at the same moment. */
static int take_dirty(ptent_t *e, int clear)
{
	ptent_t v = *e;
	if ((v & (PTE_P | PTE_D)) != (PTE_P | PTE_D))
		return 0;
	if (clear)
		__atomic_fetch_and(e, ~PTE_D, __ATOMIC_RELAXED);
	return 1;
}

long dune_vm_dirty_collect(ptent_t *root, void *start_va, void *end_va, uint64_t *bitmap,
			   int flags)
{
	uintptr_t start = PAGE_ALIGN_DOWN((uintptr_t)start_va);
	uintptr_t end = PAGE_ALIGN_UP((uintptr_t)end_va);
	int clear = flags & DUNE_DIRTY_CLEAR;
	long found = 0;

	if (!root || !bitmap || start >= end || end > (1UL << VA_BITS) || (flags & ~DUNE_DIRTY_CLEAR))
		return -EINVAL;
	mirror_lock();
	for (uintptr_t va = start; va < end;) {
		ptent_t *pte;
		int lvl;
		if (vm_walk(root, va, 0, 0, &pte, &lvl) < 0) {
			va = (va | (LEVEL_SIZE(1) - 1)) + 1; /* nothing below: next 2 MiB */
			continue;
		}
		if (lvl > 0) { /* a big page: its dirty bit stands for all of it */
			uintptr_t next = (va | (LEVEL_SIZE(lvl) - 1)) + 1;
			uintptr_t stop = next < end ? next : end;
			if (take_dirty(pte, clear)) {
				set_bits(bitmap, (va - start) >> PGSHIFT, (stop - va) >> PGSHIFT);
				found += (long)((stop - va) >> PGSHIFT);
			}
			va = stop;
			continue;
		}
		/* the rest of this leaf table in one go */
		do {
			if (take_dirty(pte, clear)) {
				uintptr_t i = (va - start) >> PGSHIFT;
				bitmap[i / 64] |= 1UL << (i % 64);
				found++;
			}
			pte++;
			va += PGSIZE;
		} while (va < end && PDX(0, va) != 0);
	}
	mirror_unlock();
	if (clear && found)
		tlb_flush_range(start, end);
	return found;
}
