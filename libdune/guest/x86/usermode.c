/* guest ring 0 - usermode.c: ring 3 below the program: dune_jump_to_user runs code in
 * user mode; its system calls reach the handler registered with
 * dune_register_syscall_handler, its faults the pgflt and interrupt
 * handlers with the user's trap frame; dune_ret_from_user ends it.
 *
 * User code runs under a page table of its own, the user view (uview.c),
 * on every guest. On ring-0 guests (VT-x/AMD-V) the rest is ordinary x86:
 * SYSCALL to a user LSTAR, IRETQ, SWAPGS, FS switched with
 * rdfsbase/wrfsbase. On deprivileged guests (PVM) the program itself runs
 * in ring 3: user code's `syscall` jumps to LSTAR without leaving ring 3
 * and faults there, since LSTAR is not in the view; a gate (a privileged
 * instruction the ring-0 entry knows) switches to the view and back into
 * user code.
 */
#include <cpuid.h>
#include <errno.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/state.h"
#include "common/x86.h"
#include "dune.h"
#include "guest/x86/entry.h"
#include "guest/x86/usermode.h"
#include "guest/x86/uview.h"
#include "mm/mirror.h"

static dune_syscall_cb user_syscall_handler;

void dune_register_syscall_handler(dune_syscall_cb cb)
{
	user_syscall_handler = cb;
}

/* user code's system calls the host half may run without the handler */
static uint64_t user_fast_set[8];
static dune_user_fast_ok user_fast_ok;

void dune_set_user_fast_syscalls(const uint64_t set[8], dune_user_fast_ok ok)
{
	for (int i = 0; i < 8; i++)
		__atomic_store_n(&user_fast_set[i], set && ok ? set[i] : 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&user_fast_ok, set ? ok : NULL, __ATOMIC_SEQ_CST);
}

int user_fast_allowed(long nr, const long args[6])
{
	dune_user_fast_ok ok = __atomic_load_n(&user_fast_ok, __ATOMIC_SEQ_CST);
	if (nr < 0 || nr >= 512 || !ok)
		return 0;
	if (!((__atomic_load_n(&user_fast_set[nr / 64], __ATOMIC_SEQ_CST) >> (nr % 64)) & 1))
		return 0;
	return ok(nr, args);
}

static uint64_t read_fs_base(void)
{
	uint64_t v;
	asm volatile("rdfsbase %0" : "=r"(v));
	return v;
}

static int have_fsgsbase(void)
{
	unsigned a, b, c, d;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_FSGSBASE);
}

static const char *mechanism(void)
{
	if (dune_state.deprivileged)
		return "the user view (a page table of its own), syscall caught by a fault "
		       "at LSTAR, entered through a ring-0 gate";
	if (mirror_precise())
		return "the user view (a page table of its own) below ring 0: SYSCALL to a "
		       "user LSTAR, IRETQ";
	return "the program's own page table below ring 0 (Dune's full mapping): SYSCALL "
	       "to a user LSTAR, IRETQ";
}

int dune_jump_to_user(struct dune_tf *tf)
{
	static int said;
	struct ist_head *ist = (struct ist_head *)dune_self->ist_page;

	if (!dune_guest_mode)
		return -EINVAL;
	if (!have_fsgsbase()) {
		dune_log("dune_jump_to_user: the CPU has no FSGSBASE, which user mode needs "
			 "to switch FS and GS");
		return -ENOTSUP;
	}
	if (!said++)
		dune_dbg("user mode: %s", mechanism());
	if (!dune_self->ufs_set)
		dune_self->ufs = read_fs_base();
	/* user code gets interrupts on, no I/O privilege, no trap flag games */
	tf->rflags = (tf->rflags & EFLAGS_USER_CHANGEABLE) | EFLAGS_USER_FIXED;
	if (dune_self->uroot) {
		/* a table of the program's own: uview_before_enter */
	} else if (dune_state.deprivileged || mirror_precise()) {
		if (uview_init() < 0) {
			dune_log("dune_jump_to_user: no page-table memory for the user view");
			return -ENOMEM;
		}
	} else {
		/* a ring-0 guest with Dune's full mapping: user code runs under
		 * the table the program has loaded itself, PTE_U decides, and
		 * libdune's own pages have none */
		dune_self->ucr3 = 0;
	}
	uview_before_enter();
	ist->ring0 = !dune_state.deprivileged;
	/* ring 0's hint of what to hand over (the host half decides again);
	 * only where a syscall arrives as a fault at LSTAR (entry.S
	 * uview_fault): a ring-0 guest's own entry is cheap already */
	for (int i = 0; i < 8; i++)
		ist->fast_set[i] = dune_state.deprivileged
					   ? __atomic_load_n(&user_fast_set[i], __ATOMIC_SEQ_CST)
					   : 0;
	return __dune_jump_to_user(tf);
}

int dune_set_user_root(ptent_t *root)
{
	int r;

	if (!dune_guest_mode)
		return -EINVAL;
	if (!root) {
		dune_self->uroot = 0;
		/* what dune_jump_to_user picks by default, for a frame a
		 * handler returns to */
		if (dune_state.deprivileged || mirror_precise())
			return uview_init();
		dune_self->ucr3 = 0;
		return 0;
	}
	if (!dune_page_isfrompool(dune_va_to_pa(root)) ||
	    dune_pa_to_va(dune_va_to_pa(root)) != root)
		return -EINVAL;
	if ((r = uview_map_ring0(root)) < 0)
		return r;
	dune_self->uroot = (uint64_t)root;
	uview_before_enter();
	return 0;
}

void dune_set_user_fs(uint64_t base)
{
	dune_self->ufs = base;
	dune_self->ufs_set = 1;
}

uint64_t dune_get_user_fs(void)
{
	struct dune_percpu *cpu = dune_self;
	return cpu->ufs_set ? cpu->ufs : read_fs_base();
}

/* Where the trap entry saved user code's FPU state for the frame tf
 * (entry.S fpu_save_below_rbx): 64-byte aligned, below the frame. It is
 * loaded back when user code resumes. */
void *dune_user_fpu(struct dune_tf *tf, size_t *size, uint64_t *xcr0)
{
	*size = dune_state.use_xsave ? DUNE_XSAVE_SIZE : XSAVE_LEGACY_SIZE;
	*xcr0 = dune_state.use_xsave ? dune_state.xsave_mask : 0;
	return (void *)(((uintptr_t)tf - DUNE_XSAVE_SIZE) & ~(uintptr_t)(XSAVE_ALIGN - 1));
}

static void (*user_return_hook)(struct dune_tf *tf);

void dune_register_user_return_hook(void (*hook)(struct dune_tf *tf))
{
	user_return_hook = hook;
}

/* The trap entry's way out sets TF for it (entry.S), the #DB ends it
 * (trap.c), whatever the program's flags */
void dune_user_step(void)
{
	dune_self->sig_step = 1;
}

int dune_user_stepping(void)
{
	return dune_self->sig_step;
}

/* Every way back into user code after a handler passes here (trap.c, the
 * system call path below). */
void dune_before_user(struct dune_tf *tf)
{
	if ((tf->cs & 3) != 3)
		return;
	if (user_return_hook)
		user_return_hook(tf);
	/* whatever a handler did to the frame, it goes back to ring 3 with
	 * user selectors, interrupts on and no I/O privilege */
	tf->cs = GD_UT | 3;
	tf->ss = GD_UD | 3;
	tf->rflags = (tf->rflags & EFLAGS_USER_CHANGEABLE) | EFLAGS_USER_FIXED;
}

void dune_ret_from_user(int ret)
{
	__dune_ret_from_user(ret);
}

/* A system call from user code: the handler, or straight to the host. */
void dune_user_syscall(struct dune_tf *tf)
{
	if (user_syscall_handler)
		user_syscall_handler(tf);
	else
		dune_passthrough_syscall(tf);
	dune_before_user(tf);
}
