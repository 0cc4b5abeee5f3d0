/* host half - the run loop of each thread in dune mode: runs its vCPU,
 * answers its hypercalls. Entered from assembly on the thread's host
 * stack; never returns. */
#ifndef LIBDUNE_RUN_LOOP_H
#define LIBDUNE_RUN_LOOP_H

#include "common/percpu.h"

/* __dune_enter (entry.S): the thread that called dune_enter */
void dune_host_main(struct dune_percpu *cpu) __attribute__((noreturn));
/* host_clone_raw (clone.S): a thread the guest cloned */
void dune_thread_main(struct dune_percpu *cpu) __attribute__((noreturn));

#endif
