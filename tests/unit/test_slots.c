/* Slot bookkeeping against a fake host: slots cover exactly what was added,
 * removal splits, compaction merges, ids are reused, failures propagate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mm/layout.h"
#include "mm/slots.h"

#define MAXS 64
static struct { uint64_t gpa, size, hva; } host[MAXS];
static int host_calls, fail_next;

static int fake_set(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	host_calls++;
	if (fail_next) {
		fail_next = 0;
		return -5;
	}
	if (id >= MAXS)
		return -22;
	if (size && host[id].size)
		return -17; /* KVM refuses to resize a live slot */
	host[id].gpa = gpa;
	host[id].size = size;
	host[id].hva = hva;
	return 0;
}

static uint64_t host_total(void)
{
	uint64_t t = 0;
	for (int i = 0; i < MAXS; i++)
		t += host[i].size;
	return t;
}

static int setup(void **state)
{
	(void)state;
	memset(host, 0, sizeof(host));
	assert_int_equal(layout_init(40), 0);
	assert_int_equal(slots_init(MAXS, fake_set), 0);
	return 0;
}

static void add_and_remove_exactly(void **state)
{
	(void)state;
	uintptr_t a = 0x7f0000000000UL;
	assert_int_equal(layout_reserve(a, a + 16 * 4096), 0);
	assert_int_equal(slots_add(a, 16 * 4096), 0);
	assert_int_equal(slots_bytes(), 16 * 4096);
	assert_int_equal(host_total(), 16 * 4096);
	assert_true(slots_cover(a, 16 * 4096));
	/* punch a hole: two slots remain, host agrees */
	assert_int_equal(slots_remove(a + 4 * 4096, 4 * 4096), 0);
	assert_int_equal(slots_count(), 2);
	assert_int_equal(slots_bytes(), 12 * 4096);
	assert_int_equal(host_total(), 12 * 4096);
	assert_false(slots_cover(a + 4 * 4096, 4096));
	assert_true(slots_cover(a + 8 * 4096, 8 * 4096));
	assert_int_equal(slots_remove(a, 16 * 4096), 0);
	assert_int_equal(slots_count(), 0);
	assert_int_equal(host_total(), 0);
	layout_release(a, a + 16 * 4096);
}

static void gpa_follows_layout(void **state)
{
	(void)state;
	uintptr_t a = 0x7f0000001000UL;
	assert_int_equal(layout_reserve(a, a + 4096), 0);
	assert_int_equal(slots_add(a, 4096), 0);
	int found = 0;
	for (int i = 0; i < MAXS; i++)
		if (host[i].size && host[i].hva == a) {
			assert_int_equal(host[i].gpa, layout_va_to_pa(a));
			found = 1;
		}
	assert_true(found);
	slots_remove(a, 4096);
	layout_release(a, a + 4096);
}

static void split_at_chunk_boundaries(void **state)
{
	(void)state;
	uintptr_t a = 0x7f0040000000UL - 8192;
	assert_int_equal(layout_reserve(a, a + 16384), 0);
	assert_int_equal(slots_add(a, 16384), 0);
	assert_int_equal(slots_count(), 2);
	assert_int_equal(slots_remove(a, 16384), 0);
	layout_release(a, a + 16384);
}

static void compaction_merges_neighbours(void **state)
{
	(void)state;
	uintptr_t a = 0x7f0100000000UL;
	assert_int_equal(layout_reserve(a, a + 8 * 4096), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(slots_add(a + i * 4096, 4096), 0);
	assert_int_equal(slots_count(), 8);
	assert_int_equal(slots_compact(), 7);
	assert_int_equal(slots_count(), 1);
	assert_int_equal(host_total(), 8 * 4096);
	assert_true(slots_cover(a, 8 * 4096));
	slots_remove(a, 8 * 4096);
	layout_release(a, a + 8 * 4096);
}

static void host_refusal_is_reported(void **state)
{
	(void)state;
	uintptr_t a = 0x7f0200000000UL;
	assert_int_equal(layout_reserve(a, a + 4096), 0);
	fail_next = 1;
	assert_int_equal(slots_add(a, 4096), -5);
	assert_int_equal(slots_count(), 0);
	assert_int_equal(slots_add(a, 4096), 0);
	slots_remove(a, 4096);
	layout_release(a, a + 4096);
}

/* A split or a merge replaces a slot that may hold the running code: the
 * delete and its successors reach the host in one batch, in order. */
static int batches, batch_ops, batch_first_is_delete;

static int fake_batch(const struct slot_op *ops, unsigned n)
{
	batches++;
	batch_ops = (int)n;
	batch_first_is_delete = n && ops[0].size == 0;
	return slots_run_batch(ops, n, fake_set);
}

static void replacements_are_one_batch(void **state)
{
	(void)state;
	uintptr_t a = 0x7f0300000000UL;
	assert_int_equal(layout_reserve(a, a + 8 * 4096), 0);
	slots_set_batch(fake_batch);
	assert_int_equal(slots_add(a, 8 * 4096), 0);
	assert_int_equal(batches, 0); /* a new slot replaces nothing */
	/* a hole in the middle: delete, left, right */
	assert_int_equal(slots_remove(a + 2 * 4096, 4096), 0);
	assert_int_equal(batches, 1);
	assert_int_equal(batch_ops, 3);
	assert_true(batch_first_is_delete);
	assert_int_equal(host_total(), 7 * 4096);
	/* filled again and merged: delete, delete, merged */
	assert_int_equal(slots_add(a + 2 * 4096, 4096), 0);
	batches = 0;
	assert_int_equal(slots_compact(), 2);
	assert_int_equal(batches, 2);
	assert_int_equal(batch_ops, 3);
	assert_int_equal(slots_count(), 1);
	assert_int_equal(host_total(), 8 * 4096);
	/* the host refusing a batch is an error, not a silent gap */
	fail_next = 1;
	assert_true(slots_remove(a, 4096) < 0);
	slots_set_batch(NULL);
	batches = 0;
}

static void rejects_unaligned(void **state)
{
	(void)state;
	assert_int_equal(slots_add(0x7f0000000100UL, 4096), -22);
	assert_int_equal(slots_add(0x7f0000000000UL, 100), -22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(add_and_remove_exactly, setup),
		cmocka_unit_test_setup(gpa_follows_layout, setup),
		cmocka_unit_test_setup(split_at_chunk_boundaries, setup),
		cmocka_unit_test_setup(compaction_merges_neighbours, setup),
		cmocka_unit_test_setup(host_refusal_is_reported, setup),
		cmocka_unit_test_setup(replacements_are_one_batch, setup),
		cmocka_unit_test_setup(rejects_unaligned, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
