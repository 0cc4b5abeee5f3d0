// SPDX-License-Identifier: GPL-2.0
/*
 * Two vCPUs of one VM in two threads at once (on two CPUs when there are),
 * while a third thread keeps replacing the page both guests read: the
 * mmu_notifier's INVEPT must reach the CPU in guest mode. Values read are
 * always ones the host wrote, and the last one is seen by both at the end.
 */
#include <pthread.h>
#include "dtest.h"

#define ITERS 3000

/* vCPU n: counts in 0x5000+8n, reports the qword at 1 GiB on port 0x80+n */
DT_GUEST(g0,
	"1: incq 0x5000\n"
	"mov 0x40000000, %rax\n"
	"out %eax, $0x80\n"
	"jmp 1b\n");
DT_GUEST(g1,
	"1: incq 0x5008\n"
	"mov 0x40000000, %rax\n"
	"out %eax, $0x81\n"
	"jmp 1b\n");

static struct dt_vm vm;
static uint64_t *page;
static volatile uint32_t written = 1, done_churn, final_seen[2];
static pthread_barrier_t start;

static void *runner(void *arg)
{
	int n = (int)(uintptr_t)arg, fd, i;
	struct dune_exit ex;

	/* a vCPU belongs to the thread that creates it */
	fd = dt_vcpu_add(&vm, DT_CODE + 0x1000 * n, DT_STACK - 0x1000 * n);
	pthread_barrier_wait(&start);
	for (i = 0; i < ITERS || !final_seen[n]; i++) {
		int ret = ioctl(fd, DUNE_RUN, &ex);

		if (ret < 0 && errno == EINTR)
			continue;
		DT_CHECK(ret == 0, "vcpu %d RUN: %s", n, strerror(errno));
		if (ex.reason == DUNE_EXIT_EPT_FAULT && ex.ept.cause == DUNE_EPT_HOST_FAULT)
			continue;	/* caught between munmap and mmap: retry */
		if (ex.reason != DUNE_EXIT_IO || ex.io.port != 0x80 + n) {
			dt_print_exit(&ex);
			DT_FAIL("vcpu %d: unexpected exit", n);
		}
		DT_CHECK(ex.io.value >= 1 && ex.io.value <= written,
			 "vcpu %d read %u, host wrote up to %u", n, ex.io.value, written);
		if (done_churn && ex.io.value == written)
			final_seen[n] = 1;
		DT_CHECK(i < 50 * ITERS, "vcpu %d never saw the final value %u", n, written);
	}
	close(fd);
	return NULL;
}

static void *churn(void *arg)
{
	int i;

	(void)arg;
	pthread_barrier_wait(&start);
	for (i = 0; i < 300; i++) {
		uint64_t *p = mmap(page, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

		DT_CHECK(p == page, "mmap fixed");
		p[0] = written + 1;
		__sync_synchronize();
		written = written + 1;
		usleep(1000);
	}
	done_churn = 1;
	return NULL;
}

int main(void)
{
	pthread_t t[3];
	int i;

	alarm(240);
	dt_vm_create(&vm, g0_start, g0_end);
	memcpy(vm.mem + DT_CODE + 0x1000, g1_start, g1_end - g1_start);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	DT_CHECK(page != MAP_FAILED, "mmap");
	page[0] = 1;
	dt_set_slot(vm.fd, 1, DT_HIGH_GPA, 4096, page, 0);
	pthread_barrier_init(&start, NULL, 3);
	pthread_create(&t[0], NULL, runner, (void *)0);
	pthread_create(&t[1], NULL, runner, (void *)1);
	pthread_create(&t[2], NULL, churn, NULL);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("t_threads: counters %llu %llu, %u pages\n",
	       (unsigned long long)*(uint64_t *)(vm.mem + 0x5000),
	       (unsigned long long)*(uint64_t *)(vm.mem + 0x5008), written);
	dt_vm_destroy(&vm);
	printf("t_threads: ok\n");
	return 0;
}
