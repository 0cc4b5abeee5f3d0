/*
 * fork.c - fork from dune mode: the child continues in dune mode.
 *
 * KVM refuses a VM to any process but its creator, so the child builds its
 * own: the memory it inherits already holds libdune's whole bookkeeping
 * (layout, slots, page tables), so a new VM with the same slots and a vCPU
 * with the parent's state are all it takes.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

#include "host.h"
#include "internal.h"

static void rebuild_in_child(struct dune_percpu *pc, const struct vcpu_snapshot *snap)
{
	int r;

	vcpus_forget_others(pc);
	fastcall_stop(pc, 0); /* the parent's server thread is not ours */
	host->vcpu_destroy(pc);
	if ((r = host->vm_recreate()) < 0 || (r = slots_replay()) < 0 ||
	    (r = host->vcpu_create(pc)) < 0 || (r = host->vcpu_restore(pc, snap)) < 0) {
		dune_log("fork: the child cannot rebuild its virtual machine (error %d); "
			 "ending the child", -r);
		raw_syscall1(SYS_exit_group, 127);
	}
	pc->tid = (int)raw_syscall0(SYS_gettid);
}

long host_fork(struct dune_percpu *pc, unsigned long flags, uintptr_t ptid, uintptr_t ctid,
	       uintptr_t tls)
{
	struct vcpu_snapshot snap;
	long r;

	if (host->vcpu_save(pc, &snap) < 0)
		return -EIO;
	r = raw_syscall6(SYS_clone, (long)flags, 0, (long)ptid, (long)ctid, (long)tls, 0);
	if (r == 0)
		rebuild_in_child(pc, &snap);
	return r;
}
