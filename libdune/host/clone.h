/* host half - the raw clone system calls of the host half (clone.S), each
 * child on a stack of its own. */
#ifndef LIBDUNE_CLONE_H
#define LIBDUNE_CLONE_H

#include <linux/kvm.h>
#include <stdint.h>

#include "common/percpu.h"

/* the child continues the guest's code natively, outside dune mode (a
 * child sharing our memory: vfork, posix_spawn) */
long host_clone_native(long nr, long flags, long newsp, long ptid, long ctid,
		       long tls, const struct kvm_regs *guest_regs);
/* the child starts dune_thread_main(cpu) on host_stack_top */
long host_clone_raw(unsigned long flags, uintptr_t host_stack_top, uintptr_t ptid,
		    uintptr_t ctid, uintptr_t tls, struct dune_percpu *cpu);
/* the child starts fastcall_server_main(cpu) on stack_top; tid_word gets
 * its tid (CLONE_PARENT_SETTID) and 0 when it exits (CLONE_CHILD_CLEARTID) */
long fastcall_clone(unsigned long flags, uintptr_t stack_top, volatile int *tid_word,
		    struct dune_percpu *cpu);

#endif
