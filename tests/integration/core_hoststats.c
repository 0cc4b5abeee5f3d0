/* dune_get_host_stats: the host's counters grow with what the guest makes
 * it do (exits for system calls through the doorbell), never shrink, count
 * every vCPU (a second thread's exits), and on a shadow-paging host (PVM)
 * every first write after a dirty bit was cleared is a page fault the host
 * takes. On the kmod host side the call says -ENOTSUP. */
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "testlib.h"

#define NPAGES 64

static void *thread_calls(void *arg)
{
	for (long i = 0; i < (long)arg; i++)
		syscall(SYS_sched_yield);
	return NULL;
}

int main(void)
{
	struct dune_host_stats a, b, c;
	volatile char *page;
	uint64_t bits[NPAGES / 64];
	pthread_t t;
	long n = tl_iters(200);
	int r;

	tl_watchdog(60);
	setenv("DUNE_FASTCALL", "0", 1); /* every system call exits */
	page = mmap(NULL, NPAGES * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED);
	tl_enter();

	r = dune_get_host_stats(&a);
	if (r == -ENOTSUP && !strcmp(dune_host_name(), "kmod")) {
		printf("SKIP core_hoststats: the kmod host side keeps no counters\n");
		return tl_finish("core_hoststats");
	}
	CHECK_EQ(r, 0);
	for (long i = 0; i < n; i++)
		syscall(SYS_sched_yield);
	CHECK_EQ(dune_get_host_stats(&b), 0);
	CHECK(b.exits >= a.exits + (uint64_t)n);
	CHECK(b.pf_taken >= a.pf_taken);
	CHECK(b.tlb_flush >= a.tlb_flush);
	CHECK(b.mmu_pte_write >= a.mmu_pte_write);

	/* another vCPU's exits are in the sum */
	CHECK_EQ(pthread_create(&t, NULL, thread_calls, (void *)n), 0);
	pthread_join(t, NULL);
	CHECK_EQ(dune_get_host_stats(&c), 0);
	CHECK(c.exits >= b.exits + (uint64_t)n);

	/* first writes after clearing the dirty bits */
	for (int i = 0; i < NPAGES; i++)
		page[i * PGSIZE] = 1;
	memset(bits, 0, sizeof(bits));
	CHECK_EQ(dune_vm_dirty_collect(pgroot, (void *)page, (void *)(page + NPAGES * PGSIZE), bits,
				       DUNE_DIRTY_CLEAR), NPAGES);
	CHECK_EQ(dune_get_host_stats(&a), 0);
	for (int i = 0; i < NPAGES; i++)
		page[i * PGSIZE] = 2;
	CHECK_EQ(dune_get_host_stats(&b), 0);
	printf("%d first writes after a clear: %llu host page faults, %llu exits (%s, ring %d)\n",
	       NPAGES, (unsigned long long)(b.pf_taken - a.pf_taken),
	       (unsigned long long)(b.exits - a.exits), dune_host_name(), dune_guest_ring());
	if (dune_guest_ring() == 3) /* PVM: shadow paging sets D on a fault */
		CHECK(b.pf_taken - a.pf_taken >= NPAGES);
	return tl_finish("core_hoststats");
}
