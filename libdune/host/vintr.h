/* host half - posted vectors into the guest (vintr.c). */
#ifndef LIBDUNE_VINTR_H
#define LIBDUNE_VINTR_H

#include "common/percpu.h"

/* Before the vCPU runs again: the highest posted vector's handler starts
 * (the rest follow in the guest), or a retry is arranged. */
void vintr_deliver(struct dune_percpu *cpu);

#endif
