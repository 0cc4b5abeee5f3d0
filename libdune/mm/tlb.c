/* both halves - TLB flushes and shootdowns between vCPUs (tlb.h). */
#include <sys/syscall.h>

#include "common/percpu.h"
#include "common/state.h"
#include "common/x86.h"
#include "dune.h"
#include "guest/x86/entry.h"
#include "guest/x86/hypercall.h"
#include "guest/x86/uview.h"
#include "host/hostside.h"
#include "host/vcpu_list.h"
#include "host/kick.h"
#include "mm/tlb.h"

static volatile uint64_t tlb_gen;

uint64_t tlb_generation(void)
{
	return __atomic_load_n(&tlb_gen, __ATOMIC_SEQ_CST);
}

/* Once a program turned PCIDs on (a ring-0 guest, emulate.c), a CR3 reload
 * or invlpg reaches the current PCID only; a change of CR4.PGE flushes
 * every PCID. 1 if that was done. */
static int flush_all_pcids(void)
{
	uint64_t cr4;

	if (dune_state.deprivileged)
		return 0;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	if (!(cr4 & CR4_PCIDE))
		return 0;
	asm volatile("mov %0, %%cr4; mov %1, %%cr4" ::"r"(cr4 ^ CR4_PGE), "r"(cr4) : "memory");
	return 1;
}

/* This vCPU's stale translations of [va, end) go, then everyone else's,
 * and the user view's copies. Before any vCPU ran (host mode) there is
 * nothing to flush. */
void tlb_flush_range(uintptr_t va, uintptr_t end)
{
	if (!dune_guest_mode)
		return;
	uview_invalidate(va, end);
	dune_self->uview_quiet = 1; /* the view is in line: no full drop */
	/* PCIDs on: one toggle reaches them all; on a deprivileged guest a
	 * flush is a trap: one gate for the range */
	if (flush_all_pcids())
		;
	else if (dune_state.deprivileged)
		dune_flush_gate(va, end);
	else if (end - va > 64 * PGSIZE)
		dune_flush_tlb();
	else
		for (uintptr_t p = va; p < end; p += PGSIZE)
			dune_flush_tlb_one(p);
	dune_self->uview_quiet = 0;
	tlb_shootdown();
}


/*
 * A vCPU outside the guest flushes before it enters again; one inside is
 * kicked out of its run with a signal and flushes in its host loop.
 */
void tlb_shootdown(void)
{
	struct dune_percpu *self = dune_self;
	unsigned n = vcpu_list_len();
	uint64_t gen;
	long pid;

	if (n < 2 || vcpus_active() < 2)
		return;
	gen = __atomic_add_fetch(&tlb_gen, 1, __ATOMIC_SEQ_CST);
	pid = dune_sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	for (unsigned i = 0; i < n; i++) {
		struct dune_percpu *cpu = vcpu_list_get(i);
		if (cpu == self || cpu->state != VCPU_ACTIVE)
			continue;
		if (cpu->in_run && cpu->tlb_gen_done < gen)
			kick_thread(pid, cpu->tid);
		for (int spins = 0; cpu->in_run && cpu->tlb_gen_done < gen && cpu->state == VCPU_ACTIVE;
		     spins++) {
			__builtin_ia32_pause();
			/* more threads than CPUs: let the target run to answer */
			if (spins > 200)
				dune_sys(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
			/* a host side without an immediate-exit flag may miss a
			 * kick that lands just before its run: kick again */
			if (spins % 1000 == 999)
				kick_thread(pid, cpu->tid);
		}
	}
}

void tlb_sync(struct dune_percpu *cpu)
{
	uint64_t gen = tlb_generation();
	struct kvm_sregs s;

	if (cpu->tlb_gen_done >= gen)
		return;
	/* rewriting the control registers makes the host drop every cached
	 * translation of this vCPU */
	if (dune_state.hostside->vcpu_get_sregs(cpu, &s) < 0)
		return;
	/* On a deprivileged (PVM) guest stopped in ring 0, writing the
	 * segment state back loses the ring-3 FS base: the vCPU will exit
	 * again soon (the initiator keeps kicking) and flush from ring 3. */
	if (dune_state.deprivileged && (s.cs.selector & 3) != 3)
		return;
	dune_state.hostside->vcpu_set_sregs(cpu, &s);
	cpu->tlb_gen_done = gen;
}
