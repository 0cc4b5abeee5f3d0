/*
 * vm.c - x86-64 page tables on ptent_t *root, and Dune's dune_vm_* API.
 *
 * Entries hold guest-physical addresses; the code reaches a table through
 * layout_pa_to_va(). Tables come from ptpool. Callers that edit pgroot
 * while vCPUs run hold the mirror lock and flush the TLB afterwards.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define LEVEL_SIZE(l) (1UL << PDSHIFT(l))
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

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

static ptent_t perm_to_pte(int perm)
{
	ptent_t f = 0;
	if (perm & PERM_R)
		f |= PTE_P;
	if (perm & PERM_W)
		f |= PTE_W;
	if (!(perm & PERM_X))
		f |= PTE_NX;
	if (perm & PERM_U)
		f |= PTE_U;
	else if (dune_deprivileged) /* the program runs in ring 3 */
		f |= PTE_U | PTE_KONLY;
	if (perm & PERM_UC)
		f |= PTE_PCD;
	if (perm & PERM_COW)
		f |= PTE_COW;
	if (perm & PERM_USR1)
		f |= PTE_USR1;
	if (perm & PERM_USR2)
		f |= PTE_USR2;
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

static void release_leaf(ptent_t e)
{
	void *va = layout_pa_to_va(PTE_ADDR(e));
	if (va && ptpool_contains((uintptr_t)va) && !(e & PTE_PS))
		ptpool_free(va);
}

void vm_unmap_range(ptent_t *root, uintptr_t va, uintptr_t end)
{
	vcpus_check_unmap(va, end, "vm_unmap_range");
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
				release_leaf(*pte);
			*pte++ = 0;
			va += PGSIZE;
		} while (va < end && PDX(0, va) != 0);
	}
}

void vm_protect_range(ptent_t *root, uintptr_t va, uintptr_t end, ptent_t flags)
{
	if (!(flags & PTE_P))
		vcpus_check_unmap(va, end, "vm_protect_range");
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

/* ---- Dune's API ---- */

int dune_vm_lookup(ptent_t *root, void *va, int create, ptent_t **pte_out)
{
	int lvl, r;
	ptent_t *pte;
	int level = create == CREATE_BIG ? 1 : create == CREATE_BIG_1GB ? 2 : 0;

	mirror_lock();
	r = vm_walk(root, (uintptr_t)va, level, create != CREATE_NONE, &pte, &lvl);
	mirror_unlock();
	if (r < 0)
		return r;
	if (!create && !(*pte & PTE_P))
		return -ENOENT;
	*pte_out = pte;
	return 0;
}

/* This vCPU's stale translations of [va, end) go, then everyone else's,
 * and the user view's copies. Before any vCPU ran (host mode) there is
 * nothing to flush. */
void tlb_flush_range(uintptr_t va, uintptr_t end)
{
	if (!dune_guest_mode)
		return;
	uview_invalidate(va, end);
	dune_self->uview_quiet = 1; /* the view is in line: no full drop */
	/* on a deprivileged guest every flush instruction is a trap: one
	 * full flush beats several single ones */
	if (end - va > 64 * PGSIZE || (dune_deprivileged && end - va > PGSIZE))
		dune_flush_tlb();
	else
		for (uintptr_t p = va; p < end; p += PGSIZE)
			dune_flush_tlb_one(p);
	dune_self->uview_quiet = 0;
	tlb_shootdown();
}

int dune_vm_mprotect(ptent_t *root, void *va, size_t len, int perm)
{
	uintptr_t p = PAGE_ALIGN_DOWN((uintptr_t)va);
	uintptr_t end = PAGE_ALIGN_UP((uintptr_t)va + len);
	ptent_t flags = perm_to_pte(perm);
	const ptent_t keep = PTE_ADDR_MASK | PTE_A | PTE_D;
	int ret = 0;

	if (!(perm & PERM_R) && (perm & PERM_W))
		return -EINVAL;
	mirror_lock();
	for (uintptr_t a = p; a < end; a += PGSIZE) {
		ptent_t *pte;
		int lvl;
		if (vm_walk(root, a, 0, 0, &pte, &lvl) < 0 || !(*pte & (PTE_P | PTE_ADDR_MASK))) {
			ret = -ENOMEM;
			break;
		}
		if (lvl > 0 && vm_walk(root, a, 0, 1, &pte, &lvl) < 0) {
			ret = -ENOMEM;
			break;
		}
		*pte = (*pte & keep) | flags;
	}
	mirror_unlock();
	tlb_flush_range(p, end);
	return ret;
}

int dune_vm_map_phys(ptent_t *root, void *va, size_t len, void *pa, int perm)
{
	uintptr_t v = (uintptr_t)va, end = v + len;
	uint64_t p = (uint64_t)pa;
	int level = (perm & PERM_BIG_1GB) ? 2 : (perm & PERM_BIG) ? 1 : 0;
	ptent_t flags = perm_to_pte(perm) | (level ? PTE_PS : 0);
	int r = 0;

	if ((v | p) & (LEVEL_SIZE(level) - 1))
		return -EINVAL;
	mirror_lock();
	for (; v < end; v += LEVEL_SIZE(level), p += LEVEL_SIZE(level)) {
		ptent_t *pte;
		int lvl;
		if ((r = vm_walk(root, v, level, 1, &pte, &lvl)) < 0)
			break;
		*pte = p | flags;
	}
	mirror_unlock();
	tlb_flush_range((uintptr_t)va, end);
	return r;
}

int dune_vm_map_pages(ptent_t *root, void *va, size_t len, int perm)
{
	uintptr_t v = PAGE_ALIGN_DOWN((uintptr_t)va);
	uintptr_t end = PAGE_ALIGN_UP((uintptr_t)va + len);
	ptent_t flags = perm_to_pte(perm);
	int r = 0;

	if (!(perm & PERM_R))
		return -EINVAL;
	mirror_lock();
	for (; v < end; v += PGSIZE) {
		ptent_t *pte;
		int lvl;
		void *page;
		if ((r = vm_walk(root, v, 0, 1, &pte, &lvl)) < 0)
			break;
		if (!(page = ptpool_alloc())) {
			r = -ENOMEM;
			break;
		}
		if (*pte & PTE_P)
			release_leaf(*pte);
		*pte = layout_va_to_pa((uintptr_t)page) | flags;
	}
	mirror_unlock();
	tlb_flush_range(PAGE_ALIGN_DOWN((uintptr_t)va), end);
	return r;
}

void dune_vm_unmap(ptent_t *root, void *va, size_t len)
{
	uintptr_t v = PAGE_ALIGN_DOWN((uintptr_t)va);
	uintptr_t end = PAGE_ALIGN_UP((uintptr_t)va + len);
	mirror_lock();
	vm_unmap_range(root, v, end);
	mirror_unlock();
	tlb_flush_range(v, end);
}

static int walk_level(ptent_t *table, int level, uintptr_t base, uintptr_t start,
		      uintptr_t end, page_walk_cb cb, const void *arg)
{
	for (int i = 0; i < NPTENTRIES; i++) {
		uintptr_t va = base + (uintptr_t)i * LEVEL_SIZE(level);
		uintptr_t va_end = va + LEVEL_SIZE(level) - 1;
		ptent_t *e = &table[i];
		int r;
		if (va_end < start || va > end || !(*e & PTE_P))
			continue;
		if (level == 0 || (level <= 2 && (*e & PTE_PS))) {
			if ((r = cb(arg, e, (void *)va)))
				return r;
			continue;
		}
		r = walk_level(vm_table_of(*e), level - 1, va, start, end, cb, arg);
		if (r)
			return r;
	}
	return 0;
}

int dune_vm_page_walk(ptent_t *root, void *start_va, void *end_va,
		      page_walk_cb cb, const void *arg)
{
	uintptr_t end = (uintptr_t)end_va;
	if (end >= (1UL << VA_BITS))
		end = (1UL << VA_BITS) - 1;
	return walk_level(root, NPTLVLS, 0, (uintptr_t)start_va, end, cb, arg);
}

static int clone_level(ptent_t *dst, ptent_t *src, int level)
{
	for (int i = 0; i < NPTENTRIES; i++) {
		ptent_t e = src[i];
		void *page, *leaf;
		if (!(e & PTE_P)) {
			dst[i] = e;
			continue;
		}
		if (level == 0 || (e & PTE_PS)) {
			leaf = layout_pa_to_va(PTE_ADDR(e));
			if (leaf && ptpool_contains((uintptr_t)leaf) && !(e & PTE_PS))
				ptpool_get(leaf);
			dst[i] = e;
			continue;
		}
		if (!(page = ptpool_alloc()))
			return -ENOMEM;
		dst[i] = layout_va_to_pa((uintptr_t)page) | PTE_FLAGS(e);
		if (clone_level(page, vm_table_of(e), level - 1) < 0)
			return -ENOMEM;
	}
	return 0;
}

static void free_level(ptent_t *t, int level)
{
	for (int i = 0; i < NPTENTRIES; i++) {
		ptent_t e = t[i];
		if (!(e & PTE_P))
			continue;
		if (level == 0 || (e & PTE_PS))
			release_leaf(e);
		else
			free_level(vm_table_of(e), level - 1);
	}
	ptpool_free(t);
}

ptent_t *dune_vm_clone(ptent_t *root)
{
	ptent_t *copy;
	mirror_lock();
	copy = ptpool_alloc();
	if (copy && clone_level(copy, root, NPTLVLS) < 0) {
		free_level(copy, NPTLVLS);
		copy = NULL;
	}
	mirror_unlock();
	return copy;
}

void dune_vm_free(ptent_t *root)
{
	if (!root || root == pgroot)
		return;
	mirror_lock();
	free_level(root, NPTLVLS);
	mirror_unlock();
}

void dune_vm_default_pgflt_handler(uintptr_t addr, uint64_t fec)
{
	ptent_t *pte;
	void *copy, *old;

	if (dune_vm_lookup(pgroot, (void *)addr, CREATE_NONE, &pte) == 0 &&
	    (fec & FEC_W) && (*pte & PTE_COW)) {
		mirror_lock();
		copy = ptpool_alloc();
		old = layout_pa_to_va(PTE_ADDR(*pte));
		if (copy && old) {
			memcpy(copy, (void *)PAGE_ALIGN_DOWN((uintptr_t)old), PGSIZE);
			release_leaf(*pte);
			*pte = layout_va_to_pa((uintptr_t)copy) |
			       ((PTE_FLAGS(*pte) & ~PTE_COW) | PTE_W);
		}
		mirror_unlock();
		dune_flush_tlb_one(addr);
		if (copy && old)
			return;
	}
	dune_fatal_signal(11);
}
