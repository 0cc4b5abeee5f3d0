/* host half - memfault.h: a guest access the host could not back. */
#ifndef LIBDUNE_HOST_MEMFAULT_H
#define LIBDUNE_HOST_MEMFAULT_H

#include <linux/kvm.h>
#include <stdint.h>

/* The address the guest's faulting instruction (regs) touched, found among
 * its registers: 1 with *addr, or 0. */
int memfault_find(const struct kvm_regs *regs, uint64_t *addr);

#endif
