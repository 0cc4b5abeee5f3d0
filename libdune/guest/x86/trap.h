/* guest ring 0 - exceptions: the registered handlers, or the end. */
#ifndef LIBDUNE_TRAP_H
#define LIBDUNE_TRAP_H

#include <stdint.h>

#include "dune.h"

/* entry.S, with the frame on a trap stack */
void dune_trap_dispatch(struct dune_tf *tf, uint64_t vec);
/* every posted vector's handler on the interrupted frame tf (apic.c) */
void dune_vintr_run_posted(struct dune_tf *tf);
/* entry.S dune_vintr_entry: vec, then whatever else was posted */
void dune_vintr_dispatch(struct dune_tf *tf, uint64_t vec);
/* the handler registered for vec, or NULL */
dune_intr_cb dune_intr_handler(int vec);

#endif
