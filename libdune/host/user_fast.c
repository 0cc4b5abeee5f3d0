/* host half - user_fast.c: a system call of user code that ring 0 handed
 * over without the syscall handler (entry.S uview_fault), standing in ring
 * 0 on the IST stack. The call is in the registers (rdi, rsi, r10, r8, r9)
 * and the frame ring 0 left there (rax, rdx); the decision is made here,
 * again, from the program's set and check: ring 0's copy of the set is
 * only a hint. A call is declined (the handler gets it, the ordinary way)
 * when the program says no, when a signal is pending or comes before the
 * call starts (the handler's path delivers it), or when it was interrupted (-EINTR: nothing happened, and
 * the handler knows about restarts). A served call's frame becomes its
 * return: rax, and rip/rflags from rcx/r11 as `syscall` left them. */
#include <errno.h>

#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "common/x86.h"
#include "guest/x86/usermode.h"
#include "host/forward_call.h"
#include "host/hostside.h"
#include "host/user_fast.h"

void user_fast_syscall(struct dune_percpu *cpu)
{
	struct ist_syscall_frame *f =
		(struct ist_syscall_frame *)(cpu->ist_page + IST_STACK_SIZE) - 1;
	struct kvm_regs r;
	long nr = (long)f->rax, args[6];
	long ret;
	struct forward_check check = { .host_pending = &cpu->sig_pending, .host_unknown = ~0ULL };

	if (cpu->sig_pending || dune_state.hostside->vcpu_get_regs(cpu, &r) < 0)
		return;
	args[0] = (long)r.rdi;
	args[1] = (long)r.rsi;
	args[2] = (long)f->rdx;
	args[3] = (long)r.r10;
	args[4] = (long)r.r8;
	args[5] = (long)r.r9;
	if (!user_fast_allowed(nr, args))
		return;
	ret = forward_call(&check, nr, (const uint64_t *)args);
	if (ret == -EINTR || ret == -DUNE_ENOTSTARTED)
		return;
	cpu->counts.user_fast++;
	f->rax = (uint64_t)ret;
	f->rip = r.rcx;
	f->rflags = (r.r11 & EFLAGS_USER_CHANGEABLE) | EFLAGS_USER_FIXED;
	f->cs = GD_UT | SEL_RPL3;
	f->ss = GD_UD | SEL_RPL3;
	/* a signal that came meanwhile: user code steps one instruction and
	 * the #DB lets it in (signals.c), as for a signal while it spins */
	if (__atomic_load_n(&cpu->sig_pending, __ATOMIC_SEQ_CST)) {
		cpu->sig_step = 1;
		f->rflags |= EFLAGS_TF;
	}
	cpu->hc_op = HC_DONE;
}
