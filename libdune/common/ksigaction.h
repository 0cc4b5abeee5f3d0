/* both halves - the kernel's view of signals: struct dune_ksigaction
 * (dune.h) and signal masks, in which signal sig (1..64) is bit sig-1. */
#ifndef LIBDUNE_KSIGACTION_H
#define LIBDUNE_KSIGACTION_H

#include <signal.h>

#include "dune.h"

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

#define KSIG_BIT(sig) (1ULL << ((sig) - 1))

#endif
