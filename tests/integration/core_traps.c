/* Exceptions reach their handlers, which edit the trap frame and resume:
 * #DE, #BP, #UD, #GP, #PF with CR2 and error code. */
#include <stdint.h>
#include <sys/mman.h>

#include "testlib.h"

static volatile int hits[32];
static volatile uintptr_t fault_addr;
static volatile uint64_t fault_fec;
static volatile char *guard; /* volatile: accesses stay where written */

static void skip2(struct dune_tf *tf)
{
	hits[0]++;
	tf->rip += 2; /* ud2, div %ecx (f7 f1) */
}

static void on_bp(struct dune_tf *tf)
{
	hits[3]++;
	(void)tf; /* int3 is a trap: rip is already past it */
}

static void on_gp(struct dune_tf *tf)
{
	hits[13]++;
	tf->rip += 3; /* mov (%rax), %rax: 48 8b 00 */
}

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)tf;
	hits[14]++;
	fault_addr = addr;
	fault_fec = fec;
	/* make the page usable and retry the access */
	mprotect((void *)(addr & ~4095UL), 4096, PROT_READ | PROT_WRITE);
}

int main(void)
{
	tl_watchdog(60);
	tl_enter();
	dune_register_intr_handler(T_ILLOP, skip2);
	dune_register_intr_handler(T_DIVIDE, skip2);
	dune_register_intr_handler(T_BRKPT, on_bp);
	dune_register_intr_handler(T_GPFLT, on_gp);
	dune_register_pgflt_handler(on_pf);

	asm volatile("ud2");
	CHECK_EQ(hits[0], 1);

	asm volatile("xor %%edx, %%edx; mov $1, %%eax; xor %%ecx, %%ecx; div %%ecx" ::: "rax", "rcx", "rdx");
	CHECK_EQ(hits[0], 2);

	for (int i = 0; i < 3; i++)
		asm volatile("int3");
	CHECK_EQ(hits[3], 3);

	/* a non-canonical address raises #GP */
	asm volatile("mov $0x8000000000000000, %%rax; mov (%%rax), %%rax" ::: "rax");
	CHECK_EQ(hits[13], 1);

	/* #PF with CR2 and the write bit, on a page the host protected */
	guard = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(guard != MAP_FAILED);
	guard[4096 + 17] = 42;
	CHECK_EQ(hits[14], 1);
	CHECK_EQ(fault_addr, (uintptr_t)(guard + 4096 + 17));
	CHECK(fault_fec & FEC_W);
	CHECK(fault_fec & FEC_P);
	CHECK_EQ(guard[4096 + 17], 42);

	/* not-present #PF: unmapped memory */
	munmap((void *)guard, 8192);
	hits[14] = 0;
	{
		volatile char *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		volatile char c = 0;
		c = p[5];
		(void)c;
		CHECK_EQ(hits[14], 1);
		CHECK_EQ(fault_addr, (uintptr_t)(p + 5));
		CHECK(!(fault_fec & FEC_P));
		CHECK(!(fault_fec & FEC_W));
	}

	/* FPU state survives a trap whose handler uses the FPU */
	{
		volatile double x = 1.5;
		double y = x * 3.0;
		asm volatile("int3");
		CHECK(y == 4.5 && x * 2.0 == 3.0);
	}
	return tl_finish("core_traps");
}
