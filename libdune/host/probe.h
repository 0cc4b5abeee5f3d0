/* host half - what the guest CPU can do, probed at dune_init. */
#ifndef LIBDUNE_PROBE_H
#define LIBDUNE_PROBE_H

/* Sets dune_state.deprivileged: 1 where ring 0 cannot use the FPU (PVM).
 * 0 or -errno. */
int guest_probe_ring0_fpu(void);

#endif
