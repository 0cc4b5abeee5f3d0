/* host half - forward_call.h: a forwarded system call that does not start
 * once a signal is noted for the guest. */
#ifndef LIBDUNE_HOST_FORWARD_CALL_H
#define LIBDUNE_HOST_FORWARD_CALL_H

#include <stdint.h>

/* What stops the call: a bit of *host_pending outside host_known (a signal
 * libdune's host handler noted), or, with a guard, one of *guard_pending
 * outside *guard_blocked (a signal the guest's own code keeps for a
 * program of its own: dune_passthrough_syscall_guarded). */
struct forward_check {
	const volatile uint64_t *host_pending;
	uint64_t host_unknown;                  /* ~host_known */
	const volatile uint64_t *guard_pending; /* NULL: no guard */
	const volatile uint64_t *guard_blocked;
};

/* The system call nr(args[0..5]), or -DUNE_ENOTSTARTED if the check stops
 * it before the kernel saw it. The check and the call's entry are one step
 * as far as signals go: the host handler moves a thread it interrupts
 * between the two to the not-started exit (forward_call_interrupted). */
long forward_call(const struct forward_check *c, long nr, const uint64_t *args);

extern const char forward_call_begin[], forward_call_end[], forward_call_not_started[];

/* A signal noted at rip: where the thread goes on instead (rip itself
 * unless between the check and the kernel's entry). */
static inline uint64_t forward_call_interrupted(uint64_t rip)
{
	if (rip >= (uint64_t)forward_call_begin && rip < (uint64_t)forward_call_end)
		return (uint64_t)forward_call_not_started;
	return rip;
}

#endif
