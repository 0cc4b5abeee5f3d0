/* host half - forward_call.S: long forward_call(const struct forward_check
 * *c, long nr, const uint64_t args[6]). The kernel's own rule, for the
 * guest's calls: no blocking call starts while a signal waits. The check
 * of the pending words and the `syscall` are the range [forward_call_begin,
 * forward_call_end): a signal handled there is moved to not_started
 * (forward_call_interrupted), so none slips in between the two, and one that
 * ends a blocking call leaves rip at forward_call_end (-EINTR). */
#include "asm-offsets.h"

	.text
	.globl forward_call
	.type forward_call, @function
forward_call:
	push %rbx
	mov %rdi, %r11			/* c: r11 and rcx are scratch until syscall */
	mov %rsi, %rax
	mov %rdx, %rcx
	mov 0 * WORD_SIZE(%rcx), %rdi
	mov 1 * WORD_SIZE(%rcx), %rsi
	mov 2 * WORD_SIZE(%rcx), %rdx
	mov 3 * WORD_SIZE(%rcx), %r10
	mov 4 * WORD_SIZE(%rcx), %r8
	mov 5 * WORD_SIZE(%rcx), %r9
	.globl forward_call_begin
forward_call_begin:
	mov FWD_HOST_PENDING(%r11), %rcx
	mov (%rcx), %rcx
	and FWD_HOST_UNKNOWN(%r11), %rcx
	jnz not_started
	mov FWD_GUARD_PENDING(%r11), %rcx
	test %rcx, %rcx
	jz 1f
	mov (%rcx), %rcx
	mov FWD_GUARD_BLOCKED(%r11), %rbx
	mov (%rbx), %rbx
	not %rbx
	and %rbx, %rcx
	jnz not_started
1:	syscall
	.globl forward_call_end
forward_call_end:
	pop %rbx
	ret
	.globl forward_call_not_started
forward_call_not_started:
not_started:
	mov $-DUNE_ENOTSTARTED, %rax
	pop %rbx
	ret
	.size forward_call, .-forward_call

	.section .note.GNU-stack,"",@progbits
