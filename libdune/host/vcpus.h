/* host half - one vCPU per thread in dune mode, made or recycled. */
#ifndef LIBDUNE_VCPUS_H
#define LIBDUNE_VCPUS_H

#include "common/percpu.h"

int vcpus_init(void); /* the kick signal's handler */
/* A vCPU for the calling thread, or for a thread about to be created. */
struct dune_percpu *vcpu_get(void);
/* The calling thread is leaving (exit): park its vCPU for reuse. */
void vcpu_put(struct dune_percpu *cpu);

#endif
