/* Dune's guest-physical layout and page allocator, as Dune's programs use
 * them (written here, after test/hugepages.c, apps/wedge/sthread.c and
 * libdune/page.c's callers):
 *  - mmap_base, stack_base, phys_limit and Dune's formulas
 *    (dune_mmap_addr_to_pa, dune_stack_addr_to_pa) agree with dune_va_to_pa;
 *    wedge's inverse (PA >= 16 GiB: VA = PA + mmap_base - 16 GiB) holds;
 *  - hugepages' idiom: MAP_FIXED one GiB above mmap_base, then
 *    dune_vm_map_phys(va, dune_mmap_addr_to_pa(va)) maps the page itself;
 *  - the page allocator: a zeroed page with one reference, get/put,
 *    isfrompool, pa2page/page2pa, a page whose last reference goes is
 *    handed out again; insert_page/lookup_page take and drop references;
 *  - GPA == VA for pool and page-table pages: (ptent_t *)PTE_ADDR(e) walks
 *    pgroot, a pool page is usable at its own guest-physical address. */
#include <stdint.h>
#include <sys/mman.h>

#include "libdune/dune.h"
#include "testlib.h"

#define GIB (1UL << 30)

static int layout_checks(void)
{
	char *p, *fixed;
	uintptr_t base;
	int local;
	ptent_t *pte;

	if (!phys_limit) {
		/* fewer than 37 guest-physical address bits: Dune's windows do
		 * not fit; dune_va_to_pa stays exact (the rest of this test) */
		printf("Dune's fixed layout is off on this host (phys_limit 0)\n");
		return 0;
	}
	CHECK_EQ(phys_limit, 80 * GIB);
	CHECK_EQ(mmap_base & (GIB - 1), 0);
	CHECK_EQ(stack_base & (GIB - 1), 0);
	CHECK((uintptr_t)&local >= stack_base && (uintptr_t)&local < stack_base + GPA_STACK_SIZE);
	CHECK_EQ(dune_stack_addr_to_pa(&local), dune_va_to_pa(&local));

	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	p[0] = 1;
	CHECK((uintptr_t)p >= mmap_base && (uintptr_t)p < mmap_base + GPA_MAP_SIZE);
	CHECK_EQ(dune_mmap_addr_to_pa(p), dune_va_to_pa(p));
	/* wedge's walk: from a leaf back to the address */
	CHECK_EQ(dune_vm_lookup(pgroot, p, CREATE_NONE, &pte), 0);
	CHECK(PTE_ADDR(*pte) >= 0x400000000UL);
	CHECK_EQ(PTE_ADDR(*pte) + mmap_base - 0x400000000UL, (uintptr_t)p);
	munmap(p, 4096);

	/* hugepages: a fixed address one GiB into the window, mapped by hand */
	base = (mmap_base & ~(GIB - 1)) + GIB;
	fixed = mmap((void *)base, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(fixed == (char *)base);
	if (fixed == (char *)base) {
		fixed[10] = 42;
		CHECK_EQ(dune_vm_map_phys(pgroot, fixed, 4096, (void *)dune_mmap_addr_to_pa(fixed),
					  PERM_R | PERM_W), 0);
		dune_flush_tlb_one((unsigned long)fixed);
		CHECK_EQ(fixed[10], 42);
		fixed[11] = 43;
		CHECK_EQ(dune_va_to_pa(fixed), dune_mmap_addr_to_pa(fixed));
		munmap(fixed, 4096);
	}
	return 0;
}

static int count_present(const void *arg, ptent_t *pte, void *va)
{
	(void)va;
	if (*pte & PTE_P)
		(*(int *)arg)++;
	return 0;
}

static void allocator_checks(void)
{
	struct page *pg, *again;
	physaddr_t pa;
	char *va, *alias;
	ptent_t *e;

	pg = dune_page_alloc();
	CHECK(pg != NULL);
	if (!pg)
		return;
	pa = dune_page2pa(pg);
	CHECK(pa >= PAGEBASE && pa < PAGEBASE + MAX_PAGES * 4096UL);
	CHECK_EQ(pa & 4095, 0);
	CHECK(dune_pa2page(pa) == pg);
	CHECK(dune_page_isfrompool(pa));
	CHECK(!dune_page_isfrompool(0x1000));
	CHECK_EQ(pg->ref, 1);
	CHECK_EQ(dune_va_to_pa((void *)pa), pa); /* GPA == VA */
	va = (char *)pa;
	for (int i = 0; i < 4096; i++)
		if (va[i]) {
			CHECK(!"a new page is zeroed");
			break;
		}
	va[0] = 'x';
	dune_page_get(pg);
	CHECK_EQ(pg->ref, 2);
	dune_page_put(pg);
	CHECK_EQ(pg->ref, 1);

	/* insert_page takes a reference, lookup_page finds it, unmapping
	 * the entry... and replacing it drops it */
	alias = mmap(NULL, 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(alias != MAP_FAILED);
	CHECK_EQ(dune_vm_insert_page(pgroot, alias, pg, PERM_R | PERM_W), 0);
	CHECK_EQ(pg->ref, 2);
	CHECK(dune_vm_lookup_page(pgroot, alias) == pg);
	CHECK(dune_vm_lookup_page(pgroot, alias + 4096) == NULL);
	dune_flush_tlb_one((unsigned long)alias);
	CHECK_EQ(alias[0], 'x');
	alias[1] = 'y';
	CHECK_EQ(va[1], 'y');
	again = dune_page_alloc();
	CHECK(again != NULL && again != pg);
	if (again) {
		CHECK_EQ(dune_vm_insert_page(pgroot, alias, again, PERM_R | PERM_W), 0);
		CHECK_EQ(pg->ref, 1);
		CHECK(dune_vm_lookup_page(pgroot, alias) == again);
		dune_flush_tlb_one((unsigned long)alias);
		CHECK_EQ(alias[0], 0);
		dune_vm_unmap(pgroot, alias, 4096);
		dune_flush_tlb_one((unsigned long)alias);
		CHECK(dune_vm_lookup_page(pgroot, alias) == NULL);
	}
	munmap(alias, 2 * 4096);

	/* the last reference frees it; the allocator hands pages out again */
	dune_page_put(pg);
	CHECK_EQ(pg->ref, 0);
	{
		int seen = 0;
		struct page *got[64];
		for (int i = 0; i < 64; i++) {
			got[i] = dune_page_alloc();
			if (got[i] == pg)
				seen = 1;
		}
		CHECK(seen);
		for (int i = 0; i < 64; i++)
			if (got[i])
				dune_page_put(got[i]);
	}

	/* page tables are pool pages at GPA == VA: walk pgroot by hand */
	{
		int local = 5, n = 0;
		uintptr_t a = (uintptr_t)&local;
		ptent_t *t = pgroot;
		CHECK(dune_page_isfrompool((physaddr_t)pgroot));
		for (int level = 3; level > 0; level--) {
			ptent_t ent = t[(a >> (12 + 9 * level)) & 511];
			CHECK(ent & PTE_P);
			if (!(ent & PTE_P) || (ent & PTE_PS))
				break;
			CHECK(dune_page_isfrompool(PTE_ADDR(ent)));
			t = (ptent_t *)PTE_ADDR(ent);
		}
		e = &t[(a >> 12) & 511];
		CHECK(*e & PTE_P);
		CHECK_EQ(PTE_ADDR(*e), dune_va_to_pa(&local) & ~4095UL);
		dune_vm_page_walk(pgroot, &local, &local, count_present, &n);
		CHECK_EQ(n, 1);
	}
}

int main(void)
{
	tl_watchdog(120);
	tl_enter();
	layout_checks();
	allocator_checks();
	return tl_finish("peer_layout");
}
