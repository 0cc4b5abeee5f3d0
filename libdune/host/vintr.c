/* host half - vintr.c: delivers the vectors posted to a vCPU (IPIs from
 * dune_apic_send_ipi, signals routed to vectors) by starting
 * dune_vintr_entry in the guest with a frame of the interrupted context,
 * as an interrupt gate would. Only where the guest may be interrupted (the
 * rules signals follow); elsewhere a timer brings the vCPU back shortly.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "common/x86.h"
#include "dune.h"
#include "guest/x86/apic.h"
#include "guest/x86/entry.h"
#include "host/hostside.h"
#include "host/kick.h"
#include "host/signals.h"
#include "host/vintr.h"
#include "mm/mirror_lock.h"

static int in_entry_code(uint64_t rip)
{
	/* the system-call stub (it runs without a stack of its own) and the
	 * trap code: the stub's forwarded call is done at the resume point */
	return rip >= (uint64_t)dune_syscall_entry && rip < (uint64_t)dune_trap_code_end &&
	       rip != (uint64_t)dune_syscall_stub_resume;
}

void vintr_deliver(struct dune_percpu *cpu)
{
	struct kvm_regs regs;
	struct dune_tf *tf;
	int vec;

	if (!vintr_pending(cpu))
		return;
	if (mirror_locked_by_me() || dune_state.hostside->vcpu_get_regs(cpu, &regs) < 0 ||
	    cpu->trap_sp - TRAP_STACK_SIZE < cpu->trap_sp_limit) {
		kick_soon(cpu);
		return;
	}
	switch (in_entry_code(regs.rip) ? UNSAFE : guest_at_safe_point(cpu, &regs)) {
	case UNSAFE:
		kick_soon(cpu);
		return;
	case IN_USER_CODE:
		/* one instruction on, user code traps and the trap path runs
		 * the posted vectors in the program's context (trap.c) */
		if (!(regs.rflags & EFLAGS_TF)) {
			cpu->sig_step = 1;
			regs.rflags |= EFLAGS_TF;
			dune_state.hostside->vcpu_set_regs(cpu, &regs);
		}
		return;
	}
	if ((vec = vintr_take(cpu)) < 0)
		return;
	if (regs.rip == (uint64_t)dune_syscall_stub_resume) {
		/* the forwarded call is complete: the frame resumes after it */
		regs.rip = regs.rcx;
		regs.rax = (uint64_t)cpu->hc_ret;
	}
	/* the frame the trap path would have built, on the next trap stack */
	tf = (struct dune_tf *)((cpu->trap_sp - sizeof(*tf)) & ~15UL);
	memset(tf, 0, sizeof(*tf));
	tf->rax = regs.rax; tf->rbx = regs.rbx; tf->rcx = regs.rcx; tf->rdx = regs.rdx;
	tf->rsi = regs.rsi; tf->rdi = regs.rdi; tf->rbp = regs.rbp; tf->rsp = regs.rsp;
	tf->r8 = regs.r8; tf->r9 = regs.r9; tf->r10 = regs.r10; tf->r11 = regs.r11;
	tf->r12 = regs.r12; tf->r13 = regs.r13; tf->r14 = regs.r14; tf->r15 = regs.r15;
	tf->rip = regs.rip;
	tf->rflags = regs.rflags;
	tf->cs = GD_KT; /* the program's context is ring 0 to it on every host */
	tf->ss = GD_KD;
	cpu->trap_sp -= TRAP_STACK_SIZE;
	regs.rip = (uint64_t)dune_vintr_entry;
	regs.rsp = (uint64_t)tf;
	regs.rbx = (uint64_t)tf;
	regs.r12 = (uint64_t)vec;
	regs.rflags &= ~(uint64_t)(EFLAGS_TF | EFLAGS_DF);
	dune_state.hostside->vcpu_set_regs(cpu, &regs);
}
