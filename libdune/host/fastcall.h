/* host half - system calls without a VM exit: a server thread per vCPU
 * answers them from the per-CPU page while the guest spins. */
#ifndef LIBDUNE_FASTCALL_H
#define LIBDUNE_FASTCALL_H

#include <stdint.h>

#include "common/percpu.h"

extern uint8_t dune_fast_syscalls[64]; /* handed to the server (entry.S) */
extern int dune_fastcall_enabled;
void fastcall_init(void);
void fastcall_wake(struct dune_percpu *cpu);
void fastcall_after_exit(struct dune_percpu *cpu);
void fastcall_stop(struct dune_percpu *cpu, int server_exists);
int fastcall_is_fast(long nr);
/* fastcall_clone (clone.S): the server thread's first code */
void fastcall_server_main(struct dune_percpu *cpu) __attribute__((noreturn));

#endif
