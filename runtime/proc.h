/* proc.h - the program's threads and processes: clone, fork, exit */
#ifndef DUNEBOX_PROC_H
#define DUNEBOX_PROC_H

#include <stdint.h>

#include "box.h"
#include "dune.h"

struct box_thread *box_thread_new(void);
long proc_clone(struct dune_tf *tf);
void proc_exit(struct dune_tf *tf, int group) __attribute__((noreturn));
long proc_arch_prctl(long code, long addr);
long proc_set_tid_address(uintptr_t addr);
void proc_exec_done(void);

#endif
