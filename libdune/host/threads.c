/* host half - threads.c: clone(CLONE_VM | CLONE_THREAD ...) from the guest: the new
 * thread runs in dune mode on a vCPU of its own, starting where the
 * parent's syscall returns (inside the syscall stub, which returns hc_ret =
 * 0 to it). Its host half starts in dune_thread_main (run_loop.c) on its
 * own host stack (clone.S).
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "common/percpu.h"
#include "common/state.h"
#include "guest/x86/boot.h"
#include "host/clone.h"
#include "host/hostside.h"
#include "host/threads.h"
#include "host/vcpus.h"
#include "mm/tlb.h"

long host_clone_thread(struct dune_percpu *parent, unsigned long flags, uintptr_t newsp,
		       uintptr_t ptid, uintptr_t ctid, uintptr_t tls)
{
	struct dune_percpu *cpu = vcpu_get();
	struct guest_boot *b;
	long r;

	if (!cpu)
		return -EAGAIN;
	b = &cpu->boot;
	memset(b, 0, sizeof(*b));
	if (dune_state.hostside->vcpu_get_regs(parent, &b->regs) < 0 ||
	    dune_state.hostside->vcpu_get_sregs(parent, &b->sregs) < 0) {
		vcpu_put(cpu);
		return -EIO;
	}
	guest_boot_msrs(b);
	b->regs.rsp = newsp ? newsp : b->regs.rsp;
	cpu->hc_ret = 0;
	cpu->fs_base = (flags & CLONE_SETTLS) ? tls : parent->fs_base;
	b->sregs.fs.base = cpu->fs_base;
	b->sregs.gs.base = (uint64_t)cpu;
	b->sregs.tr.base = (uint64_t)&cpu->tss;
	b->sregs.gdt.base = (uint64_t)cpu->gdt;
	/* the new thread starts on the table its parent runs on */
	cpu->prog_cr3 = dune_state.deprivileged ? parent->prog_cr3 : b->sregs.cr3;
	cpu->tlb_gen_done = tlb_generation();
	r = host_clone_raw(flags, cpu->host_stack + cpu->host_stack_size, ptid, ctid, tls, cpu);
	if (r < 0)
		vcpu_put(cpu);
	return r;
}
