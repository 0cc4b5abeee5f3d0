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
int sig_restart_wanted(void);

#endif
