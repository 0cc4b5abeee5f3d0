/* build time - asm_offsets.c: the offsets the assembly uses, generated
 * from the C structs (never typed by hand). Compiled to assembly only; the
 * Makefile turns each "->NAME value" line into #define NAME value in
 * asm-offsets.h, which the .S files include.
 */
#include <linux/kvm.h>
#include <stddef.h>

#include "common/percpu.h"
#include "common/state.h"
#include "dune.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %c0\"" : : "i"(val))
#define OFFSET(sym, type, field) DEFINE(sym, offsetof(type, field))

#define CHECK(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field)

CHECK(struct dune_percpu, self, PC_SELF);
CHECK(struct dune_percpu, trap_sp, PC_TRAP_SP);
CHECK(struct dune_percpu, trap_sp_limit, PC_TRAP_SP_LIMIT);
CHECK(struct dune_percpu, hc_op, PC_HC_OP);
CHECK(struct dune_percpu, hc_args, PC_HC_ARG0);
CHECK(struct dune_percpu, hc_ret, PC_HC_RET);
CHECK(struct dune_percpu, tmp, PC_TMP);
CHECK(struct dune_percpu, in_user, PC_IN_USER);
CHECK(struct dune_percpu, doorbell, PC_DOORBELL);
CHECK(struct dune_percpu, cr2, PC_CR2);
CHECK(struct dune_percpu, fc_state, PC_FC_STATE);
CHECK(struct dune_percpu, fc_nr, PC_FC_NR);
CHECK(struct dune_percpu, fc_args, PC_FC_ARGS);
CHECK(struct dune_percpu, fc_ret, PC_FC_RET);
CHECK(struct dune_percpu, ufs, PC_UFS);
CHECK(struct dune_percpu, kfs, PC_KFS);
CHECK(struct dune_percpu, uctx, PC_UCTX);
CHECK(struct dune_percpu, user_trap_sp, PC_USER_TRAP_SP);
CHECK(struct dune_percpu, kcr3, PC_KCR3);
CHECK(struct dune_percpu, ucr3, PC_UCR3);
CHECK(struct dune_percpu, ugs, PC_UGS);
CHECK(struct dune_percpu, ist_page, PC_IST_PAGE);

CHECK(struct dune_tf, rax, 112);
CHECK(struct dune_tf, err, 120);
CHECK(struct dune_tf, rip, 128);
CHECK(struct dune_tf, cs, 136);
CHECK(struct dune_tf, rflags, 144);
CHECK(struct dune_tf, rsp, 152);
CHECK(struct dune_tf, ss, 160);
_Static_assert(sizeof(struct dune_tf) == 168, "dune_tf size");

CHECK(struct kvm_regs, rax, 0);
CHECK(struct kvm_regs, rbx, 8);
CHECK(struct kvm_regs, rcx, 16);
CHECK(struct kvm_regs, rdx, 24);
CHECK(struct kvm_regs, rsi, 32);
CHECK(struct kvm_regs, rdi, 40);
CHECK(struct kvm_regs, rsp, 48);
CHECK(struct kvm_regs, rbp, 56);
CHECK(struct kvm_regs, r8, 64);
CHECK(struct kvm_regs, r12, 96);
CHECK(struct kvm_regs, r15, 120);
CHECK(struct kvm_regs, rip, 128);

_Static_assert(sizeof(struct dune_tss) == 104, "TSS size");

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(STATE_DEPRIVILEGED, struct dune_state, deprivileged);
	OFFSET(STATE_USE_XSAVE, struct dune_state, use_xsave);
	OFFSET(STATE_XSAVE_MASK, struct dune_state, xsave_mask);
}
