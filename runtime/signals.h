/* signals.h - the program's signal handlers, run in ring 3 */
#ifndef DUNEBOX_SIGNALS_H
#define DUNEBOX_SIGNALS_H

#include <stdint.h>

#include "dune.h"

void sig_init(void);
long sig_syscall(struct dune_tf *tf, int *handled);
void sig_user_return(struct dune_tf *tf);
void sig_fault(struct dune_tf *tf, int sig, int code, uintptr_t addr, const char *what);
void sig_reset_on_exec(void);
/* A system call from user code ends the step after a handler returned
 * (sig_syscall's rt_sigreturn): its instruction ran, and the call starts
 * despite the waiting signal, as natively (one that blocks is ended by
 * the next signal); otherwise a storm would stop every call. */
void sig_syscall_entered(void);
int sig_restart_wanted(void);
/* Forwards the program's call (tf: rax, rdi..r9); it does not start while
 * the program has a signal to take: tf->rax is -DUNE_ENOTSTARTED then, and
 * the call is made again after the handler. */
void sig_forward(struct dune_tf *tf);

#endif
