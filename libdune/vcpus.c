/*
 * vcpus.c - one vCPU per thread in dune mode: allocation and recycling,
 * threads created by clone from the guest, and TLB shootdowns between vCPUs.
 *
 * A vCPU (and its per-CPU page and stacks) outlives its thread: KVM never
 * frees vCPUs before the VM, so a thread's exit parks them for the next
 * thread instead of leaking them.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "host.h"
#include "internal.h"

#define MAX_VCPUS 512
#define HOST_STACK_SIZE (256 * 1024)
enum { PC_FREE, PC_ACTIVE };

static struct dune_percpu *all[MAX_VCPUS];
static int nr_all;
static volatile int registry_lock;
static volatile uint64_t tlb_gen;
int dune_kick_signal;

static void reg_lock(void)
{
	while (!__sync_bool_compare_and_swap(&registry_lock, 0, 1))
		__builtin_ia32_pause();
}

static void reg_unlock(void)
{
	__atomic_store_n(&registry_lock, 0, __ATOMIC_RELEASE);
}

static void kick_handler(int sig)
{
	struct dune_percpu *pc = dune_self;
	(void)sig;
	/* the kick may land just before KVM_RUN: make that run return too */
	if (pc && pc->vcpu)
		host->vcpu_kick(pc);
}

int vcpus_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sa.sa_flags = SA_RESTART;
	dune_kick_signal = SIGRTMAX - 2;
	return sigaction(dune_kick_signal, &sa, NULL) ? -errno : 0;
}

static struct dune_percpu *percpu_map(void);

/* A new vCPU: the guest reaches its page and stacks through GS and the TSS,
 * so they are mirrored at once (adding entries is safe while others run). */
static struct dune_percpu *percpu_new(void)
{
	struct dune_percpu *pc;
	int r;

	/* mapping and mirroring are one step for the guest's threads */
	mirror_lock();
	pc = percpu_map();
	r = pc ? mirror_add((uintptr_t)pc, (uintptr_t)pc + DUNE_PERCPU_SIZE,
			    PROT_READ | PROT_WRITE) : -ENOMEM;
	if (r == 0)
		r = mirror_add(pc->stacks + PGSIZE, pc->stacks + pc->stacks_size,
			       PROT_READ | PROT_WRITE);
	/* GS and the TSS lead here from any ring: not for user code */
	if (r == 0)
		r = mirror_kernel_only((uintptr_t)pc, (uintptr_t)pc + DUNE_PERCPU_SIZE,
				       PROT_READ | PROT_WRITE, 1);
	if (r == 0)
		r = mirror_kernel_only(pc->stacks + PGSIZE, pc->stacks + pc->stacks_size,
				       PROT_READ | PROT_WRITE, 1);
	mirror_unlock();
	if (r < 0 || host->vcpu_create(pc) < 0)
		return NULL;
	return pc;
}

static struct dune_percpu *percpu_map(void)
{
	struct dune_percpu *pc;
	void *hstack;

	pc = mmap(NULL, DUNE_PERCPU_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hstack = mmap(NULL, HOST_STACK_SIZE + PGSIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pc == MAP_FAILED || hstack == MAP_FAILED)
		return NULL;
	mprotect(hstack, PGSIZE, PROT_NONE); /* guard */
	if (guest_percpu_init(pc) < 0)
		return NULL;
	pc->host_stack = (uintptr_t)hstack;
	pc->host_stack_size = HOST_STACK_SIZE + PGSIZE;
	return pc;
}

static int thread_gone(int tid)
{
	long pid = raw_syscall0(SYS_getpid);
	return tid <= 0 || raw_syscall3(SYS_tgkill, pid, tid, 0) == -ESRCH;
}

/* A vCPU for the calling thread, or for a thread about to be created. */
struct dune_percpu *vcpu_get(void)
{
	struct dune_percpu *pc = NULL;

	reg_lock();
	for (int i = 0; i < nr_all; i++)
		if (all[i]->state == PC_FREE && all[i]->vcpu && thread_gone(all[i]->tid)) {
			pc = all[i];
			break;
		}
	if (pc) {
		pc->state = PC_ACTIVE;
		pc->tid = 0;
		reg_unlock();
		guest_percpu_reset(pc);
		return pc;
	}
	reg_unlock();
	if (nr_all >= MAX_VCPUS || !(pc = percpu_new()))
		return NULL;
	pc->doorbell = dune_doorbell_va;
	pc->state = PC_ACTIVE;
	pc->tlb_gen_done = tlb_gen;
	reg_lock();
	all[nr_all++] = pc;
	reg_unlock();
	return pc;
}

/* The calling thread is leaving (exit): park its vCPU for reuse. */
void vcpu_put(struct dune_percpu *pc)
{
	pc->in_run = 0;
	__atomic_store_n(&pc->state, PC_FREE, __ATOMIC_RELEASE);
}

unsigned vcpus_active(void)
{
	unsigned n = 0;
	for (int i = 0; i < nr_all; i++)
		n += all[i]->state == PC_ACTIVE;
	return n;
}

/*
 * Every other vCPU must drop stale translations before the caller goes on.
 * A vCPU outside the guest flushes before it enters again; one inside is
 * kicked out of KVM_RUN with a signal and flushes in its host loop.
 */
void tlb_shootdown(void)
{
	struct dune_percpu *self = dune_self;
	uint64_t gen;
	long pid;

	if (nr_all < 2 || vcpus_active() < 2)
		return;
	gen = __atomic_add_fetch(&tlb_gen, 1, __ATOMIC_SEQ_CST);
	pid = dune_sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	for (int i = 0; i < nr_all; i++) {
		struct dune_percpu *pc = all[i];
		if (pc == self || pc->state != PC_ACTIVE)
			continue;
		if (pc->in_run && pc->tlb_gen_done < gen)
			dune_sys(SYS_tgkill, pid, pc->tid, dune_kick_signal, 0, 0, 0);
		for (int spins = 0; pc->in_run && pc->tlb_gen_done < gen && pc->state == PC_ACTIVE;
		     spins++) {
			__builtin_ia32_pause();
			/* more threads than CPUs: let the target run to answer */
			if (spins > 200)
				dune_sys(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
			/* a host side without an immediate-exit flag may miss a
			 * kick that lands just before its run: kick again */
			if (spins % 1000 == 999)
				dune_sys(SYS_tgkill, pid, pc->tid, dune_kick_signal, 0, 0, 0);
		}
	}
}

/* Host loop, before each entry and after a kick: honour shootdowns. */
void tlb_sync(struct dune_percpu *pc)
{
	uint64_t gen = __atomic_load_n(&tlb_gen, __ATOMIC_SEQ_CST);
	struct kvm_sregs s;

	if (pc->tlb_gen_done >= gen)
		return;
	/* rewriting the control registers makes the host drop every cached
	 * translation of this vCPU */
	if (host->vcpu_get_sregs(pc, &s) < 0)
		return;
	/* On a deprivileged (PVM) guest stopped in ring 0, writing the
	 * segment state back loses the ring-3 FS base: the vCPU will exit
	 * again soon (the initiator keeps kicking) and flush from ring 3. */
	if (dune_deprivileged && (s.cs.selector & 3) != 3)
		return;
	host->vcpu_set_sregs(pc, &s);
	pc->tlb_gen_done = gen;
}

/* ---- threads created from the guest ---- */

/* First code of a new thread's host half, on its own host stack. */
void dune_thread_main(struct dune_percpu *pc)
{
	dune_self = pc;
	dune_guest_mode = 0;
	pc->tid = (int)raw_syscall0(SYS_gettid);
	if (host->vcpu_boot(pc, &pc->boot) < 0) {
		dune_log("a new thread's vCPU refused its state; ending the process");
		host_die_signal(SIGSEGV);
	}
	host_loop(pc);
}

/*
 * clone(CLONE_VM | CLONE_THREAD ...) from the guest: the new thread runs in
 * dune mode on a vCPU of its own, starting where the parent's syscall
 * returns (inside the syscall stub, which returns hc_ret = 0 to it).
 */
long host_clone_thread(struct dune_percpu *parent, unsigned long flags, uintptr_t newsp,
		       uintptr_t ptid, uintptr_t ctid, uintptr_t tls)
{
	struct dune_percpu *pc = vcpu_get();
	struct guest_boot *b;
	long r;

	if (!pc)
		return -EAGAIN;
	b = &pc->boot;
	memset(b, 0, sizeof(*b));
	if (host->vcpu_get_regs(parent, &b->regs) < 0 ||
	    host->vcpu_get_sregs(parent, &b->sregs) < 0) {
		vcpu_put(pc);
		return -EIO;
	}
	guest_boot_msrs(b);
	b->regs.rsp = newsp ? newsp : b->regs.rsp;
	pc->hc_ret = 0;
	pc->fs_base = (flags & CLONE_SETTLS) ? tls : parent->fs_base;
	b->sregs.fs.base = pc->fs_base;
	b->sregs.gs.base = (uint64_t)pc;
	b->sregs.tr.base = (uint64_t)&pc->tss;
	b->sregs.gdt.base = (uint64_t)pc->gdt;
	pc->tlb_gen_done = tlb_gen;
	r = host_clone_raw(flags, pc->host_stack + pc->host_stack_size, ptid, ctid, tls, pc);
	if (r < 0)
		vcpu_put(pc);
	return r;
}

/* In a forked child only the calling thread exists; the other vCPUs belong
 * to the parent's VM. */
void vcpus_forget_others(struct dune_percpu *keep)
{
	for (int i = 0; i < nr_all; i++) {
		struct dune_percpu *pc = all[i];
		if (pc == keep)
			continue;
		host->vcpu_destroy(pc);
		pc->state = PC_FREE;
		pc->in_run = 0;
	}
}

/* debugging aid: nothing may unmap a vCPU's per-CPU page */
void vcpus_check_unmap(uintptr_t start, uintptr_t end, const char *who)
{
	if (!dune_debug)
		return;
	for (int i = 0; i < nr_all; i++) {
		uintptr_t p = (uintptr_t)all[i];
		if (p < end && p + DUNE_PERCPU_SIZE > start)
			dune_log("BUG: %s unmaps per-CPU page %p (range 0x%lx-0x%lx, guest %d)", who,
				 (void *)p, (unsigned long)start, (unsigned long)end, dune_guest_mode);
	}
}

void dune_get_call_stats(struct dune_call_stats *st)
{
	st->exit_calls = st->fast_calls = 0;
	for (int i = 0; i < nr_all; i++) {
		st->exit_calls += all[i]->exit_calls;
		st->fast_calls += all[i]->fast_calls;
	}
}

int dune_get_host_stats(struct dune_host_stats *st)
{
	int r;
	memset(st, 0, sizeof(*st));
	if (!host || !host->stats)
		return -ENOTSUP;
	if ((r = host->stats(NULL, st)) < 0)
		return r;
	for (int i = 0; i < nr_all; i++)
		if ((r = host->stats(all[i], st)) < 0)
			return r;
	return 0;
}
