/* host half - clone.S: the raw clone system calls of the host half, each
 * child on a stack of its own (clone.h). REGS_*: struct kvm_regs.
 */
#include <sys/syscall.h>

#include "common/percpu.h"

#define REGS_RAX 0
#define REGS_RBX 8
#define REGS_RCX 16
#define REGS_RDX 24
#define REGS_RSI 32
#define REGS_RDI 40
#define REGS_RSP 48
#define REGS_RBP 56
#define REGS_R8 64
#define REGS_R9 72
#define REGS_R10 80
#define REGS_R11 88
#define REGS_R12 96
#define REGS_R13 104
#define REGS_R14 112
#define REGS_R15 120
#define REGS_RIP 128

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
	mov 56(%rsp), %r12
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
	mov %rax, -8(%rsi)
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
	jmp *-8(%rsp)
	.size host_clone_native, .-host_clone_native

/*
 * long host_clone_raw(flags, host_stack_top, ptid, ctid, tls, pc)
 * A new thread for a guest clone: the child starts its host half on its
 * own host stack in dune_thread_main(pc).
 */
	.globl host_clone_raw
	.type host_clone_raw, @function
host_clone_raw:
	push %r12
	mov %r9, %r12		/* pc: preserved across syscall */
	mov %rcx, %r10		/* ctid; flags, stack, ptid, tls are in place */
	mov $SYS_clone, %eax
	syscall
	test %rax, %rax
	jz 1f
	pop %r12
	ret
1:	xor %ebp, %ebp
	mov %r12, %rdi
	and $-16, %rsp
	call dune_thread_main
	ud2
	.size host_clone_raw, .-host_clone_raw

/* long fastcall_clone(flags, stack_top, pc): a server thread for pc */
	.globl fastcall_clone
	.type fastcall_clone, @function
fastcall_clone:
	push %r12
	mov %rdx, %r12
	mov $SYS_clone, %eax	/* (flags, stack, 0, 0, 0) */
	xor %edx, %edx
	xor %r10d, %r10d
	xor %r8d, %r8d
	syscall
	test %rax, %rax
	jz 1f
	pop %r12
	ret
1:	xor %ebp, %ebp
	mov %r12, %rdi
	and $-16, %rsp
	call fastcall_server_main
	ud2
	.size fastcall_clone, .-fastcall_clone


	.section .note.GNU-stack,"",@progbits
