/* host half - the kick: libdune's signal that makes a vCPU leave its run
 * (TLB shootdowns). It carries a cookie, so the same signal sent by anyone
 * else (the program's kill or sigqueue) stays the program's. */
#ifndef LIBDUNE_KICK_H
#define LIBDUNE_KICK_H

#include <signal.h>

void kick_init(void);                       /* a fresh cookie for this process */
int kick_is_libdunes(const siginfo_t *info);
void kick_thread(long pid, int tid);        /* the kick, to thread tid of pid */

struct dune_percpu;
/* The vCPU comes out of the guest shortly (100 us), whatever it runs: a
 * POSIX timer of the kick aimed at its thread */
void kick_soon(struct dune_percpu *cpu);
/* That timer goes (the thread ends or a fork child starts). */
void kick_forget_timer(struct dune_percpu *cpu);

#endif
