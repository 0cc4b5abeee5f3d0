/* dune_vm_dirty_collect: after a clearing pass, a second pass finds exactly
 * the pages written in between (never one more or less), reading does not
 * clear, a 2 MiB page counts as 512, another thread's writes are found after
 * every clear (its TLB must not keep a dirty translation), bad arguments
 * are refused. And what the first writes after a clear cost the host
 * (dune_get_exit_stats): on a shadow-paging host (PVM, the program in ring
 * 3) each is a page fault the kernel fixes; with nested paging the CPU sets
 * the dirty bit itself and the kernel sees none. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "testlib.h"

#define NPAGES 1024
#define BIG (2UL << 20)

static volatile char *heap;
static uint64_t bitmap[NPAGES / 64];

static long collect(int flags)
{
	memset(bitmap, 0, sizeof(bitmap));
	return dune_vm_dirty_collect(pgroot, (void *)heap, (void *)(heap + NPAGES * PGSIZE),
				     bitmap, flags);
}

static int bit(long i)
{
	return (bitmap[i / 64] >> (i % 64)) & 1;
}

/* ---- a second thread writes one page each round ---- */
static volatile long round_asked, round_done;
#define OTHER_PAGE 77

static void *writer(void *arg)
{
	(void)arg;
	for (;;) {
		long r = round_asked;
		if (r < 0)
			return NULL;
		if (r != round_done) {
			heap[OTHER_PAGE * PGSIZE + r % 64] = (char)r;
			__atomic_store_n(&round_done, r, __ATOMIC_RELEASE);
		}
		__builtin_ia32_pause();
	}
}

static void big_page(void)
{
	/* 2 MiB of memory and an aligned window onto it through one big page */
	char *mem = mmap(NULL, 2 * BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *win = mmap(NULL, 2 * BIG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t bits[2 * BIG / PGSIZE / 64];
	CHECK(mem != MAP_FAILED && win != MAP_FAILED);
	mem = (char *)(((uintptr_t)mem + BIG - 1) & ~(BIG - 1));
	win = (char *)(((uintptr_t)win + BIG - 1) & ~(BIG - 1));
	mem[0] = 1; /* mirrored memory behind the window */
	CHECK_EQ(dune_vm_map_phys(pgroot, win, BIG, (void *)dune_va_to_pa(mem),
				  PERM_R | PERM_W | PERM_U | PERM_BIG), 0);
	memset(bits, 0, sizeof(bits));
	CHECK_EQ(dune_vm_dirty_collect(pgroot, win, win + BIG, bits, DUNE_DIRTY_CLEAR) >= 0, 1);
	((volatile char *)win)[5 * PGSIZE] = 2;
	memset(bits, 0, sizeof(bits));
	CHECK_EQ(dune_vm_dirty_collect(pgroot, win, win + BIG, bits, DUNE_DIRTY_CLEAR), 512);
	CHECK_EQ(bits[0], ~0UL);
	CHECK_EQ(bits[7], ~0UL);
	CHECK_EQ(mem[5 * PGSIZE], 2);
	/* half of it asked for: half the bits */
	((volatile char *)win)[0] = 3;
	memset(bits, 0, sizeof(bits));
	CHECK_EQ(dune_vm_dirty_collect(pgroot, win + BIG / 2, win + BIG, bits, 0), 256);
	CHECK_EQ(bits[4], 0);
	dune_vm_unmap(pgroot, win, BIG);
}

int main(void)
{
	pthread_t t;
	long rounds = tl_iters(200);

	tl_watchdog(120);
	heap = mmap(NULL, NPAGES * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(heap != MAP_FAILED);
	tl_enter();

	for (long i = 0; i < NPAGES; i++)
		heap[i * PGSIZE] = 1;
	CHECK_EQ(collect(DUNE_DIRTY_CLEAR), NPAGES);
	CHECK_EQ(collect(0), 0);

	/* a pattern of pages written: found exactly, twice without clearing */
	for (long i = 0; i < NPAGES; i += 7)
		heap[i * PGSIZE + 100] = 2;
	for (int pass = 0; pass < 2; pass++) {
		long n = collect(pass ? DUNE_DIRTY_CLEAR : 0), wrong = 0;
		CHECK_EQ(n, (NPAGES + 6) / 7);
		for (long i = 0; i < NPAGES; i++)
			wrong += bit(i) != (i % 7 == 0);
		CHECK_EQ(wrong, 0);
	}
	CHECK_EQ(collect(0), 0);
	/* reads leave pages clean; the last byte of a page is that page's */
	{
		long sum = 0;
		for (long i = 0; i < NPAGES; i++)
			sum += heap[i * PGSIZE + 5];
		CHECK(sum >= 0);
		heap[3 * PGSIZE + PGSIZE - 1] = 9;
		CHECK_EQ(collect(DUNE_DIRTY_CLEAR), 1);
		CHECK(bit(3));
	}

	/* another vCPU writes after each clear: each write must be found */
	CHECK_EQ(pthread_create(&t, NULL, writer, NULL), 0);
	{
		long missed = 0;
		for (long r = 1; r <= rounds; r++) {
			__atomic_store_n(&round_asked, r, __ATOMIC_RELEASE);
			while (__atomic_load_n(&round_done, __ATOMIC_ACQUIRE) != r)
				__builtin_ia32_pause();
			if (collect(DUNE_DIRTY_CLEAR) != 1 || !bit(OTHER_PAGE))
				missed++;
		}
		CHECK_EQ(missed, 0);
	}
	round_asked = -1;
	pthread_join(t, NULL);

	big_page();

	/* the host's side of first writes after a clear */
	{
		struct dune_exit_stats a, b;
		long faults;
		for (long i = 0; i < 64; i++)
			heap[i * PGSIZE] = 4;
		collect(DUNE_DIRTY_CLEAR);
		dune_get_exit_stats(&a);
		for (long i = 0; i < 64; i++)
			heap[i * PGSIZE] = 5;
		dune_get_exit_stats(&b);
		faults = a.kernel_faults_fixed < 0 ? -1 : b.kernel_faults_fixed - a.kernel_faults_fixed;
		printf("64 first writes after a clear: %ld page faults the host kernel fixed "
		       "(%s host side, ring %d)\n", faults, dune_host_name(), dune_guest_ring());
		if (faults >= 0 && dune_guest_ring() == 3)
			CHECK(faults >= 64); /* PVM: shadow paging sets D on a fault */
		if (faults >= 0 && dune_guest_ring() == 0)
			CHECK(faults < 8); /* nested paging: the CPU sets D */
		CHECK_EQ(collect(0), 64);
	}

	/* refused: no bitmap, an empty or reversed range, unknown flags */
	CHECK_EQ(dune_vm_dirty_collect(pgroot, (void *)heap, (void *)(heap + PGSIZE), NULL, 0), -EINVAL);
	CHECK_EQ(dune_vm_dirty_collect(pgroot, (void *)(heap + PGSIZE), (void *)heap, bitmap, 0), -EINVAL);
	CHECK_EQ(dune_vm_dirty_collect(pgroot, (void *)heap, (void *)(heap + PGSIZE), bitmap, 8), -EINVAL);
	return tl_finish("core_dirty");
}
