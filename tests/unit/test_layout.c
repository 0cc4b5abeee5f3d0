/* Guest-physical layout: chunks are given out, translate both ways, and
 * are returned when their last page goes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm/layout.h"

#define GIB (1UL << 30)

/* once for all cases, whichever run (layout_init keeps the first size) */
static int setup(void **state)
{
	(void)state;
	return layout_init(40);
}

static void translates_both_ways(void **state)
{
	(void)state;
	uintptr_t va = 0x7f1234567000UL;
	assert_int_equal(layout_va_to_pa(va), 0);
	assert_int_equal(layout_reserve(va, va + 8192), 0);
	uint64_t pa = layout_va_to_pa(va);
	assert_true(pa >= FIRST_PA_CHUNK * GIB);
	assert_true(pa < (1UL << 40));
	assert_int_equal(pa & (GIB - 1), va & (GIB - 1));
	assert_ptr_equal(layout_pa_to_va(pa + 4096), (void *)(va + 4096));
	layout_release(va, va + 8192);
	assert_int_equal(layout_va_to_pa(va), 0);
	assert_null(layout_pa_to_va(pa));
}

static void chunk_lives_while_any_page_does(void **state)
{
	(void)state;
	uintptr_t a = 0x555500000000UL;
	unsigned before = layout_chunks_in_use();
	assert_int_equal(layout_reserve(a, a + 4096), 0);
	assert_int_equal(layout_reserve(a + 8192, a + 3 * 4096), 0);
	assert_int_equal(layout_chunks_in_use(), before + 1);
	layout_release(a, a + 4096);
	assert_true(layout_va_to_pa(a + 8192) != 0);
	layout_release(a + 8192, a + 3 * 4096);
	assert_int_equal(layout_chunks_in_use(), before);
}

static void range_across_chunks(void **state)
{
	(void)state;
	uintptr_t a = 0x600000000000UL - 4096;
	assert_int_equal(layout_reserve(a, a + 8192), 0);
	assert_true(layout_va_to_pa(a) != 0);
	assert_true(layout_va_to_pa(a + 4096) != 0);
	/* different chunks: each maps back to its own address */
	assert_ptr_equal(layout_pa_to_va(layout_va_to_pa(a + 4096)), (void *)(a + 4096));
	assert_ptr_equal(layout_pa_to_va(layout_va_to_pa(a)), (void *)a);
	layout_release(a, a + 8192);
}

static void space_runs_out_cleanly(void **state)
{
	(void)state;
	/* 40 bits: 1023 usable chunks minus the 4 low ones */
	unsigned total = layout_pa_chunks_total() - FIRST_PA_CHUNK - layout_chunks_in_use();
	uintptr_t base = 0x100000000000UL;
	for (unsigned i = 0; i < total; i++)
		assert_int_equal(layout_reserve(base + i * GIB, base + i * GIB + 4096), 0);
	assert_int_equal(layout_reserve(base + total * GIB, base + total * GIB + 4096), -ENOSPC);
	for (unsigned i = 0; i < total; i++)
		layout_release(base + i * GIB, base + i * GIB + 4096);
	assert_int_equal(layout_reserve(base, base + 4096), 0);
	layout_release(base, base + 4096);
}

static void rejects_bad_ranges(void **state)
{
	(void)state;
	assert_int_equal(layout_reserve(8192, 4096), -EINVAL);
	assert_int_equal(layout_reserve(1UL << VA_BITS, (1UL << VA_BITS) + 4096), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(translates_both_ways),
		cmocka_unit_test(chunk_lives_while_any_page_does),
		cmocka_unit_test(range_across_chunks),
		cmocka_unit_test(space_runs_out_cleanly),
		cmocka_unit_test(rejects_bad_ranges),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
