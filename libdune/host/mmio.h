/* host half - a guest access to guest-physical memory without a slot,
 * done by the host half on the host mapping behind it. */
#ifndef LIBDUNE_MMIO_H
#define LIBDUNE_MMIO_H

#include "host/hostside.h"

/* The access ex describes (up to 8 bytes): 0, or -EFAULT if any byte of
 * it has no host memory with the access's protection behind it. */
int host_mmio_access(struct vcpu_exit *ex);

#endif
