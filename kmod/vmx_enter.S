/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM entry and exit. dune_vmx_run(struct dune_entry *) (vmx_entry.h) writes
 * the guest's SPEC_CTRL if asked, loads the guest GPRs, clears CPU buffers
 * if asked and executes VMLAUNCH or VMRESUME; the CPU comes back at
 * dune_vmx_exit_point (HOST_RIP) with RSP as written to HOST_RSP here.
 * After an exit, before any RET that no CALL since the exit matches: RSB
 * refill and branch history clearing where the kernel does them on its own
 * VM exits (its FILL_RETURN_BUFFER / CLEAR_BRANCH_HISTORY_VMEXIT, patched by
 * its alternatives), and the host's SPEC_CTRL if asked. Returns 0 after a
 * VM exit, 1 on VMfailValid, 2 on VMfailInvalid. Interrupts disabled.
 */
#include <linux/linkage.h>
#include <asm/ibt.h>
#include <asm/msr-index.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#include "compat.h"
#include "vmx_entry.h"

#define G_RAX	0*8
#define G_RBX	1*8
#define G_RCX	2*8
#define G_RDX	3*8
#define G_RSI	4*8
#define G_RDI	5*8
#define G_RBP	7*8
#define G_R8	8*8
#define G_R9	9*8
#define G_R10	10*8
#define G_R11	11*8
#define G_R12	12*8
#define G_R13	13*8
#define G_R14	14*8
#define G_R15	15*8

#define VMCS_HOST_RSP	0x6c14

/*
 * %rdi = the entry. Loads the guest GPRs and enters; falls to .Lfail if the
 * entry fails. Only flag-neutral MOVs and VERW (it changes ZF alone) lie
 * between the BT and the branch on CF.
 */
.macro LOAD_GUEST_AND_ENTER verw:req
	btl $DUNE_ENTRY_RESUME_BIT, DUNE_ENTRY_FLAGS(%rdi)
	mov DUNE_ENTRY_GPRS(%rdi), %rdi
	mov G_RAX(%rdi), %rax
	mov G_RBX(%rdi), %rbx
	mov G_RCX(%rdi), %rcx
	mov G_RDX(%rdi), %rdx
	mov G_RSI(%rdi), %rsi
	mov G_RBP(%rdi), %rbp
	mov G_R8(%rdi), %r8
	mov G_R9(%rdi), %r9
	mov G_R10(%rdi), %r10
	mov G_R11(%rdi), %r11
	mov G_R12(%rdi), %r12
	mov G_R13(%rdi), %r13
	mov G_R14(%rdi), %r14
	mov G_R15(%rdi), %r15
	mov G_RDI(%rdi), %rdi
.if \verw
	/* the last memory access before the guest runs */
	verw x86_verw_sel(%rip)
.endif
	jc .Lresume_\@
	vmlaunch
	jmp .Lfail
.Lresume_\@:
	vmresume
	jmp .Lfail
.endm

/*
 * %rdi = the entry: IA32_SPEC_CTRL = the entry's 64-bit value at OFF if
 * FLAG is set in its flags. Clobbers %eax, %ecx, %edx.
 */
.macro WRITE_SPEC_CTRL_IF flag:req, off:req
	testl $\flag, DUNE_ENTRY_FLAGS(%rdi)
	jz .Lno_write_\@
	mov $MSR_IA32_SPEC_CTRL, %ecx
	mov \off(%rdi), %eax
	mov \off+4(%rdi), %edx
	wrmsr
.Lno_write_\@:
.endm

	.text
SYM_FUNC_START(dune_vmx_run)
	push %rbp
	mov %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdi			/* the entry, found again at the exit */

	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lfail_early

	/* no RET or indirect branch from here to the guest */
	WRITE_SPEC_CTRL_IF DUNE_ENTRY_SPEC_CTRL_GUEST, DUNE_ENTRY_SPEC_CTRL_GUEST_OFF

	UNWIND_HINT_SAVE
	testl $DUNE_ENTRY_VERW, DUNE_ENTRY_FLAGS(%rdi)
	jnz .Lenter_verw
	LOAD_GUEST_AND_ENTER verw=0
.Lenter_verw:
	LOAD_GUEST_AND_ENTER verw=1

SYM_INNER_LABEL(dune_vmx_exit_point, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	push %rdi			/* guest rdi */
	mov 8(%rsp), %rdi		/* the entry */
	mov DUNE_ENTRY_GPRS(%rdi), %rdi
	mov %rax, G_RAX(%rdi)
	mov %rbx, G_RBX(%rdi)
	mov %rcx, G_RCX(%rdi)
	mov %rdx, G_RDX(%rdi)
	mov %rsi, G_RSI(%rdi)
	mov %rbp, G_RBP(%rdi)
	mov %r8, G_R8(%rdi)
	mov %r9, G_R9(%rdi)
	mov %r10, G_R10(%rdi)
	mov %r11, G_R11(%rdi)
	mov %r12, G_R12(%rdi)
	mov %r13, G_R13(%rdi)
	mov %r14, G_R14(%rdi)
	mov %r15, G_R15(%rdi)
	pop G_RDI(%rdi)

	/* return addresses the guest planted must not reach the host's RETs */
	FILL_RETURN_BUFFER %rcx, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, X86_FEATURE_RSB_VMEXIT_LITE
	xor %ebx, %ebx			/* return value until the end */
	jmp .Lhost

.Lfail:
	/* VMfail: RSP intact, guest values in the GPRs; CF=1 invalid, ZF=1 valid */
	mov $2, %ebx
	jc .Lhost
	mov $1, %ebx
	jmp .Lhost
.Lfail_early:
	mov $2, %ebx
.Lhost:
	pop %rdi			/* the entry */
	WRITE_SPEC_CTRL_IF DUNE_ENTRY_SPEC_CTRL_HOST, DUNE_ENTRY_SPEC_CTRL_HOST_OFF
	/* nothing runs speculatively on the guest's SPEC_CTRL past the test above */
	lfence
	CLEAR_BRANCH_HISTORY_VMEXIT

	mov %ebx, %eax
	pop %rbx
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rbp
	/* the guest's values must not feed speculation in the host */
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	RET
SYM_FUNC_END(dune_vmx_run)

/*
 * Hand an NMI that caused a VM exit to the host's handler, through an
 * IRET frame as the CPU would build it (the handler's IRET also ends the
 * NMI blocking the exit left). Interrupts disabled.
 */
SYM_FUNC_START(dune_do_nmi)
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	call DUNE_HOST_NMI_ENTRY
	leave
	RET
SYM_FUNC_END(dune_do_nmi)
