// SPDX-License-Identifier: GPL-2.0
/* cmocka tests of ept.c: entries, walks, zapping, freeing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ept.h"

/* tables are malloc'd; a "physical address" is an index into tables[] */
#define MAX_TABLES 64
struct fake_mem {
	u64 *tables[MAX_TABLES + 1];
	int allocated, freed, limit;
};

static u64 fake_alloc(void *ctx)
{
	struct fake_mem *m = ctx;
	u64 *t;

	if (m->allocated >= m->limit)
		return 0;
	t = aligned_alloc(4096, 4096);
	memset(t, 0, 4096);
	m->tables[++m->allocated] = t;
	return (u64)m->allocated << 12;
}

static void fake_free(void *ctx, u64 pa)
{
	struct fake_mem *m = ctx;

	free(m->tables[pa >> 12]);
	m->tables[pa >> 12] = NULL;
	m->freed++;
}

static u64 *fake_va(void *ctx, u64 pa)
{
	struct fake_mem *m = ctx;

	return m->tables[pa >> 12];
}

static struct fake_mem mem;
static struct ept_ops ops = { fake_alloc, fake_free, fake_va, &mem };
static u64 root;

static int setup(void **state)
{
	(void)state;
	memset(&mem, 0, sizeof(mem));
	mem.limit = MAX_TABLES;
	root = fake_alloc(&mem);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ept_free_tree(&ops, root);
	fake_free(&mem, root);
	assert_int_equal(mem.freed, mem.allocated);
	return 0;
}

static void test_entries(void **state)
{
	(void)state;
	assert_int_equal(ept_index(0x0000123456789000ull, 0), (0x123456789000ull >> 12) & 511);
	assert_int_equal(ept_index(0x0000ff8000000000ull, 3), 511);
	assert_int_equal(ept_index(0x40000000ull, 2), 1);
	assert_true((ept_make_leaf(0x1234000, true) & EPT_RWX) == EPT_RWX);
	assert_true((ept_make_leaf(0x1234000, false) & EPT_W) == 0);
	assert_int_equal(ept_make_leaf(0x1234fff, false) & EPT_ADDR_MASK, 0x1234000);
	assert_int_equal(ept_make_leaf(0, false) & (7ull << 3), EPT_MT_WB);
	assert_int_equal(ept_make_eptp(0x5000) & 0xfff, 0x1e);	/* WB, walk length 4 */
	assert_false(ept_present(0));
	assert_true(ept_present(EPT_X));
}

static void test_map_lookup(void **state)
{
	u64 old = 1;

	(void)state;
	assert_int_equal(ept_lookup(&ops, root, 0x5000), 0);
	assert_int_equal(ept_set_leaf(&ops, root, 0x5000, ept_make_leaf(0xabc000, true), &old), 0);
	assert_int_equal(old, 0);
	assert_int_equal(mem.allocated, 4);	/* root + 3 levels */
	assert_int_equal(ept_lookup(&ops, root, 0x5000) & EPT_ADDR_MASK, 0xabc000);
	assert_int_equal(ept_lookup(&ops, root, 0x5fff) & EPT_ADDR_MASK, 0xabc000);
	assert_int_equal(ept_lookup(&ops, root, 0x6000), 0);
	/* same tables for a neighbour, new ones far away */
	assert_int_equal(ept_set_leaf(&ops, root, 0x6000, ept_make_leaf(0xdef000, false), NULL), 0);
	assert_int_equal(mem.allocated, 4);
	assert_int_equal(ept_set_leaf(&ops, root, 0x7f0000000000ull, ept_make_leaf(0x1000, false), NULL), 0);
	assert_int_equal(mem.allocated, 7);
	/* overwrite returns the old entry */
	assert_int_equal(ept_set_leaf(&ops, root, 0x5000, ept_make_leaf(0x111000, false), &old), 0);
	assert_int_equal(old & EPT_ADDR_MASK, 0xabc000);
}

static void test_alloc_failure(void **state)
{
	int err;

	(void)state;
	mem.limit = 2;	/* root + one table */
	assert_null(ept_walk(&ops, root, 0x1000, true, &err));
	assert_int_equal(err, -ENOMEM);
	assert_null(ept_walk(&ops, root, 0x1000, false, &err));
	assert_int_equal(err, 0);
}

static void test_large_in_the_way(void **state)
{
	u64 *pml4, *pdpt;
	int err;

	(void)state;
	assert_int_equal(ept_set_leaf(&ops, root, 0, ept_make_leaf(0, true), NULL), 0);
	pml4 = fake_va(&mem, root);
	pdpt = fake_va(&mem, pml4[0] & EPT_ADDR_MASK);
	pdpt[1] = 0x40000000ull | EPT_RWX | EPT_LARGE;	/* a 1 GiB page */
	assert_null(ept_walk(&ops, root, 0x40001000, true, &err));
	assert_int_equal(err, -EEXIST);
	assert_int_equal(ept_zap_range(&ops, root, 0x40000000, 0x40001000), 1);
	assert_int_equal(pdpt[1], 0);
}

static void test_large(void **state)
{
	u64 e;

	(void)state;
	assert_int_equal(ept_set_large(&ops, root, 0x40000000, ept_make_leaf(0x80000000ull, true)), 0);
	assert_int_equal(mem.allocated, 3);	/* root, PDPT, PD */
	e = ept_lookup(&ops, root, 0x40123456);
	assert_true(e & EPT_LARGE);
	assert_int_equal(e & EPT_ADDR_MASK, 0x80000000ull);
	assert_int_equal(ept_set_large(&ops, root, 0x40000000, ept_make_leaf(0, true)), -EEXIST);
	/* a 4 KiB entry cannot go under it */
	assert_int_equal(ept_set_leaf(&ops, root, 0x40001000, ept_make_leaf(0x1000, true), NULL), -EEXIST);
	/* a 2 MiB leaf cannot replace 4 KiB tables */
	assert_int_equal(ept_set_leaf(&ops, root, 0x40200000, ept_make_leaf(0x1000, true), NULL), 0);
	assert_int_equal(ept_set_large(&ops, root, 0x40200000, ept_make_leaf(0, true)), -EBUSY);
	/* zapping any part drops the whole 2 MiB leaf */
	assert_int_equal(ept_zap_range(&ops, root, 0x40100000, 0x40101000), 1);
	assert_int_equal(ept_lookup(&ops, root, 0x40000000), 0);
	assert_int_equal(ept_set_large(&ops, root, 0x40000000, ept_make_leaf(0x80000000ull, false)), 0);
	mem.limit = mem.allocated;	/* a new PDPT would be needed: none left */
	assert_int_equal(ept_set_large(&ops, root, 1ull << 40, ept_make_leaf(0, true)), -ENOMEM);
}

static void test_zap(void **state)
{
	u64 a;

	(void)state;
	for (a = 0; a < 0x400000; a += 0x1000)	/* 4 MiB: two page tables */
		assert_int_equal(ept_set_leaf(&ops, root, a, ept_make_leaf(a, true), NULL), 0);
	assert_int_equal(ept_zap_range(&ops, root, 0x1000, 0x1000), 0);
	assert_int_equal(ept_zap_range(&ops, root, 0x1000, 0x3000), 2);
	assert_int_equal(ept_lookup(&ops, root, 0x1000), 0);
	assert_int_equal(ept_lookup(&ops, root, 0x2000), 0);
	assert_true(ept_present(ept_lookup(&ops, root, 0x0)));
	assert_true(ept_present(ept_lookup(&ops, root, 0x3000)));
	/* across the 2 MiB boundary */
	assert_int_equal(ept_zap_range(&ops, root, 0x1ff000, 0x201000), 2);
	/* zapping again finds nothing */
	assert_int_equal(ept_zap_range(&ops, root, 0x1000, 0x3000), 0);
	/* everything, including absent ranges far away */
	assert_int_equal(ept_zap_range(&ops, root, 0, 1ull << 48), 1024 - 4);
	assert_int_equal(ept_zap_range(&ops, root, 0, 1ull << 48), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_in_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
