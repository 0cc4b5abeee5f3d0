/* guest (both rings) - calls from the guest half to the host half of the
 * same thread: one doorbell write (protocol in common/percpu.h). */
#ifndef LIBDUNE_HYPERCALL_H
#define LIBDUNE_HYPERCALL_H

long hypercall(long op, long a0, long a1, long a2, long a3);
long hypercall_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/* a system call from library code: forwarded in the guest, direct on the host */
long dune_sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* the next forwarded call's guard (dune_passthrough_syscall_guarded), or
 * NULL; a signal frame built meanwhile keeps it for after the handler, so
 * the handler's own calls go unguarded */
struct dune_call_guard;
void hypercall_guard_next(const struct dune_call_guard *g);

#endif
