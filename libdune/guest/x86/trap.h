/* guest ring 0 - exceptions: the registered handlers, or the end. */
#ifndef LIBDUNE_TRAP_H
#define LIBDUNE_TRAP_H

#include <stdint.h>

#include "dune.h"

/* entry.S, with the frame on a trap stack */
void dune_trap_dispatch(struct dune_tf *tf, uint64_t vec);

#endif
