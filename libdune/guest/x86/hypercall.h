/* guest (both rings) - calls from the guest half to the host half of the
 * same thread: one doorbell write (protocol in common/percpu.h). */
#ifndef LIBDUNE_HYPERCALL_H
#define LIBDUNE_HYPERCALL_H

long hypercall(long op, long a0, long a1, long a2, long a3);
long hypercall_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/* a system call from library code: forwarded in the guest, direct on the host */
long dune_sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/* ends the process with sig, in either mode */
void dune_fatal_signal(int sig) __attribute__((noreturn));

#endif
