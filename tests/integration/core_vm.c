/* The page-table API on pgroot: dune_vm_mprotect a page read-only, the
 * pgflt handler runs once with the write bit, re-enables it, the write
 * completes; aliases with dune_vm_map_phys; lookups, page walks, clones;
 * privileged instructions (control registers, invlpg, cr3 reload). */
#include <stdint.h>
#include <sys/mman.h>

#include "testlib.h"

static volatile int faults;
static volatile uint64_t last_fec;
static volatile char *page; /* volatile: accesses stay where written */

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)tf;
	faults++;
	last_fec = fec;
	if (dune_vm_mprotect(pgroot, (void *)(addr & ~4095UL), 4096,
			     PERM_R | PERM_W | PERM_U))
		dune_die();
}

static int count_cb(const void *arg, ptent_t *pte, void *va)
{
	(void)va;
	(void)pte;
	(*(int *)arg)++;
	return 0;
}

int main(void)
{
	ptent_t *pte;

	tl_watchdog(60);
	page = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tl_enter();
	dune_register_pgflt_handler(on_pf);

	memset((void *)page, 1, 4 * 4096);
	CHECK_EQ(dune_vm_mprotect(pgroot, (void *)page, 4096, PERM_R | PERM_U), 0);
	CHECK(page[0] == 1); /* reads still work */
	page[100] = 9;
	CHECK_EQ(faults, 1);
	CHECK(last_fec & FEC_W);
	CHECK(last_fec & FEC_P);
	CHECK_EQ(page[100], 9);
	page[101] = 10; /* no second fault */
	CHECK_EQ(faults, 1);

	/* lookup and dirty bits */
	CHECK_EQ(dune_vm_lookup(pgroot, (void *)(page + 4096), CREATE_NONE, &pte), 0);
	CHECK(*pte & PTE_P);
	CHECK(*pte & PTE_W);
	CHECK_EQ(PTE_ADDR(*pte), dune_va_to_pa((void *)(page + 4096)));
	*pte &= ~PTE_D;
	dune_flush_tlb_one((unsigned long)(page + 4096));
	page[4096] = 3;
	CHECK(*pte & PTE_D);

	/* an alias: a second virtual page onto the same guest-physical page */
	{
		volatile char *alias = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK_EQ(dune_vm_map_phys(pgroot, (void *)alias, 4096, (void *)dune_va_to_pa((void *)(page + 8192)),
					  PERM_R | PERM_W | PERM_U), 0);
		alias[5] = 77;
		CHECK_EQ(page[8192 + 5], 77);
		dune_vm_unmap(pgroot, (void *)alias, 4096);
		/* Dune's lookup: the (now empty) entry while its tables exist */
		CHECK(dune_vm_lookup(pgroot, (void *)alias, CREATE_NONE, &pte) != 0 ||
		      !(*pte & PTE_P));
	}

	/* page walk over our four pages */
	{
		int n = 0;
		dune_vm_page_walk(pgroot, (void *)page, (void *)(page + 4 * 4096 - 1), count_cb, &n);
		CHECK_EQ(n, 4);
	}

	/* privileged instructions: control registers, cr3 reload, invlpg */
	{
		unsigned long cr0, cr3, cr4;
		asm volatile("mov %%cr0, %0" : "=r"(cr0));
		asm volatile("mov %%cr3, %0" : "=r"(cr3));
		asm volatile("mov %%cr4, %0" : "=r"(cr4));
		CHECK(cr0 & 0x80000000UL); /* paging */
		CHECK(cr4 & 0x20);         /* PAE */
		CHECK_EQ(cr3 & ~0xfffUL, dune_va_to_pa(pgroot));
		/* the ring the program really runs in */
		unsigned short cs;
		asm volatile("mov %%cs, %0" : "=r"(cs));
		CHECK_EQ(cs & 3, dune_guest_ring());
		load_cr3(cr3);
		dune_flush_tlb();
		dune_flush_tlb_one((unsigned long)page);
		CHECK(page[0] == 1);
	}

	/* a cloned page table runs the same program */
	{
		ptent_t *copy = dune_vm_clone(pgroot);
		unsigned long cr3;
		CHECK(copy != NULL);
		asm volatile("mov %%cr3, %0" : "=r"(cr3));
		load_cr3(dune_va_to_pa(copy));
		page[3] = 4;
		CHECK_EQ(page[3], 4);
		load_cr3(cr3);
		dune_vm_free(copy);
	}
	return tl_finish("core_vm");
}
