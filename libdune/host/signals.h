/* host half - signals for programs in dune mode: noted by libdune's host
 * handler, delivered into the guest on frames the kernel would build. */
#ifndef LIBDUNE_SIGNALS_H
#define LIBDUNE_SIGNALS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ksigaction.h"
#include "common/percpu.h"
#include "dune.h"

int signals_init(void); /* handlers installed before dune_init are the guest's too */
long signals_sigaction(int sig, const struct dune_ksigaction *act, struct dune_ksigaction *oact);
/* The kick signal from anyone but libdune (kill, sigqueue): the program's
 * handler for it, or its default action (the kick handler calls this). */
void signals_foreign_kick(int sig, siginfo_t *info, void *ucv);
long signals_sigaltstack(struct dune_percpu *cpu, const void *ss, void *oss, uint64_t rsp);
/* Before the vCPU runs: the program's handler for each pending signal. */
void signals_deliver(struct dune_percpu *cpu, int after_syscall, long nr, long result);
long signals_sigreturn(struct dune_percpu *cpu);
/* After rt_sigreturn, with the same signal waiting again: 1 if it waits
 * for the next exit (a kick comes shortly) */
int signals_defer_repeat(struct dune_percpu *cpu);
/* A fault no dune handler took: 0 if the program's handler runs, -1 if not. */
int signals_fault(struct dune_percpu *cpu, int sig, struct dune_tf *tf, uint64_t cr2, int vec);
/* A fault the host half found (memfault.c): 0 if the program's handler
 * runs, -1 where Linux would end the process. */
int signals_host_fault(struct dune_percpu *cpu, int sig, int code, uint64_t addr);
/* sig comes as vector DUNE_SIGNAL_INTR_BASE + sig (on) or as a signal */
long signals_route(int sig, int on);
/* rt_sigprocmask from the guest: the program's mask, not the host's (which
 * also blocks the signals libdune holds until their frames are built) */
long signals_sigprocmask(struct dune_percpu *cpu, int how, const uint64_t *set, uint64_t *oset,
			 size_t size);
/* Before a call that copies the host's mask to another thread or image
 * (clone, fork, execve): the held signals go back to the program's mask. */
void signals_release_held(struct dune_percpu *cpu);
/* The guard the guest gave with its call, checked, or NULL */
const struct dune_call_guard *signals_call_guard(struct dune_percpu *cpu);
/* A forwarded call that did not start (-DUNE_ENOTSTARTED): stopped by the
 * guest's guard, or by a noted signal whose handler can start at the call? */
int signals_guard_fired(struct dune_percpu *cpu);
int signals_ready_at_call(struct dune_percpu *cpu);
int signals_suspend_now(struct dune_percpu *cpu, uint64_t newmask);
void signals_suspend_done(struct dune_percpu *cpu);
/* Is [addr, addr+len) mirrored memory with prot? (guest pointers, before
 * the host half dereferences them) */
int guest_range_ok(uint64_t addr, uint64_t len, int prot);

/* Where the vCPU stands (regs): may a frame be built for it? */
#define UNSAFE 0       /* in libdune's entry or trap code: soon out of it */
#define SAFE 1         /* in the program */
#define IN_USER_CODE 2 /* in user code below the program (dune_jump_to_user):
			* step it out with the trap flag, see cpu->sig_step */
int guest_at_safe_point(struct dune_percpu *cpu, const struct kvm_regs *regs);

#endif
