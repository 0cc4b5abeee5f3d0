/* The host half's access for an exit on guest-physical memory without a
 * slot (host/mmio.c): every byte must have host memory behind it with the
 * access's protection, not only the first (no guest needed). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "dune.h"
#include "host/mmio.h"
#include "mm/layout.h"

static uint8_t *two_pages; /* read/write, then as each test says */

static int setup(void **state)
{
	(void)state;
	if (layout_init(40) < 0)
		return -1;
	two_pages = mmap(NULL, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (two_pages == MAP_FAILED ||
	    layout_reserve((uintptr_t)two_pages, (uintptr_t)two_pages + 2 * PGSIZE) < 0)
		return -1;
	return 0;
}

static struct vcpu_exit exit_at(const uint8_t *va, uint32_t len, int is_write, uint8_t *data)
{
	struct vcpu_exit ex = { .kind = EXIT_MMIO, .len = len, .is_write = is_write,
				.data = data };
	ex.gpa = layout_va_to_pa((uintptr_t)va);
	return ex;
}

static void inside_one_page(void **state)
{
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8] = { 0 };
	(void)state;
	assert_int_equal(mprotect(two_pages + PGSIZE, PGSIZE, PROT_READ | PROT_WRITE), 0);
	struct vcpu_exit w = exit_at(two_pages + 100, 8, 1, data);
	assert_int_equal(host_mmio_access(&w), 0);
	struct vcpu_exit r = exit_at(two_pages + 100, 8, 0, back);
	assert_int_equal(host_mmio_access(&r), 0);
	assert_memory_equal(back, data, 8);
}

static void across_into_a_page_with_nothing(void **state)
{
	uint8_t data[8] = { 0 };
	(void)state;
	/* the second page gone: the read must not touch it (the old check
	 * looked at the first byte's page only, then read into the hole) */
	assert_int_equal(mprotect(two_pages + PGSIZE, PGSIZE, PROT_NONE), 0);
	struct vcpu_exit r = exit_at(two_pages + PGSIZE - 4, 8, 0, data);
	assert_int_equal(host_mmio_access(&r), -EFAULT);
	assert_int_equal(mprotect(two_pages + PGSIZE, PGSIZE, PROT_READ | PROT_WRITE), 0);
}

static void across_into_a_read_only_page(void **state)
{
	uint8_t data[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	(void)state;
	memset(two_pages + PGSIZE - 4, 0, 8);
	assert_int_equal(mprotect(two_pages + PGSIZE, PGSIZE, PROT_READ), 0);
	struct vcpu_exit w = exit_at(two_pages + PGSIZE - 4, 8, 1, data);
	assert_int_equal(host_mmio_access(&w), -EFAULT);
	assert_int_equal(two_pages[PGSIZE - 4], 0); /* nothing written, not even the first half */
	assert_int_equal(mprotect(two_pages + PGSIZE, PGSIZE, PROT_READ | PROT_WRITE), 0);
}

static void bad_lengths(void **state)
{
	uint8_t data[16] = { 0 };
	(void)state;
	struct vcpu_exit r = exit_at(two_pages, 16, 0, data);
	assert_int_equal(host_mmio_access(&r), -EFAULT);
	r = exit_at(two_pages, 0, 0, data);
	assert_int_equal(host_mmio_access(&r), -EFAULT);
	r.gpa = 1; /* no host memory laid out there */
	r.len = 1;
	assert_int_equal(host_mmio_access(&r), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inside_one_page),
		cmocka_unit_test(across_into_a_page_with_nothing),
		cmocka_unit_test(across_into_a_read_only_page),
		cmocka_unit_test(bad_lengths),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
