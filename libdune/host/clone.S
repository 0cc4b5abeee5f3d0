/* host half - clone.S: the raw clone system calls of the host half, each
 * child on a stack of its own (clone.h). REGS_*: struct kvm_regs offsets
 * (asm-offsets.h).
 */
#include <sys/syscall.h>

#include "asm-offsets.h"
#include "common/x86.h"


	.text

/*
 * long host_clone_native(nr, flags, newsp, ptid, ctid, tls, struct kvm_regs *g)
 * Host side of clone/fork/vfork from the guest. The parent returns the
 * result. The child continues the guest's code natively, outside dune mode:
 * the guest's registers, its stack (or newsp), rax = 0, at the address its
 * syscall instruction would have returned to (rcx).
 */
	.globl host_clone_native
	.type host_clone_native, @function
host_clone_native:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov (7 * WORD_SIZE)(%rsp), %r12	/* g: above 6 pushes and the return address */
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	syscall
	test %rax, %rax
	jz 1f
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
1:	test %rsi, %rsi
	jnz 2f
	mov REGS_RSP(%r12), %rsi
2:	mov REGS_RCX(%r12), %rax	/* the guest's syscall return address:
					 * the vCPU itself stopped inside the stub */
	mov %rax, -WORD_SIZE(%rsi)
	mov %rsi, %rsp
	mov REGS_RBX(%r12), %rbx
	mov REGS_RCX(%r12), %rcx
	mov REGS_RDX(%r12), %rdx
	mov REGS_RSI(%r12), %rsi
	mov REGS_RDI(%r12), %rdi
	mov REGS_RBP(%r12), %rbp
	mov REGS_R8(%r12), %r8
	mov REGS_R9(%r12), %r9
	mov REGS_R10(%r12), %r10
	mov REGS_R11(%r12), %r11
	mov REGS_R13(%r12), %r13
	mov REGS_R14(%r12), %r14
	mov REGS_R15(%r12), %r15
	mov REGS_R12(%r12), %r12
	xor %eax, %eax
	jmp *-WORD_SIZE(%rsp)
	.size host_clone_native, .-host_clone_native

/*
 * long host_clone_raw(flags, host_stack_top, ptid, ctid, tls, cpu)
 * A new thread for a guest clone: the child starts its host half on its
 * own host stack in dune_thread_main(cpu).
 */
	.globl host_clone_raw
	.type host_clone_raw, @function
host_clone_raw:
	push %r12
	mov %r9, %r12		/* cpu: preserved across syscall */
	mov %rcx, %r10		/* ctid; flags, stack, ptid, tls are in place */
	mov $SYS_clone, %eax
	syscall
	test %rax, %rax
	jz 1f
	pop %r12
	ret
1:	xor %ebp, %ebp
	mov %r12, %rdi
	and $-STACK_ALIGN, %rsp
	call dune_thread_main
	ud2
	.size host_clone_raw, .-host_clone_raw

/* long fastcall_clone(flags, stack_top, tid_word, cpu): a server thread for cpu */
	.globl fastcall_clone
	.type fastcall_clone, @function
fastcall_clone:
	push %r12
	mov %rcx, %r12
	mov $SYS_clone, %eax	/* (flags, stack, ptid = tid_word, ctid = tid_word, 0) */
	mov %rdx, %r10
	xor %r8d, %r8d
	syscall
	test %rax, %rax
	jz 1f
	pop %r12
	ret
1:	xor %ebp, %ebp
	mov %r12, %rdi
	and $-STACK_ALIGN, %rsp
	call fastcall_server_main
	ud2
	.size fastcall_clone, .-fastcall_clone


	.section .note.GNU-stack,"",@progbits
