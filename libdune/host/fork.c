/* host half - fork.c: fork from dune mode: the child continues in dune mode.
 *
 * KVM refuses a VM to any process but its creator, so the child builds its
 * own: the memory it inherits already holds libdune's whole bookkeeping
 * (layout, slots, page tables), so a new VM with the same slots and a vCPU
 * with the parent's state are all it takes.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "host/fastcall.h"
#include "host/fork.h"
#include "host/hostside.h"
#include "host/vcpu_list.h"
#include "mm/mirror_lock.h"
#include "mm/slots.h"

/* In a forked child only the calling thread exists; the other vCPUs belong
 * to the parent's VM. */
static void forget_other_vcpus(struct dune_percpu *keep)
{
	for (unsigned i = 0; i < vcpu_list_len(); i++) {
		struct dune_percpu *cpu = vcpu_list_get(i);
		cpu->vintr_timer = -1; /* POSIX timers stay with the parent */
		if (cpu == keep)
			continue;
		dune_state.hostside->vcpu_destroy(cpu);
		cpu->state = VCPU_FREE;
		cpu->in_run = 0;
	}
}

static void rebuild_in_child(struct dune_percpu *cpu, const struct vcpu_snapshot *snap)
{
	int r;

	/* locks other threads held stay taken in the copy, and this thread's
	 * cached tid is its parent's */
	mirror_lock_after_fork();
	cpu->sig_pending = 0; /* a child starts with no signal pending */
	cpu->sig_deferred = 0;
	vcpu_list_after_fork();
	forget_other_vcpus(cpu);
	fastcall_stop(cpu, 0); /* the parent's server thread is not ours */
	dune_state.hostside->vcpu_destroy(cpu);
	if ((r = dune_state.hostside->vm_recreate()) < 0 || (r = slots_replay()) < 0 ||
	    (r = dune_state.hostside->vcpu_create(cpu)) < 0 || (r = dune_state.hostside->vcpu_restore(cpu, snap)) < 0) {
		dune_log("fork: the child cannot rebuild its virtual machine (error %d); "
			 "ending the child", -r);
		raw_syscall1(SYS_exit_group, 127);
	}
	cpu->tid = (int)raw_syscall0(SYS_gettid);
}

long host_fork(struct dune_percpu *cpu, unsigned long flags, uintptr_t newsp, uintptr_t ptid,
	       uintptr_t ctid, uintptr_t tls)
{
	struct vcpu_snapshot snap;
	long r;

	if (dune_state.hostside->vcpu_save(cpu, &snap) < 0)
		return -EIO;
	/* the child starts on the stack and with the TLS it was given (the
	 * guest's: the host half keeps its own) */
	if (newsp)
		snap.regs.rsp = newsp;
	if (flags & CLONE_SETTLS)
		snap.sregs.fs.base = tls;
	/* the child builds a VM of its own and lets go of ours: with a shared
	 * descriptor table it would close our VM and vCPUs under us, and
	 * ours would hold its VM; it gets a copy of the table instead */
	flags &= ~(unsigned long)(CLONE_FILES | CLONE_SETTLS);
	r = raw_syscall6(SYS_clone, (long)flags, 0, (long)ptid, (long)ctid, 0, 0);
	if (r == 0) {
		rebuild_in_child(cpu, &snap);
		if (tls && snap.sregs.fs.base == tls)
			cpu->fs_base = tls;
	}
	return r;
}
