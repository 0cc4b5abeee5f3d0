/* The fast-call server (host/fastcall.c) started and stopped again and
 * again, as the back-off does on a busy machine: its stack is reused, not
 * mapped anew each time (no guest needed: the server is a host thread). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <cmocka.h>

#include "../lib/vm_size.h"

#include "common/percpu.h"
#include "host/fastcall.h"

#define CYCLES 300

/* the server runs: it polls, or already sleeps for want of requests */
static void wait_started(struct dune_percpu *cpu)
{
	for (long i = 0; i < 10000000 && cpu->fc_state == FC_WAKING; i++)
		sched_yield();
	assert_int_not_equal(cpu->fc_state, FC_WAKING);
}

static void restarts_reuse_the_stack(void **state)
{
	struct dune_percpu *cpu;
	long before, after;

	(void)state;
	cpu = mmap(NULL, DUNE_PERCPU_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	assert_true(cpu != MAP_FAILED);
	fastcall_wake(cpu); /* the first server: its stack is mapped once */
	wait_started(cpu);
	fastcall_stop(cpu, 1);
	before = vm_size_kib();
	for (int i = 0; i < CYCLES; i++) {
		fastcall_wake(cpu);
		wait_started(cpu);
		fastcall_stop(cpu, 1);
	}
	after = vm_size_kib();
	/* the old code mapped 64 KiB per start: CYCLES * 64 KiB more */
	printf("# VmSize %ld KiB before, %ld KiB after %d restarts\n", before, after, CYCLES);
	assert_true(after - before < 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(restarts_reuse_the_stack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
