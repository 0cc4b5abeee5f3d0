/* user.S - what runs in ring 3, under a domain's table: the entry of
 * every sthread and gate call, and the private calls to ring 0. */

#define SYS_ST_RETURN 0x53540001
#define SYS_ST_CGATE 0x53540002

	.text
/* sthread_user_entry: rdi = fn, rsi = its first argument, rdx = its
 * second, rcx = 1 to reset the FPU with XRSTOR (else FXRSTOR). Nothing of
 * whoever ran on this vCPU before is left in the registers: the general
 * ones come from the frame ring 0 built, the FPU (SSE, AVX, AVX-512 and
 * the rest XCR0 enables) from its initial state. Then fn's value goes to
 * ring 0, which ends the sthread or the gate call. */
	.globl sthread_user_entry
	.type sthread_user_entry, @function
sthread_user_entry:
	mov %rdi, %r12
	mov %rsi, %r13
	mov %rdx, %r14
	test %rcx, %rcx
	jz 1f
	mov $-1, %eax
	mov $-1, %edx
	xrstor64 fpu_init_image(%rip)
	jmp 2f
1:	fxrstor64 fpu_init_image(%rip)
2:	xor %eax, %eax
	xor %edx, %edx
	mov %r13, %rdi
	mov %r14, %rsi
	xor %ebp, %ebp
	call *%r12
	mov %rax, %rdi
	mov $SYS_ST_RETURN, %eax
	syscall
	ud2
	.size sthread_user_entry, .-sthread_user_entry

/* long user_call3(long nr, long a0, long a1, long a2) */
	.globl user_call3
	.type user_call3, @function
user_call3:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	syscall
	ret
	.size user_call3, .-user_call3

/* long user_cgate(void *gate, const void *grants, long n, void *arg,
 *                 void **ret): the status in rax, the gate's value in rdx */
	.globl user_cgate
	.type user_cgate, @function
user_cgate:
	push %r8
	mov %rcx, %r10
	mov $SYS_ST_CGATE, %eax
	syscall
	pop %r8
	test %r8, %r8
	jz 1f
	mov %rdx, (%r8)
1:	ret
	.size user_cgate, .-user_cgate

/* the FPU's initial state, in the XSAVE layout: FCW 0x37f, MXCSR 0x1f80,
 * XSTATE_BV 0 (every component in its initial state) */
	.section .rodata
	.balign 64
fpu_init_image:
	.word 0x37f
	.fill 22, 1, 0
	.long 0x1f80
	.fill 512 - 28, 1, 0
	.fill 64, 1, 0
	.size fpu_init_image, .-fpu_init_image

	.section .note.GNU-stack, "", @progbits
