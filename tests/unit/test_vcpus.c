/* Making vCPUs without a guest (a fake host side): a vCPU or a probe that
 * fails half-way leaves no memory behind. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "../lib/vm_size.h"

#include "common/percpu.h"
#include "common/state.h"
#include "host/hostside.h"
#include "host/probe.h"
#include "host/vcpu_list.h"
#include "host/vcpus.h"
#include "mm/layout.h"
#include "mm/mirror.h"
#include "mm/ptpool.h"
#include "mm/slots.h"

static int fail_create, fail_run;

static int fake_slot_set(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	(void)id, (void)gpa, (void)size, (void)hva;
	return 0;
}
static int fake_vcpu_create(struct dune_percpu *cpu)
{
	cpu->vcpu = fail_create ? NULL : (struct hostside_vcpu *)cpu->hostside_priv;
	return fail_create ? -EIO : 0;
}
static int fake_vcpu_boot(struct dune_percpu *cpu, const struct guest_boot *b)
{
	(void)cpu, (void)b;
	return 0;
}
static int fake_vcpu_run(struct dune_percpu *cpu, struct vcpu_exit *ex)
{
	(void)cpu;
	memset(ex, 0, sizeof(*ex));
	ex->kind = EXIT_MMIO;
	ex->gpa = dune_state.doorbell_gpa;
	return fail_run ? -EIO : 0;
}
static void fake_vcpu_destroy(struct dune_percpu *cpu)
{
	cpu->vcpu = NULL;
}
static const struct hostside_ops fake = {
	.name = "fake", .slot_set = fake_slot_set, .vcpu_create = fake_vcpu_create,
	.vcpu_boot = fake_vcpu_boot, .vcpu_run = fake_vcpu_run,
	.vcpu_destroy = fake_vcpu_destroy,
};

static int setup_memory(void)
{
	if (layout_init(40) < 0 || slots_init(4096, fake_slot_set) < 0 ||
	    ptpool_init(mirror_pool_chunk, 0) < 0 || !(pgroot = ptpool_alloc()))
		return -1;
	dune_state.hostside = &fake;
	dune_state.doorbell_gpa = 1UL << 39;
	return 0;
}

#define ROUNDS 50

/* old code: each failed vCPU kept ~600 KiB (per-CPU page, stacks, host stack) */
static void failed_vcpus_leave_nothing(void **state)
{
	long before, after;
	uint64_t mirrored;

	(void)state;
	assert_int_equal(setup_memory(), 0);
	fail_create = 1;
	assert_null(vcpu_get()); /* the first one's one-time costs */
	before = vm_size_kib();
	mirrored = mirror_bytes();
	for (int i = 0; i < ROUNDS; i++)
		assert_null(vcpu_get());
	after = vm_size_kib();
	printf("# VmSize %ld KiB before, %ld KiB after %d failed vCPUs\n", before, after, ROUNDS);
	assert_true(after - before < 1024);
	assert_int_equal(mirror_bytes(), mirrored);
	assert_int_equal(vcpu_list_len(), 0);
	/* and the room they had reserved is free again */
	fail_create = 0;
	struct dune_percpu *cpu = vcpu_get();
	assert_non_null(cpu);
	assert_int_equal(vcpu_list_len(), 1);
}

/* old code: the probe's per-CPU page and stacks stayed, on success too */
static void probes_leave_nothing(void **state)
{
	long before, after;

	(void)state;
	assert_int_equal(setup_memory(), 0);
	fail_create = fail_run = 0;
	assert_int_equal(guest_probe_ring0_fpu(), 0); /* mirrors the process once */
	assert_int_equal(dune_state.deprivileged, 0);
	before = vm_size_kib();
	for (int i = 0; i < ROUNDS; i++) {
		fail_create = i % 3 == 1;
		fail_run = i % 3 == 2;
		assert_int_equal(guest_probe_ring0_fpu(), i % 3 ? -EIO : 0);
	}
	after = vm_size_kib();
	printf("# VmSize %ld KiB before, %ld KiB after %d probes\n", before, after, ROUNDS);
	assert_true(after - before < 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_vcpus_leave_nothing),
		cmocka_unit_test(probes_leave_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
