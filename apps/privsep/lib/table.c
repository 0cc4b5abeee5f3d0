/* table.c - page tables for user code: the template every domain's table
 * starts from (the program's code and read-only data, user-readable, at
 * their own addresses), entries, and the check of what a system call may
 * be handed. All tables are 4 KiB pages from libdune's allocator. */
#include <errno.h>

#include "dune.h"
#include "image.h"
#include "sthread.h"
#include "table.h"

ptent_t *table_template;

ptent_t *table_entry(ptent_t *root, uintptr_t va, int create)
{
	ptent_t *pte;
	if (dune_vm_lookup(root, (void *)va, create ? CREATE_NORMAL : CREATE_NONE, &pte))
		return NULL;
	return pte;
}

int table_template_build(void)
{
	struct page *pg = dune_page_alloc();

	if (!pg)
		return -ENOMEM;
	table_template = (ptent_t *)dune_page2pa(pg);
	for (int i = 0; i < image.nro; i++) {
		for (uintptr_t va = image.ro[i].start; va < image.ro[i].end; va += PGSIZE) {
			uint64_t pa = dune_va_to_pa((void *)va);
			ptent_t *pte;
			if (!pa)
				continue; /* not in the guest: not for user code either */
			if (!(pte = table_entry(table_template, va, 1)))
				return -ENOMEM;
			*pte = pa | PTE_P | PTE_U | PTE_A | (image.ro[i].exec ? 0 : PTE_NX);
		}
	}
	return 0;
}

/* Every page present for user code (writable if asked) and the same frame
 * the program has there: the kernel reads and writes the program's
 * memory at these addresses, so a page the domain sees as its own copy
 * (its globals) must not be handed to it: the kernel would reach the
 * program's original. */
int table_user_range_ok(ptent_t *root, uintptr_t addr, size_t len, int write)
{
	uintptr_t end = addr + len;
	ptent_t need = PTE_P | PTE_U | (write ? PTE_W : 0);

	if (!len)
		return 1;
	if (end < addr || end > (1UL << 47))
		return 0;
	for (uintptr_t va = addr & ~(uintptr_t)(PGSIZE - 1); va < end; va += PGSIZE) {
		ptent_t *pte = table_entry(root, va, 0);
		if (!pte || (*pte & need) != need ||
		    PTE_ADDR(*pte) != dune_va_to_pa((void *)va))
			return 0;
	}
	return 1;
}
