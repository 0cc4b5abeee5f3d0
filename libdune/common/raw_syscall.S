/* both halves - long raw_syscall6(nr, a0, a1, a2, a3, a4, a5): the
 * system call as the kernel sees it; errno is never touched. */
#include "asm-offsets.h"

	.text
	.globl raw_syscall6
	.type raw_syscall6, @function
raw_syscall6:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	mov WORD_SIZE(%rsp), %r9	/* the 7th argument: above the return address */
	syscall
	ret
	.size raw_syscall6, .-raw_syscall6

/* Where a signal handler libdune installed for itself returns: the
 * kernel's rt_sigreturn (x86-64 handlers need a restorer). */
	.globl raw_sigreturn
	.type raw_sigreturn, @function
raw_sigreturn:
	mov $15, %eax		/* SYS_rt_sigreturn */
	syscall
	ud2
	.size raw_sigreturn, .-raw_sigreturn

	.section .note.GNU-stack,"",@progbits
