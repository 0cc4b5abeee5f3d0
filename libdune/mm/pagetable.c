/* both halves - x86-64 page tables on ptent_t *root: the walker and range
 * operations (Dune's dune_vm_* API on top of them is dune_vm.c).
 *
 * Entries hold guest-physical addresses; the code reaches a table through
 * layout_pa_to_va(). Tables come from ptpool. Callers that edit pgroot
 * while vCPUs run hold the mirror lock and flush the TLB afterwards.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "dune.h"
#include "mm/layout.h"
#include "mm/pagetable.h"
#include "mm/ptpool.h"

#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

ptent_t *pgroot; /* the page table of dune mode (dune.h) */

ptent_t prot_to_pte(int prot)
{
	ptent_t f;
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return 0;
	f = PTE_P | PTE_U;
	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (!(prot & PROT_EXEC))
		f |= PTE_NX;
	return f;
}

ptent_t *vm_table_of(ptent_t e)
{
	return layout_pa_to_va(PTE_ADDR(e));
}

static int new_table(ptent_t *slot)
{
	void *page = ptpool_alloc();
	uint64_t pa;
	if (!page)
		return -ENOMEM;
	/* ptpool_alloc may have mapped a pool chunk through this very entry */
	if (*slot & PTE_P) {
		ptpool_free(page);
		return 0;
	}
	pa = layout_va_to_pa((uintptr_t)page);
	*slot = pa | TABLE_FLAGS;
	return 0;
}

/* Replaces a big page with a table of pages one level down. */
static int split_big(ptent_t *slot, int level)
{
	ptent_t old = *slot, *t;
	ptent_t flags = PTE_FLAGS(old) & ~PTE_PS;
	void *page = ptpool_alloc();
	if (!page)
		return -ENOMEM;
	t = page;
	for (int i = 0; i < NPTENTRIES; i++) {
		ptent_t pa = PTE_ADDR(old) + (ptent_t)i * LEVEL_SIZE(level - 1);
		t[i] = pa | flags | (level - 1 > 0 ? PTE_PS : 0);
	}
	*slot = layout_va_to_pa((uintptr_t)page) | TABLE_FLAGS;
	return 0;
}

/*
 * Finds the entry for va at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB). With
 * create, missing tables are made and big pages above level are split.
 * Without, a big page above level is returned with its level in *found.
 */
int vm_walk(ptent_t *root, uintptr_t va, int level, int create,
	    ptent_t **out, int *found)
{
	ptent_t *t = root;
	for (int l = NPTLVLS; l > level; l--) {
		ptent_t *e = &t[PDX(l, va)];
		int r;
		if (!(*e & PTE_P)) {
			if (!create)
				return -ENOENT;
			if ((r = new_table(e)) < 0)
				return r;
		} else if (l <= 2 && (*e & PTE_PS)) {
			if (!create) {
				*out = e;
				*found = l;
				return 0;
			}
			if ((r = split_big(e, l)) < 0)
				return r;
		}
		t = vm_table_of(*e);
		if (!t)
			return -EFAULT;
	}
	*out = &t[PDX(level, va)];
	*found = level;
	return 0;
}

int vm_permits(ptent_t *root, uintptr_t va, uint64_t fec)
{
	ptent_t *t = root;

	if (fec & ~(uint64_t)(FEC_P | FEC_W | FEC_U | FEC_I))
		return 0; /* reserved bits, protection keys: not a stale entry */
	for (int l = NPTLVLS; l >= 0; l--) {
		ptent_t e = t[PDX(l, va)];
		if (!(e & PTE_P) || ((fec & FEC_W) && !(e & PTE_W)) ||
		    ((fec & FEC_U) && !(e & PTE_U)) || ((fec & FEC_I) && (e & PTE_NX)))
			return 0;
		if (l == 0 || (l <= 2 && (e & PTE_PS)))
			return 1;
		if (!(t = vm_table_of(e)))
			return 0;
	}
	return 0;
}

int vm_map_range(ptent_t *root, uintptr_t va, uintptr_t end, ptent_t flags)
{
	while (va < end) {
		ptent_t *pte;
		int lvl, r = vm_walk(root, va, 0, 1, &pte, &lvl);
		if (r < 0)
			return r;
		/* fill the rest of this leaf table in one go */
		do {
			uint64_t pa = layout_va_to_pa(va);
			if (!pa)
				return -EFAULT;
			*pte++ = pa | flags;
			va += PGSIZE;
		} while (va < end && PDX(0, va) != 0);
	}
	return 0;
}

void vm_release_leaf(ptent_t e)
{
	void *va = layout_pa_to_va(PTE_ADDR(e));
	if (va && ptpool_contains((uintptr_t)va) && !(e & PTE_PS))
		ptpool_free(va);
}

void vm_unmap_range(ptent_t *root, uintptr_t va, uintptr_t end)
{
	while (va < end) {
		ptent_t *pte;
		int lvl;
		if (vm_walk(root, va, 0, 0, &pte, &lvl) < 0) {
			/* nothing mapped down here: skip to the next 2 MiB */
			va = (va | (LEVEL_SIZE(1) - 1)) + 1;
			continue;
		}
		if (lvl > 0) {
			uintptr_t base = va & ~(LEVEL_SIZE(lvl) - 1);
			if (base >= va && base + LEVEL_SIZE(lvl) <= end) {
				*pte = 0;
				va = base + LEVEL_SIZE(lvl);
			} else if (vm_walk(root, va, 0, 1, &pte, &lvl) < 0) {
				return;
			}
			continue;
		}
		do {
			if (*pte & PTE_P)
				vm_release_leaf(*pte);
			*pte++ = 0;
			va += PGSIZE;
		} while (va < end && PDX(0, va) != 0);
	}
}

void vm_protect_range(ptent_t *root, uintptr_t va, uintptr_t end, ptent_t flags)
{
	const ptent_t keep = PTE_ADDR_MASK | PTE_A | PTE_D | PTE_PS;
	while (va < end) {
		ptent_t *pte;
		int lvl;
		if (vm_walk(root, va, 0, 0, &pte, &lvl) < 0) {
			va = (va | (LEVEL_SIZE(1) - 1)) + 1;
			continue;
		}
		if (lvl > 0) {
			if (vm_walk(root, va, 0, 1, &pte, &lvl) < 0)
				return;
			continue;
		}
		do {
			if (*pte & PTE_P)
				*pte = (*pte & keep) | flags;
			pte++;
			va += PGSIZE;
		} while (va < end && PDX(0, va) != 0);
	}
}
