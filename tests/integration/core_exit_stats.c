/* Exit counts (dune_get_exit_stats): a forwarded system call is one exit
 * to the host half; a page fault, an exception and a dune_vm_mprotect with
 * its flush are none. On ring-0 guests (VT-x/AMD-V) the kernel sees no
 * exit for those either; on PVM it does (ring 0 there is the kernel's).
 * The fast-call server is off (DUNE_FASTCALL=0): every call exits. */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "testlib.h"

static volatile char *page;
static int faults;

static void on_fault(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)fec;
	(void)tf;
	faults++;
	dune_vm_mprotect(pgroot, (void *)(addr & ~4095UL), 4096, PERM_R | PERM_W | PERM_U);
}

static void on_int3(struct dune_tf *tf)
{
	(void)tf;
}

/* what one step cost: runs and kernel exits beyond the read itself */
struct cost {
	long runs, syscalls, kernel;
};

static struct cost between(const struct dune_exit_stats *a, const struct dune_exit_stats *b,
			   const struct dune_exit_stats *empty_a, const struct dune_exit_stats *empty_b)
{
	struct cost c;
	c.runs = (long)((b->runs - b->interrupts) - (a->runs - a->interrupts)) -
		 (long)((empty_b->runs - empty_b->interrupts) - (empty_a->runs - empty_a->interrupts));
	c.syscalls = (long)(b->syscalls - a->syscalls);
	c.kernel = a->kernel_exits < 0 ? -1
					: (b->kernel_exits - a->kernel_exits) -
						  (empty_b->kernel_exits - empty_a->kernel_exits);
	return c;
}

int main(void)
{
	struct dune_exit_stats e0, e1, a, b;
	struct cost c;
	long n = tl_iters(200);

	tl_watchdog(120);
	setenv("DUNE_FASTCALL", "0", 1);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	tl_enter();
	dune_register_pgflt_handler(on_fault);
	dune_register_intr_handler(T_BRKPT, on_int3);

	dune_get_exit_stats(&e0); /* two reads in a row: the read's own cost */
	dune_get_exit_stats(&e1);
	CHECK(e1.runs > e0.runs);
	CHECK_EQ(e1.hypercalls - e0.hypercalls, 1);

	dune_get_exit_stats(&a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	dune_get_exit_stats(&b);
	c = between(&a, &b, &e0, &e1);
	printf("%ld getppid: %ld exits, %ld forwarded, kernel %ld\n", n, c.runs, c.syscalls, c.kernel);
	CHECK_EQ(c.syscalls, n);
	CHECK_EQ(c.runs, n);
	if (c.kernel >= 0)
		CHECK(c.kernel >= n);

	for (int round = 0; round < 2; round++) { /* the first touches the trap stacks */
		dune_get_exit_stats(&a);
		for (long i = 0; i < n; i++) {
			dune_vm_mprotect(pgroot, (void *)page, 4096, PERM_R | PERM_U);
			page[0] = 2; /* faults; the handler gives write back */
			asm volatile("int3");
		}
		dune_get_exit_stats(&b);
	}
	c = between(&a, &b, &e0, &e1);
	printf("%ld x (mprotect + flush, page fault, int3): %ld exits, kernel %ld (%s)\n", n,
	       c.runs, c.kernel, dune_guest_ring() ? "ring 3: ring 0 is the kernel's" : "ring 0");
	CHECK_EQ(faults, 2 * n);
	CHECK_EQ(c.runs, 0);
	CHECK_EQ(c.syscalls, 0);
	/* on VT-x/AMD-V none of it leaves the guest: a timer tick or two */
	if (c.kernel >= 0 && dune_guest_ring() == 0)
		CHECK(c.kernel <= 2 + n / 10);
	return tl_finish("core_exit_stats");
}
