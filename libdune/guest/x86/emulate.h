/* guest ring 0 - privileged instructions of a deprivileged program,
 * executed on its behalf (integer code only: -mgeneral-regs-only). */
#ifndef LIBDUNE_EMULATE_H
#define LIBDUNE_EMULATE_H

#include "dune.h"

/* entry.S, on #GP from the program: 1 if emulated (tf->rip moved on). */
int dune_emulate_privileged(struct dune_tf *tf);
/* A ring-0 guest's #GP/#UD from CR3_NOFLUSH or INVPCID (PCIDs turned on,
 * or the bit dropped): 1 if taken. */
int dune_emulate_pcid(struct dune_tf *tf);
/* entry.S, on a deprivileged program's #PF: 1 if it was a page its table
 * keeps from user mode (made reachable to the program alone). */
int dune_fixup_program_fault(struct dune_tf *tf);

#endif
