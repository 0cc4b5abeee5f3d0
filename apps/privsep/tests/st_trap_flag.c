/* st_compromised with one attempt more: the trap flag set right before a
 * gate call. The gate must run whole from a frame of its own (RFLAGS.TF
 * clear). On VT-x/AMD-V a ring-3 `syscall` enters ring 0: until libdune's
 * FMASK cleared TF (libdune/guest/x86/boot.c) the entry was single-stepped
 * and the program hung in the SVM machine (2026-12-03); Bochs raises the
 * #DB at the entry even so, which libdune's #DB stub drops (entry.S). */
#define TRAP_FLAG_CASE 1
#define TEST_NAME "st_trap_flag"
#include "st_compromised.c"
