/*
 * usermode.c - ring 3 below the program: dune_jump_to_user runs code in
 * user mode; its system calls reach the handler registered with
 * dune_register_syscall_handler, its faults the pgflt and interrupt
 * handlers with the user's trap frame; dune_ret_from_user ends it.
 *
 * On ring-0 guests (VT-x/AMD-V) this is ordinary x86: SYSCALL to a user
 * LSTAR, IRETQ, SWAPGS, FS switched with rdfsbase/wrfsbase. On deprivileged
 * guests (PVM) the program itself runs in ring 3: not available there yet.
 */
#include <cpuid.h>
#include <errno.h>

#include "internal.h"

extern dune_syscall_cb dune_user_syscall_handler;
int __dune_jump_to_user(struct dune_tf *tf);
void __dune_ret_from_user(int ret) __attribute__((noreturn));
void dune_user_syscall(struct dune_tf *tf);

static int have_fsgsbase(void)
{
	unsigned a, b, c, d;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_FSGSBASE);
}

int dune_jump_to_user(struct dune_tf *tf)
{
	if (!dune_guest_mode)
		return -EINVAL;
	if (dune_deprivileged || !have_fsgsbase()) {
		dune_log("dune_jump_to_user: user mode is not available on this host yet (%s)",
			 dune_deprivileged ? "the program itself runs in ring 3 here"
					   : "the CPU has no FSGSBASE");
		return -ENOTSUP;
	}
	/* user code gets interrupts on, no I/O privilege, no trap flag games */
	tf->rflags = (tf->rflags & 0xcd5) | 0x202;
	return __dune_jump_to_user(tf);
}

void dune_ret_from_user(int ret)
{
	__dune_ret_from_user(ret);
}

/* A system call from user code: the handler, or straight to the host. */
void dune_user_syscall(struct dune_tf *tf)
{
	if (dune_user_syscall_handler)
		dune_user_syscall_handler(tf);
	else
		dune_passthrough_syscall(tf);
}
