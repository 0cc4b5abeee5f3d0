/* host half - threads the guest clones, each in dune mode on a vCPU of
 * its own. */
#ifndef LIBDUNE_THREADS_H
#define LIBDUNE_THREADS_H

#include <stdint.h>

#include "common/percpu.h"

/* clone(CLONE_VM | CLONE_THREAD ...) from the guest: the child's tid, or
 * -errno. */
long host_clone_thread(struct dune_percpu *parent, unsigned long flags, uintptr_t newsp,
		       uintptr_t ptid, uintptr_t ctid, uintptr_t tls);

#endif
