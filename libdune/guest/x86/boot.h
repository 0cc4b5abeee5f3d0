/* guest ring 0 (built by the host half) - the state a vCPU boots with. */
#ifndef LIBDUNE_BOOT_H
#define LIBDUNE_BOOT_H

#include "common/percpu.h"

/* which FPU state the guest saves (dune_state.use_xsave, .xsave_mask) */
void guest_fpu_init(void);
/* The complete boot state: where __dune_enter recorded cpu->enter. */
void guest_boot_state(struct dune_percpu *cpu, struct guest_boot *boot);
/* The model-specific part: the same for every vCPU. */
void guest_boot_msrs(struct guest_boot *b);

#endif
