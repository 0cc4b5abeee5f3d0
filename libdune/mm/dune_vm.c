/* both halves - Dune's dune_vm_* API: page tables on any root, locked
 * against the mirror's own edits and flushed from every vCPU. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "common/state.h"
#include "common/util.h"
#include "dune.h"
#include "guest/x86/hypercall.h"
#include "host/vcpu_list.h"
#include "mm/layout.h"
#include "mm/mirror_lock.h"
#include "mm/pagetable.h"
#include "mm/ptpool.h"
#include "mm/tlb.h"

static ptent_t perm_to_pte(int perm)
{
	ptent_t f = 0;
	if (perm & PERM_R)
		f |= PTE_P;
	if (perm & PERM_W)
		f |= PTE_W;
	if (!(perm & PERM_X))
		f |= PTE_NX;
	/* PTE_U as asked, on every guest: on a deprivileged one the program's
	 * own touch of such a page is let through in ring 0 (emulate.c) */
	if (perm & PERM_U)
		f |= PTE_U;
	if (perm & PERM_UC)
		f |= PTE_PCD;
	if (perm & PERM_COW)
		f |= PTE_COW;
	if (perm & PERM_USR1)
		f |= PTE_USR1;
	if (perm & PERM_USR2)
		f |= PTE_USR2;
	/* PERM_USR3 is PERM_USR1 | PERM_USR2: Dune tested it as a mask */
	if (perm & PERM_USR3)
		f |= PTE_USR3;
	return f;
}

int dune_vm_user_writable(ptent_t *root, const void *va, size_t len)
{
	uintptr_t start = (uintptr_t)va, end = start + len;
	int ok = end >= start;

	mirror_lock();
	for (uintptr_t p = start & ~(PGSIZE - 1); ok && p < end; p += PGSIZE)
		ok = vm_permits(root, p, FEC_W | FEC_U);
	mirror_unlock();
	return ok;
}

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
	/* as Dune: the entry, present or not, whenever the tables above exist */
	*pte_out = pte;
	return 0;
}

/* As Dune: entries that hold a page (present or not) take perm; holes are
 * skipped. Big pages in the range are split. */
int dune_vm_mprotect(ptent_t *root, void *va, size_t len, int perm)
{
	uintptr_t p = PAGE_ALIGN_DOWN((uintptr_t)va);
	uintptr_t end = PAGE_ALIGN_UP((uintptr_t)va + len);
	ptent_t flags = perm_to_pte(perm);
	const ptent_t keep = PTE_ADDR_MASK | PTE_A | PTE_D;
	const ptent_t grants = PTE_P | PTE_W | PTE_U;
	int ret = 0, narrowed = 0;

	if (!(perm & PERM_R) && (perm & PERM_W))
		return -EINVAL;
	mirror_lock();
	for (uintptr_t a = p; a < end; a += PGSIZE) {
		ptent_t *pte;
		int lvl;
		if (vm_walk(root, a, 0, 0, &pte, &lvl) < 0 || !(*pte & (PTE_P | PTE_ADDR_MASK)))
			continue;
		if (lvl > 0 && (ret = vm_walk(root, a, 0, 1, &pte, &lvl)) < 0)
			break;
		ptent_t old = *pte, new = (old & keep) | flags;
		/* anything but a grant added or NX taken away needs a flush */
		narrowed |= ((old & ~new) & ~PTE_NX) || ((new & ~old) & ~grants);
		*pte = new;
	}
	mirror_unlock();
	/* Only widened: stale entries allow less, and an access they refuse
	 * faults once and finds the new entry (shadow paging re-walks; on
	 * VT-x/AMD-V the fault drops the stale entry and trap.c lets it
	 * retry; the user view refills). No flush, no shootdown: what makes
	 * a fault handler's unprotect cheap. */
	if (narrowed || ret < 0)
		tlb_flush_range(p, end);
	return ret;
}

/* As Dune: every page overlapping [va, va + len) maps to pa + its offset
 * from va, rounded down, so unaligned va and pa are fine for 4 KiB pages;
 * big pages need va and pa aligned alike. */
int dune_vm_map_phys(ptent_t *root, void *va, size_t len, void *pa, int perm)
{
	int level = (perm & PERM_BIG_1GB) ? 2 : (perm & PERM_BIG) ? 1 : 0;
	uintptr_t size = LEVEL_SIZE(level);
	uintptr_t v = (uintptr_t)va & ~(size - 1), end = (uintptr_t)va + len;
	uint64_t p = (uint64_t)pa - ((uintptr_t)va - v);
	ptent_t flags = perm_to_pte(perm) | (level ? PTE_PS : 0);
	int r = 0;

	if (!len || end < v)
		return len ? -EINVAL : 0;
	if (level && (((uintptr_t)va | (uint64_t)pa) & (size - 1)))
		return -EINVAL;
	mirror_lock();
	for (; v < end; v += size, p += size) {
		ptent_t *pte;
		int lvl;
		if ((r = vm_walk(root, v, level, 1, &pte, &lvl)) < 0)
			break;
		*pte = PTE_ADDR(p) | flags;
	}
	mirror_unlock();
	tlb_flush_range((uintptr_t)va & ~(size - 1), PAGE_ALIGN_UP(end));
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
			vm_release_leaf(*pte);
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
	if (root == pgroot)
		vcpus_check_unmap(v, end, "dune_vm_unmap");
	mirror_lock();
	vm_unmap_range(root, v, end);
	mirror_unlock();
	tlb_flush_range(v, end);
}

/* As Dune: the callback sees every non-zero leaf, present or not (a
 * program may keep the address of a page it made not present), and big
 * entries; tables are entered only when present. */
static int walk_level(ptent_t *table, int level, uintptr_t base, uintptr_t start,
		      uintptr_t end, page_walk_cb cb, const void *arg)
{
	for (int i = 0; i < NPTENTRIES; i++) {
		uintptr_t va = base + (uintptr_t)i * LEVEL_SIZE(level);
		uintptr_t va_end = va + LEVEL_SIZE(level) - 1;
		ptent_t *e = &table[i];
		int r;
		if (va_end < start || va > end || !*e)
			continue;
		if (level == 0 || (level <= 2 && (*e & PTE_PS))) {
			if ((r = cb(arg, e, (void *)va)))
				return r;
			continue;
		}
		if (!(*e & PTE_P))
			continue;
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
			vm_release_leaf(e);
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

int dune_vm_insert_page(ptent_t *root, void *va, struct page *pg, int perm)
{
	ptent_t *pte;
	int lvl, r;

	if (!dune_page_isfrompool(dune_page2pa(pg)))
		return -EINVAL;
	mirror_lock();
	r = vm_walk(root, PAGE_ALIGN_DOWN((uintptr_t)va), 0, 1, &pte, &lvl);
	if (r == 0) {
		pg->ref++;
		if (*pte & PTE_P)
			vm_release_leaf(*pte);
		*pte = dune_page2pa(pg) | perm_to_pte(perm);
	}
	mirror_unlock();
	tlb_flush_range(PAGE_ALIGN_DOWN((uintptr_t)va), PAGE_ALIGN_DOWN((uintptr_t)va) + PGSIZE);
	return r;
}

struct page *dune_vm_lookup_page(ptent_t *root, void *va)
{
	ptent_t *pte;
	int lvl;
	struct page *pg = NULL;

	mirror_lock();
	if (vm_walk(root, (uintptr_t)va, 0, 0, &pte, &lvl) == 0 && lvl == 0 &&
	    (*pte & PTE_P) && dune_page_isfrompool(PTE_ADDR(*pte)))
		pg = dune_pa2page(PTE_ADDR(*pte));
	mirror_unlock();
	return pg;
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
			vm_release_leaf(*pte);
			*pte = layout_va_to_pa((uintptr_t)copy) |
			       ((PTE_FLAGS(*pte) & ~PTE_COW) | PTE_W);
		}
		mirror_unlock();
		dune_flush_tlb_one(addr);
		if (copy && old)
			return;
	}
	dune_fatal_signal(SIGSEGV);
}
