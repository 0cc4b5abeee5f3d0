/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM entry and exit. dune_vmx_run(u64 *gprs, int launched) loads the guest
 * GPRs (dune.h GPR_* order, 8 bytes each) and executes VMLAUNCH or
 * VMRESUME; the CPU comes back at dune_vmx_exit_point (HOST_RIP) with RSP as
 * written to HOST_RSP here. Returns 0 after a VM exit, 1 on VMfailValid,
 * 2 on VMfailInvalid. Called with interrupts disabled.
 */
#include <linux/linkage.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

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

	.text
SYM_FUNC_START(dune_vmx_run)
	push %rbp
	mov %rsp, %rbp
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbx
	push %rdi			/* gprs, found again at the exit */

	mov $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lfail_early

	test %esi, %esi			/* ZF: 1 = launch; kept through the movs */
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
	jz .Llaunch

	UNWIND_HINT_SAVE
	vmresume
	jmp .Lfail
.Llaunch:
	vmlaunch
	jmp .Lfail

SYM_INNER_LABEL(dune_vmx_exit_point, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	push %rdi			/* guest rdi */
	mov 8(%rsp), %rdi		/* gprs */
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
	xor %eax, %eax
	jmp .Lout

.Lfail:
	/* VMfail: RSP intact, guest values in the GPRs; CF=1 invalid, ZF=1 valid */
	mov $2, %eax
	jc .Lout
	mov $1, %eax
	jmp .Lout
.Lfail_early:
	mov $2, %eax
.Lout:
	add $8, %rsp			/* gprs */
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
 * IRET frame as the CPU would build it. Interrupts disabled.
 */
SYM_FUNC_START(dune_do_nmi)
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	push $__KERNEL_DS
	push %rbp
	pushf
	push $__KERNEL_CS
	call asm_exc_nmi_noist
	leave
	RET
SYM_FUNC_END(dune_do_nmi)
