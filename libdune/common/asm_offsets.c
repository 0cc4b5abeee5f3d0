/* build time - asm_offsets.c: every offset and constant the assembly
 * (guest/x86/entry.S, host/clone.S, host/forward_call.S,
 * common/raw_syscall.S) takes from C, generated from the structs and
 * headers themselves, never typed by hand.
 * Compiled to assembly only: the Makefile turns each "->NAME value" line
 * into #define NAME value in asm-offsets.h, which the .S files include.
 */
#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>

#include "common/percpu.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/descriptors.h"
#include "guest/x86/mm_syscalls.h"
#include "host/forward_call.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))
#define OFFSET(sym, type, field) DEFINE(sym, offsetof(type, field))

/* The ring-0 entry's frame on the IST stack, once it pushed rax and rbx
 * (entry.S trap_common): the hardware's frame above the stub's vector and
 * error code. */
struct trap_entry_frame {
	uint64_t rbx, rax, vec, err, rip, cs, rflags, rsp, ss;
};


void asm_offsets(void);
void asm_offsets(void)
{
	/* struct dune_state: the flags entry.S tests */
	OFFSET(STATE_DEPRIVILEGED, struct dune_state, deprivileged);
	OFFSET(STATE_USE_XSAVE, struct dune_state, use_xsave);
	OFFSET(STATE_XSAVE_MASK, struct dune_state, xsave_mask);

	/* struct dune_percpu, through %gs */
	OFFSET(CPU_SELF, struct dune_percpu, self);
	OFFSET(CPU_TRAP_SP, struct dune_percpu, trap_sp);
	OFFSET(CPU_TRAP_SP_LIMIT, struct dune_percpu, trap_sp_limit);
	OFFSET(CPU_HC_OP, struct dune_percpu, hc_op);
	OFFSET(CPU_HC_ARG0, struct dune_percpu, hc_args[0]);
	OFFSET(CPU_HC_ARG1, struct dune_percpu, hc_args[1]);
	OFFSET(CPU_HC_ARG2, struct dune_percpu, hc_args[2]);
	OFFSET(CPU_HC_ARG3, struct dune_percpu, hc_args[3]);
	OFFSET(CPU_HC_ARG4, struct dune_percpu, hc_args[4]);
	OFFSET(CPU_HC_ARG5, struct dune_percpu, hc_args[5]);
	OFFSET(CPU_HC_ARG6, struct dune_percpu, hc_args[6]);
	OFFSET(CPU_HC_RET, struct dune_percpu, hc_ret);
	OFFSET(CPU_TMP, struct dune_percpu, tmp);
	OFFSET(CPU_IN_USER, struct dune_percpu, in_user);
	OFFSET(CPU_DOORBELL, struct dune_percpu, doorbell);
	OFFSET(CPU_CR2, struct dune_percpu, cr2);
	OFFSET(CPU_CR2_PREV, struct dune_percpu, cr2_prev);
	OFFSET(CPU_VMCALL, struct dune_percpu, vmcall[0]);
	OFFSET(CPU_VMCALL_RCX, struct dune_percpu, vmcall[1]);
	OFFSET(CPU_VMCALL_R11, struct dune_percpu, vmcall[2]);
	OFFSET(CPU_FC_STATE, struct dune_percpu, fc_state);
	OFFSET(CPU_FC_NR, struct dune_percpu, fc_nr);
	OFFSET(CPU_FC_ARG0, struct dune_percpu, fc_args[0]);
	OFFSET(CPU_FC_ARG1, struct dune_percpu, fc_args[1]);
	OFFSET(CPU_FC_ARG2, struct dune_percpu, fc_args[2]);
	OFFSET(CPU_FC_ARG3, struct dune_percpu, fc_args[3]);
	OFFSET(CPU_FC_ARG4, struct dune_percpu, fc_args[4]);
	OFFSET(CPU_FC_ARG5, struct dune_percpu, fc_args[5]);
	OFFSET(CPU_FC_RET, struct dune_percpu, fc_ret);
	OFFSET(CPU_UFS, struct dune_percpu, ufs);
	OFFSET(CPU_KFS, struct dune_percpu, kfs);
	OFFSET(CPU_UCTX, struct dune_percpu, uctx);
	OFFSET(CPU_USER_TRAP_SP, struct dune_percpu, user_trap_sp);
	OFFSET(CPU_KCR3, struct dune_percpu, kcr3);
	OFFSET(CPU_UCR3, struct dune_percpu, ucr3);
	OFFSET(CPU_UGS, struct dune_percpu, ugs);
	OFFSET(CPU_IST_PAGE, struct dune_percpu, ist_page);
	OFFSET(CPU_SIG_STEP, struct dune_percpu, sig_step);

	/* struct callee_saved (cpu->enter, cpu->uctx) */
	OFFSET(CS_RBX, struct callee_saved, rbx);
	OFFSET(CS_RBP, struct callee_saved, rbp);
	OFFSET(CS_R12, struct callee_saved, r12);
	OFFSET(CS_R13, struct callee_saved, r13);
	OFFSET(CS_R14, struct callee_saved, r14);
	OFFSET(CS_R15, struct callee_saved, r15);
	OFFSET(CS_RSP, struct callee_saved, rsp);
	OFFSET(CS_RIP, struct callee_saved, rip);

	/* struct ist_head, at the bottom of the IST page */
	OFFSET(IST_PC, struct ist_head, cpu);
	OFFSET(IST_UVIEW_ON, struct ist_head, uview_on);
	OFFSET(IST_RING0, struct ist_head, ring0);
	OFFSET(IST_FAST_SET, struct ist_head, fast_set);

	/* struct dune_tf */
	OFFSET(TF_RCX, struct dune_tf, rcx);
	OFFSET(TF_R10, struct dune_tf, r10);
	OFFSET(TF_R11, struct dune_tf, r11);
	OFFSET(TF_RBX, struct dune_tf, rbx);
	OFFSET(TF_RAX, struct dune_tf, rax);
	OFFSET(TF_ERR, struct dune_tf, err);
	OFFSET(TF_RIP, struct dune_tf, rip);
	OFFSET(TF_CS, struct dune_tf, cs);
	OFFSET(TF_RFLAGS, struct dune_tf, rflags);
	OFFSET(TF_RSP, struct dune_tf, rsp);
	OFFSET(TF_SS, struct dune_tf, ss);
	DEFINE(TF_SIZE, sizeof(struct dune_tf));

	/* the ring-0 entry's frames */
	OFFSET(TEF_RBX, struct trap_entry_frame, rbx);
	OFFSET(TEF_RAX, struct trap_entry_frame, rax);
	OFFSET(TEF_VEC, struct trap_entry_frame, vec);
	OFFSET(TEF_ERR, struct trap_entry_frame, err);
	OFFSET(TEF_RIP, struct trap_entry_frame, rip);
	OFFSET(TEF_CS, struct trap_entry_frame, cs);
	OFFSET(TEF_RFLAGS, struct trap_entry_frame, rflags);
	OFFSET(TEF_RSP, struct trap_entry_frame, rsp);
	OFFSET(TEF_SS, struct trap_entry_frame, ss);
	/* uview_fault keeps rdx where trap_common keeps rbx: one shape */
	_Static_assert(sizeof(struct ist_syscall_frame) == sizeof(struct trap_entry_frame) &&
			       offsetof(struct ist_syscall_frame, rax) == offsetof(struct trap_entry_frame, rax) &&
			       offsetof(struct ist_syscall_frame, rip) == offsetof(struct trap_entry_frame, rip) &&
			       offsetof(struct ist_syscall_frame, ss) == offsetof(struct trap_entry_frame, ss),
		       "ist_syscall_frame");
	OFFSET(IRET_CS, struct iret_frame, cs);
	OFFSET(IRET_SS, struct iret_frame, ss);
	OFFSET(IRET_RFLAGS, struct iret_frame, rflags);

	/* struct forward_check (host/forward_call.S) */
	OFFSET(FWD_HOST_PENDING, struct forward_check, host_pending);
	OFFSET(FWD_HOST_UNKNOWN, struct forward_check, host_unknown);
	OFFSET(FWD_GUARD_PENDING, struct forward_check, guard_pending);
	OFFSET(FWD_GUARD_BLOCKED, struct forward_check, guard_blocked);
	DEFINE(DUNE_ENOTSTARTED, DUNE_ENOTSTARTED);

	/* struct kvm_regs (host_clone_native) */
	OFFSET(REGS_RBX, struct kvm_regs, rbx);
	OFFSET(REGS_RCX, struct kvm_regs, rcx);
	OFFSET(REGS_RDX, struct kvm_regs, rdx);
	OFFSET(REGS_RSI, struct kvm_regs, rsi);
	OFFSET(REGS_RDI, struct kvm_regs, rdi);
	OFFSET(REGS_RSP, struct kvm_regs, rsp);
	OFFSET(REGS_RBP, struct kvm_regs, rbp);
	OFFSET(REGS_R8, struct kvm_regs, r8);
	OFFSET(REGS_R9, struct kvm_regs, r9);
	OFFSET(REGS_R10, struct kvm_regs, r10);
	OFFSET(REGS_R11, struct kvm_regs, r11);
	OFFSET(REGS_R12, struct kvm_regs, r12);
	OFFSET(REGS_R13, struct kvm_regs, r13);
	OFFSET(REGS_R14, struct kvm_regs, r14);
	OFFSET(REGS_R15, struct kvm_regs, r15);

	/* constants of dune.h the assembly needs (dune.h itself is C) */
	DEFINE(GD_KT, GD_KT);
	DEFINE(GD_KD, GD_KD);
	DEFINE(GD_UD, GD_UD);
	DEFINE(GD_UT, GD_UT);
	DEFINE(T_DEBUG, T_DEBUG);
	DEFINE(T_ILLOP, T_ILLOP);
	DEFINE(T_GPFLT, T_GPFLT);
	DEFINE(T_PGFLT, T_PGFLT);
	DEFINE(FEC_U, FEC_U);
	DEFINE(SIGSEGV, SIGSEGV);
	DEFINE(SYSCALL_BITMAP_BITS, sizeof(dune_slow_syscalls) * 8);
	DEFINE(WORD_SIZE, sizeof(uint64_t));
	DEFINE(PGSIZE, PGSIZE);
	DEFINE(IDT_VECTORS, IDT_ENTRIES);
}

/* register slots at 8-byte offsets: emulate.c takes their addresses */
_Static_assert(offsetof(struct dune_tf, rax) % 8 == 0 && offsetof(struct dune_tf, rip) % 8 == 0,
	       "dune_tf slots");
/* what the hardware and the kernel fix, not C */
_Static_assert(sizeof(struct dune_tss) == 104, "TSS size");
_Static_assert(sizeof(struct trap_entry_frame) == 9 * 8, "IST frame");
/* the frame entry.S builds with pushes, lowest first: rdi .. rax, then
 * the hardware's part from err up */
_Static_assert(offsetof(struct dune_tf, rdi) == 0 && offsetof(struct dune_tf, rax) == 14 * 8 &&
	       offsetof(struct dune_tf, err) == 15 * 8 && sizeof(struct dune_tf) == 21 * 8,
	       "dune_tf as entry.S pushes it");
