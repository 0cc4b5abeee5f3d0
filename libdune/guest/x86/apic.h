/* both halves - posted interrupts behind Dune's APIC API (apic.c). */
#ifndef LIBDUNE_APIC_H
#define LIBDUNE_APIC_H

#include "common/percpu.h"
#include "dune.h"

/* Posts vector to cpu; delivery is the target's business (host/vintr.c). */
int vintr_post(struct dune_percpu *cpu, unsigned vector);
/* The highest posted vector, taken, or -1. */
int vintr_take(struct dune_percpu *cpu);
int vintr_pending(const struct dune_percpu *cpu);

#endif
