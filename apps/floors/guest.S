/*
 * guest.S - the floors guest: a ring-0 dispatcher that runs one command at
 * a time in a loop (guest_layout.h), the ring-3 loops, and the exception
 * handlers. Copied to G_CODE by floors.c: kernel pages first (supervisor
 * only, LSTAR among them), then user pages. Integer code only (PVM's ring
 * 0 cannot run SSE), position independent apart from the fixed addresses
 * of guest_layout.h.
 */
#include "guest_layout.h"

#define MB(f) (G_MAILBOX + (f))
#define PTE_W 2
#define SCRATCH_PTE (G_PT + 8 * PTE_INDEX(G_SCRATCH))
#define NR_STUBS 32

	.section .rodata.floors_guest, "a", @progbits
	.balign 4096
	.globl floors_guest_start
floors_guest_start:

/* rsp = G_KSTACK_TOP, rflags = 0x202 (Bochs interrupts a nested guest only
 * while IF=1) */
	.globl floors_guest_entry
floors_guest_entry:
dispatch:
	out %al, $PORT_READY
	mov MB(MB_ITERS), %rdi
	mov MB(MB_CMD), %rax
	cmp $NR_CMDS, %rax
	jae bad_command
	lea cmd_table(%rip), %rdx
	movslq (%rdx, %rax, 4), %rax
	add %rdx, %rax
	call *%rax
	jmp dispatch
bad_command:
	movq $-1, MB(MB_FAIL_VEC)
	out %al, $PORT_FAIL
	jmp bad_command

	.balign 4
cmd_table:
	.long cmd_nop - cmd_table
	.long cmd_pio - cmd_table
	.long cmd_mmio - cmd_table
	.long cmd_cpuid - cmd_table
	.long cmd_syscall3 - cmd_table
	.long cmd_trap3 - cmd_table
	.long cmd_trap0 - cmd_table
	.long cmd_cr3 - cmd_table
	.long cmd_invlpg - cmd_table
	.long cmd_ptwrite - cmd_table
	.long cmd_ptwrite_only - cmd_table
	.long cmd_ptstore3 - cmd_table
	.long cmd_syscall3 - cmd_table	/* the host moved LSTAR */
	.long cmd_first_touch - cmd_table
	.long cmd_mmio3 - cmd_table

/* each command: rdi = iterations (may be 0) */
cmd_nop:
	ret

cmd_pio:
	test %rdi, %rdi
	jz 2f
1:	out %al, $PORT_FLOOR
	dec %rdi
	jnz 1b
2:	ret

cmd_mmio:
	test %rdi, %rdi
	jz 2f
1:	movb %al, G_MMIO
	dec %rdi
	jnz 1b
2:	ret

cmd_cpuid:
	push %rbx
	test %rdi, %rdi
	jz 2f
1:	xor %eax, %eax
	xor %ecx, %ecx
	cpuid
	dec %rdi
	jnz 1b
2:	pop %rbx
	ret

/* a not-present page: an int3 in ring 0 is an emulation failure on PVM,
 * and SVM intercepts every #UD; a #PF is left to the guest on both */
cmd_trap0:
	test %rdi, %rdi
	jz 2f
	.globl floors_trap0_load
floors_trap0_load:
1:	mov G_NOT_PRESENT, %rdx	/* pf_handler resumes at floors_trap0_next */
	.globl floors_trap0_next
floors_trap0_next:
	dec %rdi
	jnz 1b
2:	ret

cmd_cr3:
	mov %cr3, %rax
	test %rdi, %rdi
	jz 2f
1:	mov %rax, %cr3
	dec %rdi
	jnz 1b
2:	ret

cmd_invlpg:
	test %rdi, %rdi
	jz 2f
1:	invlpg G_SCRATCH
	dec %rdi
	jnz 1b
2:	ret

/* rdi times: toggle W in the scratch page's live entry (and with
 * flush_and_use, drop its translation and read through it); the entry as
 * it was afterwards */
.macro PT_LOOP flush_and_use=0
	mov SCRATCH_PTE, %rcx
	mov %rcx, %rax
	test %rdi, %rdi
	jz 2f
1:	xor $PTE_W, %rax
	mov %rax, SCRATCH_PTE
	.if \flush_and_use
	invlpg G_SCRATCH
	mov G_SCRATCH, %rdx
	.endif
	dec %rdi
	jnz 1b
2:	mov %rcx, SCRATCH_PTE
	invlpg G_SCRATCH
	ret
.endm

/* change the scratch page's entry, drop its translation and use it: what
 * changing one mapping costs, all included */
cmd_ptwrite:
	PT_LOOP flush_and_use=1

/* one store to each of rdi fresh pages, from ring 3 (where a deprivileged
 * program touches memory): the host's fault (EPT violation, shadow fault)
 * and its page allocation, nothing for the guest */
cmd_first_touch:
	lea user_touch_loop(%rip), %rax
	jmp enter_user

/* only the stores into the live table */
cmd_ptwrite_only:
	PT_LOOP

/* ring-3 loops: iretq there; user_done's #UD comes back here (ud_handler) */
cmd_syscall3:
	lea user_syscall_loop(%rip), %rax
	jmp enter_user
cmd_mmio3:
	lea user_mmio_loop(%rip), %rax
	jmp enter_user
cmd_ptstore3:
	lea user_ptstore_loop(%rip), %rax
	call enter_user_call
	invlpg G_SCRATCH	/* the loop left the entry as it found it */
	ret
enter_user_call:
	jmp enter_user
cmd_trap3:
	lea user_trap_loop(%rip), %rax
enter_user:
	mov %rsp, MB(MB_KSP)	/* on top: the dispatcher's return address */
	pushq $(SEL_UDATA | 3)
	pushq $G_USTACK_TOP
	pushq $0x202
	pushq $(SEL_UCODE | 3)
	push %rax
	iretq

/*
 * LSTAR. On VT-x/AMD-V a ring-3 `syscall` arrives here in ring 0 and
 * sysretq goes back. On PVM it stays in ring 3, and this page is
 * supervisor-only: the fetch faults, and pf_handler plays the syscall.
 */
	.globl floors_lstar
floors_lstar:
	incq MB(MB_LSTAR_RING0)
	sysretq

int3_handler:
	iretq

ud_handler:			/* err-less frame: rip cs rflags rsp ss */
	push %rax
	lea user_done(%rip), %rax
	cmp %rax, 8(%rsp)
	pop %rax
	jne 1f
	mov MB(MB_KSP), %rsp	/* the ring-3 loop is over */
	sti
	ret
1:	pushq $0
	pushq $6
	jmp fail_common

pf_handler:			/* err rip cs rflags rsp ss */
	push %rax
	lea floors_lstar(%rip), %rax	/* the syscall floor first: its path is the shortest */
	cmp %rax, 16(%rsp)
	jne 2f
	mov %cr2, %rax
	cmp %rax, 16(%rsp)
	jne 1f
	pop %rax
	add $8, %rsp
	mov %rcx, 0(%rsp)	/* the syscall's return: rip = rcx, rflags = r11 */
	mov %r11, 16(%rsp)
	movq $(SEL_UCODE | 3), 8(%rsp)
	movq $(SEL_UDATA | 3), 32(%rsp)
	incq MB(MB_LSTAR_FAULT)
	iretq
2:	lea floors_trap0_load(%rip), %rax
	cmp %rax, 16(%rsp)
	jne 1f
	lea floors_trap0_next(%rip), %rax	/* the ring-0 trap floor */
	mov %rax, 16(%rsp)
	pop %rax
	add $8, %rsp
	iretq
1:	pop %rax
	pushq $14
	jmp fail_common

fail_common:			/* vec err rip cs rflags rsp ss */
	pop %rax
	mov %rax, MB(MB_FAIL_VEC)
	pop %rax
	mov %rax, MB(MB_FAIL_ERR)
	pop %rax
	mov %rax, MB(MB_FAIL_RIP)
	mov %cr2, %rax
	mov %rax, MB(MB_FAIL_CR2)
1:	out %al, $PORT_FAIL
	jmp 1b

/* IDT stubs, 16 bytes apart: floors.c points vector v at stub v */
	.balign 16
	.globl floors_idt_stubs
floors_idt_stubs:
vector = 0
	.rept NR_STUBS
	.balign 16
	.if vector == 3
	jmp int3_handler
	.elseif vector == 6
	jmp ud_handler
	.elseif vector == 14
	jmp pf_handler
	.else
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	pushq $0
	.endif
	pushq $vector
	jmp fail_common
	.endif
vector = vector + 1
	.endr
	.balign 16
	.globl floors_idt_stubs_end
floors_idt_stubs_end:

/* ---- user pages ---- */
	.balign 4096
	.globl floors_guest_user
floors_guest_user:

/* LSTAR on a user page: on VT-x/AMD-V reached in ring 0 as ever; on PVM
 * in ring 3, which is what a deprivileged program's own syscall does */
	.globl floors_lstar_user
floors_lstar_user:
	incq MB(MB_LSTAR_USER)
	push %rax		/* the user's stack in either ring: a user page */
	mov %cs, %eax
	test $3, %al
	pop %rax
	jnz 1f
	sysretq
1:	push %r11
	popfq
	jmp *%rcx

user_syscall_loop:
	test %rdi, %rdi
	jz user_done
1:	syscall			/* clobbers rcx and r11: count in rdi */
	dec %rdi
	jnz 1b
user_done:
	ud2

/* stores into the live leaf table, as a deprivileged program's
 * dune_vm_mprotect does; an even count leaves the entry unchanged */
user_ptstore_loop:
	test %rdi, %rdi
	jz user_done
	mov SCRATCH_PTE, %rax
1:	xor $PTE_W, %rax
	mov %rax, SCRATCH_PTE
	dec %rdi
	jnz 1b
	jmp user_done

user_mmio_loop:
	test %rdi, %rdi
	jz user_done
1:	movb %al, G_MMIO
	dec %rdi
	jnz 1b
	jmp user_done

user_touch_loop:
	test %rdi, %rdi
	jz user_done
	mov $G_FRESH, %rax
1:	movb $1, (%rax)
	add $4096, %rax
	dec %rdi
	jnz 1b
	jmp user_done

user_trap_loop:
	test %rdi, %rdi
	jz user_done
1:	int3
	dec %rdi
	jnz 1b
	jmp user_done

	.balign 4096
	.globl floors_guest_end
floors_guest_end:

	.section .note.GNU-stack, "", @progbits
