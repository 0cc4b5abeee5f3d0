/* host half - fork from dune mode: the child builds a VM of its own. */
#ifndef LIBDUNE_FORK_H
#define LIBDUNE_FORK_H

#include <stdint.h>

#include "common/percpu.h"

long host_fork(struct dune_percpu *cpu, unsigned long flags, uintptr_t newsp, uintptr_t ptid,
	       uintptr_t ctid, uintptr_t tls);

#endif
