/* guest (both rings) - hypercall.c: the guest's calls to its host half
 * (protocol in percpu.h). */
#include <sys/syscall.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/hypercall.h"

/* GS is the per-CPU page in every guest context (FS may be user code's) */
static inline struct dune_percpu *this_cpu(void)
{
	struct dune_percpu *cpu;
	asm volatile("mov %%gs:%c1, %0" : "=r"(cpu) : "i"(__builtin_offsetof(struct dune_percpu, self)));
	return cpu;
}

static inline void hc_kick(struct dune_percpu *cpu)
{
	/* The doorbell write exits to the host half of this thread, which
	 * reads and answers the block in cpu; "memory" orders both. Always
	 * `movb %al, (%rax)` (2 bytes), so any host side can step over it. */
	asm volatile("movb %%al, (%%rax)" ::"a"(cpu->doorbell) : "memory");
}

long hypercall(long op, long a0, long a1, long a2, long a3)
{
	struct dune_percpu *cpu = this_cpu();
	cpu->hc_op = (uint64_t)op;
	cpu->hc_args[0] = (uint64_t)a0;
	cpu->hc_args[1] = (uint64_t)a1;
	cpu->hc_args[2] = (uint64_t)a2;
	cpu->hc_args[3] = (uint64_t)a3;
	hc_kick(cpu);
	return cpu->hc_ret;
}

long hypercall_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	struct dune_percpu *cpu = this_cpu();
	cpu->hc_op = HC_SYSCALL;
	cpu->hc_args[0] = (uint64_t)nr;
	cpu->hc_args[1] = (uint64_t)a0;
	cpu->hc_args[2] = (uint64_t)a1;
	cpu->hc_args[3] = (uint64_t)a2;
	cpu->hc_args[4] = (uint64_t)a3;
	cpu->hc_args[5] = (uint64_t)a4;
	cpu->hc_args[6] = (uint64_t)a5;
	hc_kick(cpu);
	return cpu->hc_ret;
}

long dune_sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	if (dune_guest_mode)
		return hypercall_syscall(nr, a0, a1, a2, a3, a4, a5);
	return raw_syscall6(nr, a0, a1, a2, a3, a4, a5);
}

void hypercall_guard_next(const struct dune_call_guard *g)
{
	this_cpu()->sig_guard = g;
}

/* Ends the process with sig (in the guest, the host half does it). */
void dune_fatal_signal(int sig)
{
	if (dune_guest_mode)
		hypercall(HC_FATAL, sig, 0, 0, 0); /* arg1 0: reported already */
	die_with_signal(sig);
}
