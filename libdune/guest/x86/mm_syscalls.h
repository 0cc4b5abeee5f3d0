/* guest ring 0 - system calls that change the address space. */
#ifndef LIBDUNE_MM_SYSCALLS_H
#define LIBDUNE_MM_SYSCALLS_H

#include <stdint.h>

#include "dune.h"

extern uint8_t dune_slow_syscalls[64]; /* bitmap over numbers < 512 (entry.S) */
void syscall_init(void);
/* entry.S: a call in dune_slow_syscalls, with the caller's registers */
long dune_syscall_slow(struct dune_tf *tf);

#endif
