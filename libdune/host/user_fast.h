/* host half - user_fast.h: user code's system calls that ring 0 hands
 * over directly (HC_USER_SYSCALL). */
#ifndef LIBDUNE_USER_FAST_H
#define LIBDUNE_USER_FAST_H

#include "common/percpu.h"

/* Runs the call in cpu's hypercall block, or declines (hc_op untouched) */
void user_fast_syscall(struct dune_percpu *cpu);

#endif
