/* Page-table code on host memory (no guest): mapping, lookup, protection,
 * big pages and splitting, unmapping, walking and cloning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "dune.h"
#include "mm/layout.h"
#include "mm/pagetable.h"
#include "mm/ptpool.h"

static char *mem;
#define MEM_PAGES 64

static int setup(void **state)
{
	(void)state;
	assert_int_equal(layout_init(40), 0);
	assert_int_equal(ptpool_init(NULL, 1), 0);
	if (!pgroot)
		pgroot = ptpool_alloc();
	assert_non_null(pgroot);
	if (!mem) {
		mem = mmap(NULL, MEM_PAGES * 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_int_equal(layout_reserve((uintptr_t)mem, (uintptr_t)mem + MEM_PAGES * 4096), 0);
	}
	return 0;
}

static void map_lookup_unmap(void **state)
{
	(void)state;
	ptent_t *pte;
	uintptr_t a = (uintptr_t)mem;
	assert_int_equal(vm_map_range(pgroot, a, a + 8 * 4096, prot_to_pte(PROT_READ | PROT_WRITE)), 0);
	assert_int_equal(dune_vm_lookup(pgroot, mem + 3 * 4096, CREATE_NONE, &pte), 0);
	assert_int_equal(PTE_ADDR(*pte), layout_va_to_pa(a + 3 * 4096));
	assert_true(*pte & PTE_W);
	assert_true(*pte & PTE_U);
	assert_true(*pte & PTE_NX);
	vm_unmap_range(pgroot, a, a + 8 * 4096);
	/* Dune's lookup: the (now empty) entry while its tables exist */
	assert_true(dune_vm_lookup(pgroot, mem + 3 * 4096, CREATE_NONE, &pte) != 0 ||
		    !(*pte & PTE_P));
}

static void protect_keeps_address_and_dirty(void **state)
{
	(void)state;
	ptent_t *pte;
	uintptr_t a = (uintptr_t)mem + 16 * 4096;
	assert_int_equal(vm_map_range(pgroot, a, a + 4096, prot_to_pte(PROT_READ | PROT_WRITE)), 0);
	assert_int_equal(dune_vm_lookup(pgroot, (void *)a, CREATE_NONE, &pte), 0);
	*pte |= PTE_D;
	assert_int_equal(dune_vm_mprotect(pgroot, (void *)a, 4096, PERM_R | PERM_X | PERM_U), 0);
	assert_false(*pte & PTE_W);
	assert_false(*pte & PTE_NX);
	assert_true(*pte & PTE_D);
	assert_int_equal(PTE_ADDR(*pte), layout_va_to_pa(a));
	/* as Dune: a hole is skipped (and stays one) */
	assert_int_equal(dune_vm_mprotect(pgroot, (void *)(a + 4096), 4096, PERM_R), 0);
	assert_true(dune_vm_lookup(pgroot, (void *)(a + 4096), CREATE_NONE, &pte) != 0 ||
		    !(*pte & PTE_P));
	vm_unmap_range(pgroot, a, a + 4096);
}

static int count_cb(const void *arg, ptent_t *pte, void *va)
{
	(void)pte;
	(void)va;
	(*(int *)arg)++;
	return 0;
}

static void big_pages_and_split(void **state)
{
	(void)state;
	ptent_t *pte;
	uintptr_t va = 0x400000000000UL;
	assert_int_equal(dune_vm_map_phys(pgroot, (void *)va, 4UL << 20, (void *)(64UL << 30),
					  PERM_R | PERM_W | PERM_BIG), 0);
	assert_int_equal(dune_vm_lookup(pgroot, (void *)(va + 12345), CREATE_NONE, &pte), 0);
	assert_true(*pte & PTE_PS);
	int n = 0;
	dune_vm_page_walk(pgroot, (void *)va, (void *)(va + (4UL << 20) - 1), count_cb, &n);
	assert_int_equal(n, 2);
	/* a 4 KiB lookup with create splits the big page */
	assert_int_equal(dune_vm_lookup(pgroot, (void *)(va + 8192), CREATE_NORMAL, &pte), 0);
	assert_false(*pte & PTE_PS);
	assert_int_equal(PTE_ADDR(*pte), (64UL << 30) + 8192);
	n = 0;
	dune_vm_page_walk(pgroot, (void *)va, (void *)(va + (4UL << 20) - 1), count_cb, &n);
	assert_int_equal(n, 512 + 1);
	dune_vm_unmap(pgroot, (void *)va, 4UL << 20);
	n = 0;
	dune_vm_page_walk(pgroot, (void *)va, (void *)(va + (4UL << 20) - 1), count_cb, &n);
	assert_int_equal(n, 0);
}

static void clone_is_deep_and_free_returns_pages(void **state)
{
	(void)state;
	uintptr_t a = (uintptr_t)mem + 32 * 4096;
	ptent_t *pte, *pte2;
	assert_int_equal(vm_map_range(pgroot, a, a + 4 * 4096, prot_to_pte(PROT_READ)), 0);
	uint64_t used = ptpool_in_use();
	ptent_t *copy = dune_vm_clone(pgroot);
	assert_non_null(copy);
	assert_true(ptpool_in_use() > used);
	assert_int_equal(dune_vm_lookup(copy, (void *)a, CREATE_NONE, &pte2), 0);
	assert_int_equal(dune_vm_lookup(pgroot, (void *)a, CREATE_NONE, &pte), 0);
	assert_ptr_not_equal(pte, pte2);
	assert_int_equal(*pte, *pte2);
	/* editing the clone leaves the original alone */
	*pte2 = 0;
	assert_true(*pte & PTE_P);
	dune_vm_free(copy);
	assert_int_equal(ptpool_in_use(), used);
	vm_unmap_range(pgroot, a, a + 4 * 4096);
}

static void map_pages_allocates_and_unmap_frees(void **state)
{
	(void)state;
	uintptr_t va = 0x410000000000UL;
	uint64_t used = ptpool_in_use();
	assert_int_equal(dune_vm_map_pages(pgroot, (void *)va, 3 * 4096, PERM_R | PERM_W), 0);
	assert_true(ptpool_in_use() >= used + 3);
	uint64_t after_map = ptpool_in_use();
	dune_vm_unmap(pgroot, (void *)va, 3 * 4096);
	assert_int_equal(ptpool_in_use(), after_map - 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(map_lookup_unmap, setup),
		cmocka_unit_test_setup(protect_keeps_address_and_dirty, setup),
		cmocka_unit_test_setup(big_pages_and_split, setup),
		cmocka_unit_test_setup(clone_is_deep_and_free_returns_pages, setup),
		cmocka_unit_test_setup(map_pages_allocates_and_unmap_frees, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
