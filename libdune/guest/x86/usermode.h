/* guest ring 0 - user mode below the program (dune_jump_to_user). */
#ifndef LIBDUNE_USERMODE_H
#define LIBDUNE_USERMODE_H

#include "dune.h"

/* Every way back into user code after a handler passes here: the return
 * hook, and user selectors, interrupts on, no I/O privilege. */
void dune_before_user(struct dune_tf *tf);
/* entry.S: a system call from user code */
void dune_user_syscall(struct dune_tf *tf);
/* May the host half run user code's call nr straight from ring 0?
 * (dune_set_user_fast_syscalls: in the set and the program's check says
 * yes) */
int user_fast_allowed(long nr, const long args[6]);

#endif
