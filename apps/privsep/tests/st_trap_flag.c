/* st_compromised with one attempt more: the trap flag set right before a
 * gate call. The gate must run whole from a frame of its own (RFLAGS.TF
 * clear). On this host (PVM) a ring-3 `syscall` stays in ring 3 and the
 * case passes. In the SVM machine (2026-12-03) the program hung until its
 * watchdog: with FMASK 0 (libdune/guest/x86/boot.c) a `syscall` from ring
 * 3 enters ring 0 with TF still set, and ring 0's entry is single-stepped.
 * A libdune fix (FMASK masking TF, at least for user code's entry) is
 * open; until then this program is left out of the machines' lists
 * (apps/privsep/privsep.mk). docs/privsep.md, "Open". */
#define TRAP_FLAG_CASE 1
#define TEST_NAME "st_trap_flag"
#include "st_compromised.c"
