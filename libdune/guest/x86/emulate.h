/* guest ring 0 - privileged instructions of a deprivileged program,
 * executed on its behalf (integer code only: -mgeneral-regs-only). */
#ifndef LIBDUNE_EMULATE_H
#define LIBDUNE_EMULATE_H

#include "dune.h"

/* entry.S, on #GP from the program: 1 if emulated (tf->rip moved on). */
int dune_emulate_privileged(struct dune_tf *tf);

#endif
