/* guest ring 0 - what entry.S offers C: the ways into and out of ring 0. */
#ifndef LIBDUNE_ENTRY_H
#define LIBDUNE_ENTRY_H

#include <stdint.h>

#include "common/percpu.h"
#include "dune.h"

extern char dune_syscall_entry[];       /* LSTAR of guest ring 0 */
extern char dune_syscall_stub_resume[]; /* where a vCPU stands during a forwarded call */
extern char dune_entry_text_start[], dune_entry_text_end[]; /* entry.S's pages */
extern char dune_trap_entries[];        /* 256 stubs, TRAP_STUB_SIZE apart */
extern char dune_trap_code_start[], dune_trap_code_end[]; /* no signal frames here */
extern char dune_probe_fpu[];           /* the ring-0 FPU probe's guest code */
extern char dune_vintr_entry[];         /* a posted vector (host/vintr.c) */
extern char dune_vmcall_trampoline[];   /* a vmcall's system call (CPU_VMCALL) */

/* Records where the guest starts (the caller, returning 0) and moves the
 * host half onto host_stack_top, where dune_host_main runs the vCPU. */
int __dune_enter(struct dune_percpu *cpu, uintptr_t host_stack_top, void *enter_state);
/* back to __dune_enter's caller in host mode with ret (entering failed) */
void dune_host_return(void *enter_state, long ret) __attribute__((noreturn));
int __dune_jump_to_user(struct dune_tf *tf);
/* a deprivileged program's flush of [start, end) (ring 0 does it) */
void dune_flush_gate(uintptr_t start, uintptr_t end);
void __dune_ret_from_user(int ret) __attribute__((noreturn));

#endif
