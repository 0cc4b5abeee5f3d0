/* guest ring 0 - entry.S: the ways into and out of guest ring 0 (system
 * calls, traps, user mode) and into the guest (__dune_enter).
 *
 * Every offset used here is checked against its C struct in asm_offsets.c.
 */
#include "asm-offsets.h"
#include "common/percpu.h"
#include "common/x86.h"

#ifndef T_DEBUG /* else `.if vector == T_DEBUG` below is silently false */
#error "T_DEBUG missing from asm-offsets.h"
#endif

#define USER_CS (GD_UT | SEL_RPL3)
#define USER_DS (GD_UD | SEL_RPL3)
/* the part of struct dune_tf the hardware pushes, from the error code up */
#define TF_HW_PART (TF_SIZE - TF_ERR)

#define T_USER_SYSCALL 256	/* trap_user_entry: a system call from user code */
#define FROM_UVIEW_BIT 62	/* in the vector: taken from the user view */

/* struct dune_tf, from rdi (lowest) up to rax, below the hardware frame */
.macro PUSH_TF_REGS
	push %rax
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbp
	push %rbx
	push %r11
	push %r10
	push %r9
	push %r8
	push %rcx
	push %rdx
	push %rsi
	push %rdi
.endm

.macro WRITE_LSTAR sym	/* clobbers rax, rcx, rdx */
	mov $MSR_LSTAR, %ecx
	lea \sym(%rip), %rax
	mov %rax, %rdx
	shr $32, %rdx
	wrmsr
.endm

/* While user code runs on a ring-0 guest, LSTAR is the user entry; while
 * the program runs (its handlers included), the program's own. */
.macro LSTAR_SAVING_REGS sym
	push %rax
	push %rcx
	push %rdx
	WRITE_LSTAR \sym
	pop %rdx
	pop %rcx
	pop %rax
.endm

.macro POP_TF_REGS
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %r8
	pop %r9
	pop %r10
	pop %r11
	pop %rbx
	pop %rbp
	pop %r12
	pop %r13
	pop %r14
	pop %r15
	pop %rax
.endm

/*
 * All of it in pages of its own: on a deprivileged guest these pages are
 * what user code must not run (its `syscall` jumps to LSTAR in ring 3; here
 * that faults), and what ring 0 needs under the user view (uview.c).
 */
	.section .text.dune_entry, "ax", @progbits
	.balign PGSIZE
	.globl dune_entry_text_start
dune_entry_text_start:

/*
 * int __dune_enter(struct dune_percpu *cpu, uintptr_t host_stack_top,
 *                  void *enter_state)
 * Records where the guest starts (our caller, with rax = 0) and moves this
 * thread's host half onto its own stack, where dune_host_main runs the vCPU.
 */
	.globl __dune_enter
	.type __dune_enter, @function
__dune_enter:
	mov %rbx, CS_RBX(%rdx)
	mov %rbp, CS_RBP(%rdx)
	mov %r12, CS_R12(%rdx)
	mov %r13, CS_R13(%rdx)
	mov %r14, CS_R14(%rdx)
	mov %r15, CS_R15(%rdx)
	lea WORD_SIZE(%rsp), %rax	/* the caller's rsp, past our return address */
	mov %rax, CS_RSP(%rdx)
	mov (%rsp), %rax
	mov %rax, CS_RIP(%rdx)
	mov %rsi, %rsp
	xor %ebp, %ebp
	call dune_host_main
	ud2
	.size __dune_enter, .-__dune_enter

/* void dune_host_return(void *enter_state, long ret): back to __dune_enter's
 * caller in host mode, returning ret (entering failed). */
	.globl dune_host_return
	.type dune_host_return, @function
dune_host_return:
	mov %rsi, %rax
	mov CS_RBX(%rdi), %rbx
	mov CS_RBP(%rdi), %rbp
	mov CS_R12(%rdi), %r12
	mov CS_R13(%rdi), %r13
	mov CS_R14(%rdi), %r14
	mov CS_R15(%rdi), %r15
	mov CS_RSP(%rdi), %rsp
	jmp *CS_RIP(%rdi)
	.size dune_host_return, .-dune_host_return

/*
 * SYSCALL from guest ring 0. FMASK clears TF, DF, AC and NT (boot.c); the
 * other flags are as the caller left them. The fast path touches no stack
 * (the caller's red zone survives): arguments go to the hypercall block,
 * `out` hands them to the host half.
 */
	.globl dune_syscall_entry
	.type dune_syscall_entry, @function
dune_syscall_entry:
	cmp $SYSCALL_BITMAP_BITS, %rax
	jae 1f
	bt %rax, dune_slow_syscalls(%rip)
	jc syscall_slow
	bt %rax, dune_fast_syscalls(%rip)
	jc syscall_fast
1:	mov %rax, %gs:CPU_HC_ARG0
	mov %rdi, %gs:CPU_HC_ARG1
	mov %rsi, %gs:CPU_HC_ARG2
	mov %rdx, %gs:CPU_HC_ARG3
	mov %r10, %gs:CPU_HC_ARG4
	mov %r8, %gs:CPU_HC_ARG5
	mov %r9, %gs:CPU_HC_ARG6
	movq $HC_SYSCALL, %gs:CPU_HC_OP
	mov %gs:CPU_DOORBELL, %rax
	movb %al, (%rax)
	.globl dune_syscall_stub_resume
dune_syscall_stub_resume:	/* where the vCPU stands during a forwarded call */
	mov %gs:CPU_HC_RET, %rax
	jmp *%rcx

/*
 * Thread-agnostic calls that cannot block, while this vCPU's fast-call
 * server is listening: hand them over through shared memory, no exit.
 * Otherwise (or if the server just went to sleep) the doorbell path.
 */
syscall_fast:
	cmpl $FC_POLLING, %gs:CPU_FC_STATE
	jne 1b
	mov %rax, %gs:CPU_FC_NR
	mov %rdi, %gs:CPU_FC_ARG0
	mov %rsi, %gs:CPU_FC_ARG1
	mov %rdx, %gs:CPU_FC_ARG2
	mov %r10, %gs:CPU_FC_ARG3
	mov %r8, %gs:CPU_FC_ARG4
	mov %r9, %gs:CPU_FC_ARG5
	/* scratch: rax (saved above) and r11 (syscall clobbers it anyway);
	 * the caller's stack and red zone stay untouched */
	mov $FC_POLLING, %eax
	mov $FC_REQUEST, %r11d
	lock cmpxchg %r11d, %gs:CPU_FC_STATE
	jne syscall_fast_missed
	mov $FC_GUEST_SPINS, %r11d	/* the server has a few microseconds to pick it up */
2:	pause
	cmpl $FC_DONE, %gs:CPU_FC_STATE
	je 3f
	dec %r11d
	jnz 2b
	/* no CPU for the server right now: withdraw, unless it started */
	mov $FC_REQUEST, %eax
	mov $FC_POLLING, %r11d
	lock cmpxchg %r11d, %gs:CPU_FC_STATE
	je syscall_fast_missed
	mov $1, %r11d		/* it is running: wait for it */
	jmp 2b
3:	mov %gs:CPU_FC_RET, %rax
	movl $FC_POLLING, %gs:CPU_FC_STATE
	jmp *%rcx
syscall_fast_missed:
	mov %gs:CPU_FC_NR, %rax	/* the server left: take the doorbell */
	jmp 1b

/* System calls that change the address space: handled in C, which updates
 * the guest's view after the host call. Runs on the caller's stack below
 * its red zone, with the caller's FPU state saved around the C code. */
syscall_slow:
	lea -RED_ZONE_SIZE(%rsp), %rsp
	sub $TF_HW_PART, %rsp
	PUSH_TF_REGS
	mov %rsp, %rbx
	mov %rcx, TF_RIP(%rbx)
	mov %r11, TF_RFLAGS(%rbx)
	lea (TF_SIZE + RED_ZONE_SIZE)(%rbx), %rax
	mov %rax, TF_RSP(%rbx)
	movq $GD_KT, TF_CS(%rbx)
	movq $GD_KD, TF_SS(%rbx)
	movq $0, TF_ERR(%rbx)
	call fpu_save_below_rbx
	mov %rbx, %rdi
	call dune_syscall_slow
	call fpu_restore_at_rsp
	mov %rbx, %rsp
	POP_TF_REGS
	mov (TF_RIP - TF_ERR)(%rsp), %rcx
	mov (TF_RSP - TF_ERR)(%rsp), %rsp
	jmp *%rcx
	.size dune_syscall_entry, .-dune_syscall_entry

/*
 * FPU helpers for the paths above and below: the area sits under the frame
 * at %rbx, 64-byte aligned; the helpers are called with a return address on
 * top, so they move it. Clobber rax, rcx, rdx.
 */
	.type fpu_save_below_rbx, @function
fpu_save_below_rbx:
	pop %rcx			/* return address */
	lea -DUNE_XSAVE_SIZE(%rbx), %rsp
	and $-XSAVE_ALIGN, %rsp
	/* XRSTOR wants the header beyond XSTATE_BV zeroed */
	xor %eax, %eax
	hdr = XSAVE_LEGACY_SIZE
	.rept XSAVE_HEADER_SIZE / WORD_SIZE
	mov %rax, hdr(%rsp)
	hdr = hdr + WORD_SIZE
	.endr
	cmpb $0, dune_state+STATE_USE_XSAVE(%rip)
	je 1f
	push %rcx
	mov dune_state+STATE_XSAVE_MASK(%rip), %eax
	mov dune_state+STATE_XSAVE_MASK+4(%rip), %edx
	xsave64 WORD_SIZE(%rsp)	/* above the pushed return address */
	pop %rcx
	jmp *%rcx
1:	fxsave64 (%rsp)
	jmp *%rcx
	.size fpu_save_below_rbx, .-fpu_save_below_rbx

	.type fpu_restore_at_rsp, @function
fpu_restore_at_rsp:
	pop %rcx
	mov %rax, %r11			/* keep a C return value */
	cmpb $0, dune_state+STATE_USE_XSAVE(%rip)
	je 1f
	mov dune_state+STATE_XSAVE_MASK(%rip), %eax
	mov dune_state+STATE_XSAVE_MASK+4(%rip), %edx
	xrstor64 (%rsp)
	mov %r11, %rax
	jmp *%rcx
1:	fxrstor64 (%rsp)
	mov %r11, %rax
	jmp *%rcx
	.size fpu_restore_at_rsp, .-fpu_restore_at_rsp

/*
 * Exceptions: every vector arrives on IST1 (the interrupted stack may be
 * the program's, with a live red zone). The frame is copied to the next
 * free trap stack, so handlers can nest (a fault inside a fault handler)
 * up to TRAP_STACK_DEPTH deep.
 */
	.balign TRAP_STUB_SIZE
	.globl dune_trap_entries
dune_trap_entries:
vector = 0
	.rept IDT_VECTORS
	/* each stub at its place; .org fails if one outgrew TRAP_STUB_SIZE */
	.org dune_trap_entries + vector * TRAP_STUB_SIZE, 0xcc
	.if (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	.else
	pushq $0
	.endif
	pushq $vector
	.if vector == T_DEBUG
	jmp debug_entry
	.else
	jmp trap_common
	.endif
vector = vector + 1
	.endr

	.globl dune_trap_code_start
dune_trap_code_start:		/* no signal frames between here and the end */

/*
 * #DB. A SYSCALL made with TF set must not trap: FMASK clears TF, and the
 * CPU decides on the flags the instruction leaves (Xen's XSA-204). Some
 * emulators (Bochs) decide on the flags before it and raise the #DB at the
 * entry's first instruction, in ring 0 with the caller's GS and stack: the
 * entry cannot run from there, so the trap is dropped as hardware would
 * never have raised it. Every other #DB goes on.
 */
debug_entry:			/* IST: vec err rip cs rflags rsp ss */
	testb $SEL_RPL3, (TEF_CS - TEF_VEC)(%rsp)
	jnz trap_common
	push %rax
	lea dune_user_syscall_entry(%rip), %rax
	cmp %rax, (TEF_RIP - TEF_RAX)(%rsp)
	je 1f
	lea dune_syscall_entry(%rip), %rax
	cmp %rax, (TEF_RIP - TEF_RAX)(%rsp)
	je 1f
	pop %rax
	jmp trap_common
1:	pop %rax
	add $(TEF_RIP - TEF_VEC), %rsp
	iretq

trap_common:			/* IST: vec err rip cs rflags rsp ss */
	/* from user code under the user view (deprivileged guests): only
	 * this page, the IST page and the per-CPU page are mapped there */
	push %rax
	mov %rsp, %rax
	and $-PGSIZE, %rax
	cmpq $0, IST_UVIEW_ON(%rax)
	jne trap_leave_uview
	pop %rax
trap_common_program:
	/* from user code (ring 3 on a ring-0 guest): libdune's GS and the
	 * program's FS first */
	cmpb $0, dune_state+STATE_DEPRIVILEGED(%rip)
	jne flush_gate_check
	testb $SEL_RPL3, (TEF_CS - TEF_VEC)(%rsp)
	jz 0f
	swapgs
	push %rax
	rdfsbase %rax
	mov %rax, %gs:CPU_UFS
	mov %gs:CPU_KFS, %rax
	wrfsbase %rax
	pop %rax
	LSTAR_SAVING_REGS dune_syscall_entry
trap_program:
0:	push %rax
	push %rbx		/* IST: rbx rax vec err rip cs rflags rsp ss */
	mov %rsp, %rbx
	cmpb $T_PGFLT, TEF_VEC(%rbx)	/* the low byte: the vector may carry FROM_UVIEW */
	jne 1f
	mov %gs:CPU_CR2, %rax	/* the fault this one may interrupt */
	mov %rax, %gs:CPU_CR2_PREV
	mov %cr2, %rax		/* before anything can fault again */
	mov %rax, %gs:CPU_CR2
1:	mov %gs:CPU_TRAP_SP, %rax
	cmp %gs:CPU_TRAP_SP_LIMIT, %rax
	jbe trap_overflow
	subq $TRAP_STACK_SIZE, %gs:CPU_TRAP_SP
	mov %rax, %rsp
	pushq TEF_SS(%rbx)
	pushq TEF_RSP(%rbx)
	pushq TEF_RFLAGS(%rbx)
	pushq TEF_CS(%rbx)
	pushq TEF_RIP(%rbx)
	pushq TEF_ERR(%rbx)
	pushq TEF_RAX(%rbx)
	push %r15
	push %r14
	push %r13
	push %r12
	push %rbp
	pushq TEF_RBX(%rbx)
	push %r11
	push %r10
	push %r9
	push %r8
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	mov TEF_VEC(%rbx), %r12
	mov %rsp, %rbx		/* tf */
	cmpb $0, dune_state+STATE_DEPRIVILEGED(%rip)
	jne trap_deprivileged
	call fpu_save_below_rbx
	cld
	mov %rbx, %rdi
	mov %r12, %rsi
	call dune_trap_dispatch
	call fpu_restore_at_rsp
trap_return:
	mov %rbx, %rsp
	addq $TRAP_STACK_SIZE, %gs:CPU_TRAP_SP
	POP_TF_REGS
	add $(TF_RIP - TF_ERR), %rsp	/* error code: an iret frame is left */
	cmpb $0, dune_state+STATE_DEPRIVILEGED(%rip)
	jne 2f
	testb $SEL_RPL3, IRET_CS(%rsp)
	jz 1f
	cmpl $0, %gs:CPU_SIG_STEP	/* a signal came while ring 0 ran: step */
	je 4f
	orq $EFLAGS_TF, IRET_RFLAGS(%rsp)
4:	LSTAR_SAVING_REGS dune_user_syscall_entry
	push %rax		/* back to user code: its FS, its page table, its GS */
	mov %gs:CPU_UFS, %rax
	wrfsbase %rax
	cmpq $0, %gs:CPU_UCR3
	je 3f
	mov %gs:CPU_IST_PAGE, %rax
	movq $1, IST_UVIEW_ON(%rax)
	mov %gs:CPU_UCR3, %rax
	mov %rax, %cr3
3:	pop %rax
	swapgs
1:	iretq
2:	/* the program's frames say ring 0 (trap_deprivileged); it runs in 3 */
	testb $SEL_RPL3, IRET_CS(%rsp)
	jnz 1b
	movq $USER_CS, IRET_CS(%rsp)
	movq $USER_DS, IRET_SS(%rsp)
	iretq

/* A deprivileged program's TLB flush (dune_flush_gate): dropped here, at
 * once, and back past the gate. Through the privileged instruction it
 * would cost ten times the emulated instructions. rdi = start, rsi = end
 * (the gate is a function: both are scratch). */
flush_gate_check:		/* IST: vec err rip cs rflags rsp ss */
	cmpb $T_ILLOP, (%rsp)
	jne trap_program
	push %rax
	lea dune_flush_gate(%rip), %rax
	cmp %rax, (TEF_RIP - TEF_RAX)(%rsp)
	jne 9f
	mov %rsi, %rax
	sub %rdi, %rax
	cmp $(FLUSH_GATE_PAGES * PGSIZE), %rax
	ja 3f
2:	invlpg (%rdi)
	add $PGSIZE, %rdi
	cmp %rsi, %rdi
	jb 2b
	jmp 4f
3:	mov %cr3, %rax		/* a long range: everything */
	mov %rax, %cr3
4:	pop %rax
	add $(TEF_RIP - TEF_VEC), %rsp
	addq $UD2_SIZE, (%rsp)	/* past the gate: its `ret` */
	iretq
9:	pop %rax
	jmp trap_program

/* Trap from user code under the user view: GS from the IST page (user code
 * may have set its own), the user's FS and GS kept, the program's CR3 and
 * FS back, the vector tagged; then the ordinary path. rax = IST page. */
trap_leave_uview:		/* IST: rax vec err rip cs rflags rsp ss */
	cmpb $T_PGFLT, (TEF_VEC - TEF_RAX)(%rsp)
	je uview_fault
uview_leave:
	movq $0, IST_UVIEW_ON(%rax)
	cmpq $0, IST_RING0(%rax)
	jne 1f
	push %rcx
	push %rdx
	mov IST_PC(%rax), %rcx
	rdgsbase %rdx
	mov %rdx, CPU_UGS(%rcx)
	wrgsbase %rcx
	rdfsbase %rdx
	mov %rdx, %gs:CPU_UFS
	mov %gs:CPU_KFS, %rdx
	wrfsbase %rdx
	mov %gs:CPU_KCR3, %rdx
	mov %rdx, %cr3
	pop %rdx
	pop %rcx
	pop %rax
	btsq $FROM_UVIEW_BIT, (%rsp)
	jmp trap_common_program
1:	/* a ring-0 guest: the program's page table back; GS and FS as for
	 * any entry from ring 3 (swapgs) */
	push %rdx
	mov IST_PC(%rax), %rdx
	mov CPU_KCR3(%rdx), %rdx
	mov %rdx, %cr3
	pop %rdx
	pop %rax
	jmp trap_common_program

/*
 * A page fault from user code. At LSTAR it is a system call (a deprivileged
 * guest's `syscall` stays in ring 3, and LSTAR is not in the user view); one
 * whose number is in the IST page's fast set goes straight to the host
 * half from here, on the user view and the IST stack: no CR3 switch, no
 * trip to the handler. The host half reads the call from this frame and
 * the registers, and if the program's check says yes runs it and turns
 * the frame into the syscall's return (host/user_fast.c); else it
 * declines and the ordinary path takes the call. On PVM every instruction
 * here is emulated: keep it short. rax = IST page.
 */
uview_fault:			/* IST: rax vec err rip cs rflags rsp ss */
	push %rdx		/* struct ist_syscall_frame: rdx rax vec err ... */
	lea dune_syscall_entry(%rip), %rdx
	cmp %rdx, TEF_RIP(%rsp)
	jne 9f
	mov TEF_RAX(%rsp), %rdx	/* the call's number */
	cmp $SYSCALL_BITMAP_BITS, %rdx
	jae 9f
	bt %rdx, IST_FAST_SET(%rax)
	jnc 9f
	mov IST_PC(%rax), %rdx	/* mapped in the user view, supervisor-only */
	movq $HC_USER_SYSCALL, CPU_HC_OP(%rdx)
	mov CPU_DOORBELL(%rdx), %rdx
	movb %dl, (%rdx)	/* the host half runs it, or declines */
	mov IST_PC(%rax), %rdx
	cmpq $HC_DONE, CPU_HC_OP(%rdx)
	jne 9f
	pop %rdx
	pop %rax
	add $(TEF_RIP - TEF_VEC), %rsp
	iretq
9:	pop %rdx
	jmp uview_leave

/* Into user code under the user view: rbx = its frame on the trap stack
 * just above the current one. Runs in ring 0 with the program's CR3. */
uview_enter:
	movq $USER_CS, TF_CS(%rbx)	/* whatever a handler left there */
	movq $USER_DS, TF_SS(%rbx)
	andq $EFLAGS_USER_CHANGEABLE, TF_RFLAGS(%rbx)
	orq $EFLAGS_USER_FIXED, TF_RFLAGS(%rbx)
	cmpl $0, %gs:CPU_SIG_STEP	/* a signal came while ring 0 ran: step */
	je 1f
	orq $EFLAGS_TF, TF_RFLAGS(%rbx)
1:	mov %gs:CPU_UFS, %rax
	wrfsbase %rax
	mov %gs:CPU_IST_PAGE, %rax
	movq $1, IST_UVIEW_ON(%rax)
	mov %gs:CPU_UCR3, %rax
	mov %rax, %cr3
	mov %rbx, %rsp
	addq $TRAP_STACK_SIZE, %gs:CPU_TRAP_SP
	mov %gs:CPU_UGS, %rax
	wrgsbase %rax
	POP_TF_REGS
	add $(TF_RIP - TF_ERR), %rsp
	iretq

/*
 * Hosts whose ring 0 cannot use the FPU (PVM): the program runs in ring 3.
 * Here in ring 0 only integer code runs: privileged instructions the
 * program executed (#GP) are emulated, everything else is bounced to the
 * handlers in ring 3, on the same trap stack.
 */
trap_deprivileged:
	testb $SEL_RPL3, TF_CS(%rbx)
	jz trap_overflow	/* libdune's own ring-0 code faulted */
	btr $FROM_UVIEW_BIT, %r12
	jc trap_from_uview
	/* the program's own trap: it sees ring 0, as on every other host */
	movq $GD_KT, TF_CS(%rbx)
	movq $GD_KD, TF_SS(%rbx)
	cmp $T_PGFLT, %r12
	jne 1f
	andq $~FEC_U, TF_ERR(%rbx)
	/* a page its own table keeps from user mode: the program may */
	cld
	mov %rbx, %rdi
	and $-16, %rsp
	call dune_fixup_program_fault
	mov %rbx, %rsp
	test %eax, %eax
	jz trap_bounce
	/* done with: the fault it interrupted (a trap path's own) keeps its CR2 */
	mov %gs:CPU_CR2_PREV, %rax
	mov %rax, %gs:CPU_CR2
	jmp trap_return
1:	cmp $T_ILLOP, %r12	/* #UD: the gate? (#GP costs ~4x more here) */
	jne 2f
	lea dune_uview_gate(%rip), %rax
	cmp %rax, TF_RIP(%rbx)
	je uview_gate
	jmp trap_bounce
2:	cmp $T_GPFLT, %r12
	jne trap_bounce
	cld
	mov %rbx, %rdi
	and $-STACK_ALIGN, %rsp
	call dune_emulate_privileged
	mov %rbx, %rsp
	test %eax, %eax
	jnz trap_return
	jmp trap_bounce
/* The program asks to run user code: rbx at the gate held the user frame,
 * one trap stack up. This trap's own stack is done with. */
uview_gate:
	mov TF_RBX(%rbx), %rbx
	addq $TRAP_STACK_SIZE, %gs:CPU_TRAP_SP
	jmp uview_enter
trap_from_uview:
	cmp $T_PGFLT, %r12
	jne trap_bounce
	lea dune_syscall_entry(%rip), %rax
	cmp %rax, TF_RIP(%rbx)
	jne trap_bounce
	cmp %rax, %gs:CPU_CR2
	jne trap_bounce
	/* user code ran `syscall`: it stays in ring 3 here, and LSTAR is not
	 * in the user view; what the handler sees is the system call */
	mov TF_RCX(%rbx), %rax
	mov %rax, TF_RIP(%rbx)
	mov TF_R11(%rbx), %rax
	mov %rax, TF_RFLAGS(%rbx)
	mov TF_R10(%rbx), %rax	/* the fourth argument in the rcx slot too, */
	mov %rax, TF_RCX(%rbx)	/* where Dune's entry put it (ARG3) */
	movq $0, TF_ERR(%rbx)
	mov $T_USER_SYSCALL, %r12
trap_bounce:
	mov %rbx, %rax
	and $-STACK_ALIGN, %rax
	pushq $USER_DS
	push %rax
	pushq $EFLAGS_USER_FIXED
	pushq $USER_CS
	lea trap_user_entry(%rip), %rax
	push %rax
	iretq			/* rbx = tf and r12 = vector go along */
trap_user_entry:
	call fpu_save_below_rbx
	cld
	mov %rbx, %rdi
	cmp $T_USER_SYSCALL, %r12
	je 1f
	mov %r12, %rsi
	call dune_trap_dispatch
	jmp 2f
1:	call dune_user_syscall
2:	testb $SEL_RPL3, TF_CS(%rbx)
	jz 3f
	call uview_before_enter
3:	call fpu_restore_at_rsp
	testb $SEL_RPL3, TF_CS(%rbx)
	jz trap_return
	/* back to user code: CR3 needs ring 0 */
	.globl dune_uview_gate
dune_uview_gate:
	ud2			/* trap_deprivileged, rbx = the user frame */

/* A vector posted to this vCPU, started by the host half (host/vintr.c) as
 * an interrupt gate would, in the program's own ring: rbx = the frame of
 * the interrupted context on a trap stack, r12 = the vector. */
	.globl dune_vintr_entry
dune_vintr_entry:
	call fpu_save_below_rbx
	cld
	mov %rbx, %rdi
	mov %r12, %rsi
	call dune_vintr_dispatch
	call fpu_restore_at_rsp
	jmp trap_return

/* A vmcall as Dune's programs use it (rax = system call number, arguments
 * as for syscall; only rax changes), where libdune sees it: the host half
 * (dune.ko's exit) or the #UD path (KVM on AMD) put the resume address and
 * the caller's rcx and r11 in CPU_VMCALL and start here, in the program's
 * context. The stack below the red zone keeps them across the call, which
 * may run signal handlers that make vmcalls of their own. In the trap
 * code range: no signal frame lands before the state is on the stack. */
	.globl dune_vmcall_trampoline
	.type dune_vmcall_trampoline, @function
dune_vmcall_trampoline:
	lea -128(%rsp), %rsp
	pushq %gs:CPU_VMCALL
	pushq %gs:CPU_VMCALL_RCX
	pushq %gs:CPU_VMCALL_R11
	syscall
	pop %r11
	pop %rcx
	ret $128		/* to the resume address, then past the red zone */
	.size dune_vmcall_trampoline, .-dune_vmcall_trampoline

/* void dune_flush_gate(uintptr_t start, uintptr_t end): a deprivileged
 * program drops its translations of [start, end) (flush_gate_check) */
	.globl dune_flush_gate
	.type dune_flush_gate, @function
dune_flush_gate:
	ud2
	ret
	.size dune_flush_gate, .-dune_flush_gate

trap_overflow:
	/* handlers nested too deep, or a fault in libdune's ring-0 code */
	movq $HC_FATAL, %gs:CPU_HC_OP
	movq $SIGSEGV, %gs:CPU_HC_ARG0
	movq $1, %gs:CPU_HC_ARG1	/* why: the trap path itself failed */
	movq %rbx, %gs:CPU_HC_ARG2
	mov %gs:CPU_DOORBELL, %rax
	movb %al, (%rax)
	ud2

/*
 * SYSCALL from user code (dune_jump_to_user) on a ring-0 guest: ring 0, but
 * the user's stack, GS and FS. Onto a trap stack, then the C handler.
 */
	.globl dune_user_syscall_entry
dune_user_syscall_entry:
	swapgs
	mov %rsp, %gs:CPU_TMP
	mov %gs:CPU_IST_PAGE, %rsp	/* the program's page table back */
	cmpq $0, IST_UVIEW_ON(%rsp)
	je 1f
	movq $0, IST_UVIEW_ON(%rsp)
	mov %gs:CPU_KCR3, %rsp
	mov %rsp, %cr3
1:	mov %gs:CPU_TRAP_SP, %rsp
	subq $TRAP_STACK_SIZE, %gs:CPU_TRAP_SP
	pushq $USER_DS
	pushq %gs:CPU_TMP
	push %r11		/* rflags */
	pushq $USER_CS
	push %rcx		/* rip */
	pushq $0
	mov %r10, %rcx		/* the rcx slot: the fourth argument, as Dune's */
	PUSH_TF_REGS
	mov %rsp, %rbx
	rdfsbase %rax
	mov %rax, %gs:CPU_UFS
	mov %gs:CPU_KFS, %rax
	wrfsbase %rax
	WRITE_LSTAR dune_syscall_entry	/* the handler's own syscalls */
	call fpu_save_below_rbx
	cld
	mov %rbx, %rdi
	call dune_user_syscall
	call fpu_restore_at_rsp
	jmp trap_return

	.globl dune_trap_code_end
dune_trap_code_end:

/* void dune_pop_trap_frame(struct dune_tf *tf): every register from tf,
 * then iretq to its rip, rsp and rflags at the caller's own privilege
 * (tf's selectors become the current ones; the frame itself is the stack
 * the iretq pops, as in Dune). Never returns. */
	.globl dune_pop_trap_frame
	.type dune_pop_trap_frame, @function
dune_pop_trap_frame:
	mov %cs, %eax
	mov %rax, TF_CS(%rdi)
	mov %ss, %eax
	mov %rax, TF_SS(%rdi)
	mov %rdi, %rsp
	POP_TF_REGS
	add $8, %rsp		/* error code */
	iretq
	.size dune_pop_trap_frame, .-dune_pop_trap_frame

/* int __dune_jump_to_user(struct dune_tf *tf): run tf in ring 3 until a
 * handler calls dune_ret_from_user(), which returns here with its value.
 * The frame goes where a trap from user code would have left it: the way
 * back to user code switches to the user view, where the program's stack
 * is not (trap_return on a ring-0 guest, the gate on a deprivileged one). */
	.globl __dune_jump_to_user
	.type __dune_jump_to_user, @function
__dune_jump_to_user:
	mov %rbx, %gs:CPU_UCTX+CS_RBX	/* dune_ret_from_user returns here */
	mov %rbp, %gs:CPU_UCTX+CS_RBP
	mov %r12, %gs:CPU_UCTX+CS_R12
	mov %r13, %gs:CPU_UCTX+CS_R13
	mov %r14, %gs:CPU_UCTX+CS_R14
	mov %r15, %gs:CPU_UCTX+CS_R15
	lea WORD_SIZE(%rsp), %rax
	mov %rax, %gs:CPU_UCTX+CS_RSP
	mov (%rsp), %rax
	mov %rax, %gs:CPU_UCTX+CS_RIP
	mov %gs:CPU_TRAP_SP, %rax
	mov %rax, %gs:CPU_USER_TRAP_SP
	rdfsbase %rax
	mov %rax, %gs:CPU_KFS
	movq $1, %gs:CPU_IN_USER
	movq $0, %gs:CPU_UGS
	mov %gs:CPU_TRAP_SP, %rbx
	subq $TRAP_STACK_SIZE, %gs:CPU_TRAP_SP
	sub $TF_SIZE, %rbx
	mov %rdi, %rsi
	mov %rbx, %rdi
	mov $(TF_SIZE / WORD_SIZE), %ecx
	cld
	rep movsq
	movq $USER_CS, TF_CS(%rbx)
	movq $USER_DS, TF_SS(%rbx)
	cmpb $0, dune_state+STATE_DEPRIVILEGED(%rip)
	je trap_return
	mov %rbx, %rsp
	jmp dune_uview_gate
	.size __dune_jump_to_user, .-__dune_jump_to_user

/* void __dune_ret_from_user(int ret): from a handler of user code's trap or
 * system call, back to where dune_jump_to_user was called. */
	.globl __dune_ret_from_user
	.type __dune_ret_from_user, @function
__dune_ret_from_user:
	movq $0, %gs:CPU_IN_USER
	mov %edi, %r8d
	cmpb $0, dune_state+STATE_DEPRIVILEGED(%rip)
	jne 1f			/* LSTAR never changes there */
	WRITE_LSTAR dune_syscall_entry
1:	mov %gs:CPU_USER_TRAP_SP, %rax
	mov %rax, %gs:CPU_TRAP_SP
	mov %gs:CPU_UCTX+CS_RBX, %rbx
	mov %gs:CPU_UCTX+CS_RBP, %rbp
	mov %gs:CPU_UCTX+CS_R12, %r12
	mov %gs:CPU_UCTX+CS_R13, %r13
	mov %gs:CPU_UCTX+CS_R14, %r14
	mov %gs:CPU_UCTX+CS_R15, %r15
	mov %gs:CPU_UCTX+CS_RSP, %rsp
	movslq %r8d, %rax
	jmp *%gs:CPU_UCTX+CS_RIP
	.size __dune_ret_from_user, .-__dune_ret_from_user

/* Run once at dune_init on a throwaway vCPU: can ring 0 use the FPU? */
	.globl dune_probe_fpu
dune_probe_fpu:
	pxor %xmm0, %xmm0
	movb %al, (%rax)
	ud2

	.balign PGSIZE
	.globl dune_entry_text_end
dune_entry_text_end:

	.section .note.GNU-stack,"",@progbits
