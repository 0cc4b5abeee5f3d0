/* host half - run_loop.c: the host half of a thread in dune mode: runs its
 * vCPU and answers the guest's hypercalls. It lives on a stack of its own
 * and uses raw system calls only: the guest half may hold libc locks, and
 * errno is shared with it through TLS.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "common/ksigaction.h"
#include "common/log.h"
#include "common/ownfd.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "common/x86.h"
#include "dune.h"
#include "guest/x86/boot.h"
#include "guest/x86/entry.h"
#include "host/clone.h"
#include "host/exit_stats.h"
#include "host/fastcall.h"
#include "host/fork.h"
#include "host/forward_call.h"
#include "host/hostside.h"
#include "host/kick.h"
#include "host/memfault.h"
#include "host/mmio.h"
#include "host/run_loop.h"
#include "host/signals.h"
#include "host/threads.h"
#include "host/user_fast.h"
#include "host/vintr.h"
#include "host/vcpus.h"
#include "mm/layout.h"
#include "mm/mirror.h"
#include "mm/procmap.h"
#include "mm/slots.h"
#include "mm/tlb.h"

static void dump_vcpu(struct dune_percpu *cpu)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (dune_state.hostside->vcpu_get_regs(cpu, &r) < 0 || dune_state.hostside->vcpu_get_sregs(cpu, &s) < 0)
		return;
	dune_log("rip 0x%llx rsp 0x%llx rflags 0x%llx cr2 0x%llx cr3 0x%llx",
		 r.rip, r.rsp, r.rflags, s.cr2, s.cr3);
	dune_log("rax 0x%llx rbx 0x%llx rcx 0x%llx rdx 0x%llx rsi 0x%llx rdi 0x%llx",
		 r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi);
}

static long arch_prctl(struct dune_percpu *cpu, long code, long addr)
{
	struct kvm_sregs s;
	long r = dune_state.hostside->vcpu_get_sregs(cpu, &s);
	if (r < 0)
		return r;
	switch (code) {
	case ARCH_SET_FS: /* the guest's FS only */
		s.fs.base = (uint64_t)addr;
		cpu->fs_base = (uint64_t)addr;
		return dune_state.hostside->vcpu_set_sregs(cpu, &s);
	case ARCH_GET_FS: /* the host half writes: only where the guest may */
		if (!guest_range_ok((uint64_t)addr, sizeof(uint64_t), PROT_WRITE))
			return -EFAULT;
		*(uint64_t *)addr = s.fs.base;
		return 0;
	case ARCH_SET_GS: /* GS belongs to libdune in ring 0 */
	case ARCH_GET_GS:
		return -EPERM;
	default:
		return raw_syscall6(SYS_arch_prctl, code, addr, 0, 0, 0, 0);
	}
}

/* The guest's call to the host kernel. It does not start while a signal is
 * noted (forward_call): the handler runs first, at the guest's call, which
 * then runs again. Where no handler can start now (libdune's own code is
 * mid-update), the call goes ahead despite those already noted. */
static long forward(struct dune_percpu *cpu, long nr, const uint64_t *args)
{
	const struct dune_call_guard *g = signals_call_guard(cpu);
	/* a storm's deferred tick does not stop a call (signals_defer_repeat) */
	struct forward_check c = { .host_pending = &cpu->sig_pending, .host_unknown = ~cpu->sig_deferred };

	if (g) {
		c.guard_pending = g->pending;
		c.guard_blocked = g->blocked;
	}
	for (;;) {
		long r = forward_call(&c, nr, args);
		if (r != -DUNE_ENOTSTARTED)
			return r;
		if ((c.guard_pending && signals_guard_fired(cpu)) || signals_ready_at_call(cpu))
			return r;
		c.host_unknown = ~cpu->sig_pending;
	}
}

/* A child sharing our memory (vfork, posix_spawn) continues the guest's
 * code natively. It takes the guest's registers once the parent has gone
 * on, so from a copy below the stack it starts on (past the red zone),
 * never from the parent's host stack, which the parent reuses meanwhile. */
static long clone_native(struct dune_percpu *cpu, long nr, const uint64_t *a)
{
	struct kvm_regs regs, *copy;
	uint64_t sp;

	if (dune_state.hostside->vcpu_get_regs(cpu, &regs) < 0)
		return -EIO;
	sp = (nr == SYS_clone && a[2]) ? a[2] : regs.rsp;
	copy = (struct kvm_regs *)((sp - RED_ZONE_SIZE - sizeof(*copy)) & ~(uint64_t)(sizeof(uint64_t) - 1));
	if (!guest_range_ok((uint64_t)copy, sizeof(*copy), PROT_WRITE))
		return -EFAULT;
	*copy = regs;
	if (nr == SYS_vfork)
		return host_clone_native(nr, 0, 0, 0, 0, 0, copy);
	return host_clone_native(nr, (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5],
				 copy);
}

static long host_syscall(struct dune_percpu *cpu)
{
	uint64_t *a = cpu->hc_args;
	long nr = (long)a[0];
	struct kvm_regs regs;

	/* libdune's own descriptors look closed to the program */
	if (ownfd_named(nr, a + 1))
		return -EBADF;
	switch (nr) {
	case SYS_close_range:
		return ownfd_close_range((unsigned)a[1], (unsigned)a[2], (unsigned)a[3]);
	case SYS_close: {
		long r = raw_syscall1(SYS_close, (long)a[1]);
		if (r == 0)
			ownfd_closed((int)a[1]);
		return r;
	}
	case SYS_getdents:
	case SYS_getdents64:
		return ownfd_getdents(nr, (int)a[1], (void *)a[2], (unsigned)a[3]);
	case SYS_rt_sigsuspend:
		/* a signal libdune took for the guest earlier, while the mask let
		 * it through, is still to come for the program: the host has
		 * nothing pending, so sigsuspend must not wait for it */
		if (a[2] == 8 && guest_range_ok(a[1], 8, PROT_READ) &&
		    signals_suspend_now(cpu, *(const uint64_t *)a[1]))
			return -EINTR;
		break;
	case SYS_clone:
		signals_release_held(cpu);
		if ((a[1] & CLONE_VM) && (a[1] & CLONE_THREAD))
			return host_clone_thread(cpu, a[1], a[2], a[3], a[4], a[5]);
		if (!(a[1] & CLONE_VM))
			return host_fork(cpu, a[1], a[2], a[3], a[4], a[5]);
		/* CLONE_VM without a thread (vfork, posix_spawn): the child
		 * shares our memory and bookkeeping, so it runs natively,
		 * outside dune mode, until it execs or exits */
		return clone_native(cpu, nr, a);
	case SYS_fork:
		signals_release_held(cpu);
		return host_fork(cpu, SIGCHLD, 0, 0, 0, 0);
	case SYS_vfork:
		signals_release_held(cpu);
		return clone_native(cpu, nr, a);
	case SYS_clone3:
		return -ENOSYS; /* libc falls back to clone */
	case SYS_memfd_secret:
		/* its pages leave the kernel's direct map, so KVM cannot map
		 * them into the guest and the first touch would end the
		 * process: answered as a kernel without secret memory does */
		return -ENOSYS;
	case SYS_arch_prctl:
		return arch_prctl(cpu, (long)a[1], (long)a[2]);
	case SYS_rt_sigaction:
		if ((a[2] && !guest_range_ok(a[2], sizeof(struct dune_ksigaction), PROT_READ)) ||
		    (a[3] && !guest_range_ok(a[3], sizeof(struct dune_ksigaction), PROT_WRITE)))
			return -EFAULT;
		if (a[4] != 8)
			return -EINVAL;
		return signals_sigaction((int)a[1], (const void *)a[2], (void *)a[3]);
	case SYS_rt_sigprocmask:
		return signals_sigprocmask(cpu, (int)a[1], (const uint64_t *)a[2], (uint64_t *)a[3],
					   (size_t)a[4]);
	case SYS_execve:
	case SYS_execveat:
		signals_release_held(cpu);
		break;
	case SYS_sigaltstack:
		if ((a[1] && !guest_range_ok(a[1], sizeof(stack_t), PROT_READ)) ||
		    (a[2] && !guest_range_ok(a[2], sizeof(stack_t), PROT_WRITE)))
			return -EFAULT;
		if (dune_state.hostside->vcpu_get_regs(cpu, &regs) < 0)
			return -EIO;
		return signals_sigaltstack(cpu, (const void *)a[1], (void *)a[2], regs.rsp);
	case SYS_exit_group:
		exit_stats_report();
		break;
	case SYS_exit:
		/* this thread ends; its vCPU waits for the next one */
		fastcall_stop(cpu, 1);
		kick_forget_timer(cpu);
		vcpu_put(cpu);
		break;
	}
	return forward(cpu, nr, a + 1);
}

static void handle_hypercall(struct dune_percpu *cpu)
{
	uint64_t *a = cpu->hc_args;
	struct host_vma v;

	if (cpu->hc_op < HC_OPS)
		cpu->counts.hypercalls[cpu->hc_op]++;
	switch (cpu->hc_op) {
	case HC_SYSCALL:
		if (a[0] == SYS_rt_sigreturn) {
			signals_sigreturn(cpu); /* restores hc_ret too */
			/* what the old mask held back (a storm's next tick:
			 * once the context restored has had a moment) */
			if (!signals_defer_repeat(cpu))
				signals_deliver(cpu, 0, 0, 0);
			return;
		}
		cpu->exit_calls++;
		cpu->hc_ret = host_syscall(cpu);
		if (dune_fastcall_enabled && fastcall_is_fast((long)a[0]))
			fastcall_after_exit(cpu);
		signals_deliver(cpu, 1, (long)a[0], cpu->hc_ret);
		signals_suspend_done(cpu);
		break;
	case HC_SIGNALS:
		cpu->hc_ret = 0;
		signals_deliver(cpu, 0, 0, 0);
		break;
	case HC_USER_SYSCALL:
		user_fast_syscall(cpu);
		break;
	case HC_EXIT_STATS:
		exit_stats_fill((struct dune_exit_stats *)a[0]);
		cpu->hc_ret = 0;
		break;
	case HC_SIGROUTE:
		cpu->hc_ret = signals_route((int)a[0], (int)a[1]);
		break;
	case HC_SIGFAULT:
		cpu->hc_ret = signals_fault(cpu, (int)a[0], (struct dune_tf *)a[2], a[3], (int)a[1]);
		break;
	case HC_SLOT_SET:
		cpu->hc_ret = dune_state.hostside->slot_set((uint32_t)a[0], a[1], a[2], a[3]);
		break;
	case HC_SLOT_BATCH:
		cpu->hc_ret = slots_run_batch((const struct slot_op *)a[0], (unsigned)a[1],
					      dune_state.hostside->slot_set);
		break;
	case HC_QUERY_VMA:
		cpu->hc_ret = procmap_find((uintptr_t)a[0], &v);
		if (cpu->hc_ret == 0) {
			a[1] = v.start;
			a[2] = v.end;
			a[3] = (uint64_t)v.prot;
		}
		break;
	case HC_FATAL:
		if (a[1] == 1) {
			dune_log("exception inside the trap path (trap stacks %s); ending the "
				 "process with SIGSEGV", cpu->trap_sp <= cpu->trap_sp_limit
				 ? "exhausted: handlers nested too deep" : "intact: a fault in ring 0");
			if (a[2]) { /* the frame on the interrupt stack */
				uint64_t *f = (uint64_t *)a[2];
				dune_log("last exception: vector %lu error 0x%lx at rip 0x%lx cs 0x%lx "
					 "rsp 0x%lx, cr2 0x%lx", (unsigned long)f[2], (unsigned long)f[3],
					 (unsigned long)f[4], (unsigned long)f[5], (unsigned long)f[7],
					 (unsigned long)cpu->cr2);
			}
			{
				ptent_t *pte = NULL;
				int prot = -1;
				int lr = dune_vm_lookup(pgroot, (void *)cpu->cr2, CREATE_NONE, &pte);
				int mr = mirror_lookup(cpu->cr2, &prot);
				dune_log("cr2 in pgroot: %d pte 0x%lx; mirrored %d prot %d; pa 0x%lx",
					 lr, lr ? 0UL : (unsigned long)*pte, mr, prot,
					 (unsigned long)dune_va_to_pa((void *)cpu->cr2));
			}
			dump_vcpu(cpu);
		}
		die_with_signal((int)a[0]);
	default:
		dune_log("unknown hypercall %lu from the guest", (unsigned long)cpu->hc_op);
		cpu->hc_ret = -ENOSYS;
	}
}

/* What ring 0 asked to be said (NOTE_*), once a process. */
static void say_notes(struct dune_percpu *cpu)
{
	static uint32_t said;
	uint32_t n = __atomic_exchange_n(&cpu->notes, 0, __ATOMIC_SEQ_CST) & ~said;

	said |= n;
	if (n & NOTE_NO_PCID)
		dune_log("CR3_NOFLUSH/PCIDs: this host offers no PCIDs to the guest; libdune "
			 "drops the no-flush bit and the PCID, so every CR3 load flushes");
}

/* dune.ko: the guest ran vmcall, RIP past it. Dune's programs make a system
 * call that way; the program's context runs it through the trampoline
 * (entry.S), so every call behaves as one made with syscall. User code
 * below the program gets no host call from it. */
static void vmcall_to_syscall(struct dune_percpu *cpu)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (dune_state.hostside->vcpu_get_regs(cpu, &r) < 0)
		return;
	if (!dune_state.deprivileged && cpu->in_user &&
	    dune_state.hostside->vcpu_get_sregs(cpu, &s) == 0 && (s.cs.selector & 3) == 3) {
		r.rax = (uint64_t)-ENOSYS;
	} else {
		cpu->vmcall[0] = r.rip;
		cpu->vmcall[1] = r.rcx;
		cpu->vmcall[2] = r.r11;
		r.rip = (uint64_t)dune_vmcall_trampoline;
	}
	dune_state.hostside->vcpu_set_regs(cpu, &r);
}

/* The guest touched memory the host cannot back: as Linux, SIGBUS at the
 * address for the program's handler (past a file's end), or the end. */
static void memfault(struct dune_percpu *cpu, const struct vcpu_exit *ex)
{
	struct kvm_regs r;
	uint64_t addr;

	if (dune_state.hostside->vcpu_get_regs(cpu, &r) == 0 && memfault_find(&r, &addr)) {
		if (signals_host_fault(cpu, SIGBUS, BUS_ADRERR, addr) == 0)
			return;
		dune_log("bus error at 0x%lx (rip 0x%llx): a file mapping touched past the "
			 "file's end; ending the process with SIGBUS", (unsigned long)addr, r.rip);
		die_with_signal(SIGBUS);
	}
	dune_log("the host could not back a guest access (gpa 0x%llx): a file mapping "
		 "touched past the file's end, or memory unmapped by another thread; ending "
		 "the process with SIGSEGV", (unsigned long long)ex->gpa);
	dump_vcpu(cpu);
	die_with_signal(SIGSEGV);
}

static void host_loop(struct dune_percpu *cpu) __attribute__((noreturn));
static void host_loop(struct dune_percpu *cpu)
{
	struct vcpu_exit ex;

	for (;;) {
		int r;
		vintr_deliver(cpu);
		cpu->in_run = 1;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		tlb_sync(cpu);
		dune_guest_mode = 1;
		r = dune_state.hostside->vcpu_run(cpu, &ex);
		dune_guest_mode = 0;
		cpu->in_run = 0;
		cpu->counts.runs++;
		if (cpu->notes)
			say_notes(cpu);
		if (r < 0) {
			dune_log("running the guest failed (error %d); ending the process", -r);
			die_with_signal(SIGSEGV);
		}
		switch (ex.kind) {
		case EXIT_HYPERCALL:
			handle_hypercall(cpu);
			break;
		case EXIT_INTR:
			cpu->counts.interrupts++;
			signals_deliver(cpu, 0, 0, 0);
			break;
		case EXIT_VMCALL:
			vmcall_to_syscall(cpu);
			break;
		case EXIT_RETRY:
			sched_yield();
			break;
		case EXIT_MMIO:
			if (ex.gpa == dune_state.doorbell_gpa) {
				handle_hypercall(cpu);
				break;
			}
			cpu->counts.mmio++;
			if (host_mmio_access(&ex) == 0)
				break;
			dune_log("guest access to guest-physical 0x%llx has no host memory "
				 "behind it; ending the process with SIGBUS",
				 (unsigned long long)ex.gpa);
			dump_vcpu(cpu);
			die_with_signal(SIGBUS);
		case EXIT_MEMFAULT:
			memfault(cpu, &ex);
			break;
		case EXIT_SHUTDOWN:
			dune_log("the guest triple-faulted (an exception while delivering "
				 "one); ending the process with SIGSEGV");
			dump_vcpu(cpu);
			die_with_signal(SIGSEGV);
		case EXIT_OTHER:
			dune_log("%s (code 0x%x); ending the process", ex.what ? ex.what : "exit",
				 ex.code);
			dump_vcpu(cpu);
			die_with_signal(SIGSEGV);
		}
	}
}

/* First code on the host stack (__dune_enter, entry.S): boot the vCPU
 * where __dune_enter recorded. */
void dune_host_main(struct dune_percpu *cpu)
{
	struct guest_boot boot;
	int r;

	guest_boot_state(cpu, &boot);
	r = dune_state.hostside->vcpu_boot(cpu, &boot);
	if (r < 0) {
		dune_log("the host refused the vCPU's boot state (error %d)", -r);
		dune_self = NULL;
		vcpu_put(cpu);
		dune_host_return(&cpu->enter, r);
	}
	if (dune_debug) {
		struct kvm_sregs sr;
		dune_state.hostside->vcpu_get_sregs(cpu, &sr);
		dune_log("thread %d enters dune mode on host side %s (cr0 0x%llx cr4 0x%llx "
			 "efer 0x%llx cs 0x%x)", cpu->tid, dune_state.hostside->name, sr.cr0, sr.cr4,
			 sr.efer, sr.cs.selector);
	}
	host_loop(cpu);
}

/* First code of a new thread's host half (host_clone_raw, clone.S). */
void dune_thread_main(struct dune_percpu *cpu)
{
	dune_self = cpu;
	dune_guest_mode = 0;
	cpu->tid = (int)raw_syscall0(SYS_gettid);
	if (dune_state.hostside->vcpu_boot(cpu, &cpu->boot) < 0) {
		dune_log("a new thread's vCPU refused its state; ending the process");
		die_with_signal(SIGSEGV);
	}
	host_loop(cpu);
}
