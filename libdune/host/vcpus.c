/* host half - vcpus.c: one vCPU per thread in dune mode, made or recycled.
 *
 * A vCPU (and its per-CPU page and stacks) outlives its thread: KVM never
 * frees vCPUs before the VM, so a thread's exit parks them for the next
 * thread instead of leaking them (vcpu_list.c keeps them all).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "common/percpu.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/descriptors.h"
#include "host/forward_call.h"
#include "host/hostside.h"
#include "host/kick.h"
#include "host/signals.h"
#include "host/vcpu_list.h"
#include "host/vcpus.h"
#include "mm/mirror.h"
#include "mm/mirror_lock.h"
#include "mm/tlb.h"

#define HOST_STACK_SIZE (256 * 1024)

static void kick_handler(int sig, siginfo_t *info, void *uc)
{
	struct dune_percpu *cpu = dune_self;
	if (!kick_is_libdunes(info)) {
		/* the program's own use of the signal (kill, sigqueue...) */
		signals_foreign_kick(sig, info, uc);
		return;
	}
	/* the kick may land just before KVM_RUN: make that run return too */
	if (cpu && cpu->vcpu)
		dune_state.hostside->vcpu_kick(cpu);
	/* a forwarded call that started despite a deferred signal and
	 * blocks: it stops (restarted by SA_RESTART, so rip is back at its
	 * syscall) and the handler runs first (signals_defer_repeat) */
	if (cpu && (cpu->sig_deferred & cpu->sig_pending)) {
		greg_t *rip = &((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP];
		*rip = (greg_t)forward_call_interrupted((uint64_t)*rip);
	}
}

int vcpus_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = kick_handler;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	dune_state.kick_signal = SIGRTMAX - 2; /* a real-time signal programs rarely use */
	kick_init();
	return sigaction(dune_state.kick_signal, &sa, NULL) ? -errno : 0;
}

/* A vCPU's memory: its per-CPU page, its guest stacks (guest_percpu_init)
 * and its host half's stack. NULL, with nothing left mapped, on failure. */
static struct dune_percpu *percpu_map(void)
{
	struct dune_percpu *cpu;
	void *hstack;

	cpu = descriptor_area_map(DUNE_PERCPU_SIZE); /* its GDT, at an address that tells nothing */
	if (cpu == MAP_FAILED)
		return NULL;
	hstack = mmap(NULL, HOST_STACK_SIZE + PGSIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hstack == MAP_FAILED) {
		munmap(cpu, DUNE_PERCPU_SIZE);
		return NULL;
	}
	mprotect(hstack, PGSIZE, PROT_NONE); /* guard */
	if (guest_percpu_init(cpu) < 0) {
		munmap(hstack, HOST_STACK_SIZE + PGSIZE);
		munmap(cpu, DUNE_PERCPU_SIZE);
		return NULL;
	}
	cpu->host_stack = (uintptr_t)hstack;
	cpu->host_stack_size = HOST_STACK_SIZE + PGSIZE;
	cpu->vintr_timer = -1;
	return cpu;
}

static void percpu_unmap(struct dune_percpu *cpu)
{
	munmap((void *)cpu->host_stack, cpu->host_stack_size);
	guest_percpu_free(cpu);
	munmap(cpu, DUNE_PERCPU_SIZE);
}

/* A new vCPU: the guest reaches its page and stacks through GS and the TSS,
 * so they are mirrored at once (adding entries is safe while others run).
 * NULL, with nothing left behind, on failure. */
static struct dune_percpu *percpu_new(void)
{
	struct dune_percpu *cpu;
	int r;

	/* mapping and mirroring are one step for the guest's threads */
	mirror_lock();
	cpu = percpu_map();
	if (!cpu || dune_state.hostside->vcpu_create(cpu) < 0) {
		if (cpu)
			percpu_unmap(cpu);
		mirror_unlock();
		return NULL;
	}
	r = mirror_add((uintptr_t)cpu, (uintptr_t)cpu + DUNE_PERCPU_SIZE, PROT_READ | PROT_WRITE);
	if (r == 0)
		r = mirror_add(cpu->stacks + PGSIZE, cpu->stacks + cpu->stacks_size,
			       PROT_READ | PROT_WRITE);
	if (r < 0) {
		mirror_remove((uintptr_t)cpu, (uintptr_t)cpu + DUNE_PERCPU_SIZE);
		mirror_remove(cpu->stacks + PGSIZE, cpu->stacks + cpu->stacks_size);
		dune_state.hostside->vcpu_destroy(cpu);
		percpu_unmap(cpu);
		mirror_unlock();
		return NULL;
	}
	/* GS and the TSS lead here from any ring: not for user code (the
	 * table has room for every vCPU's two ranges: mirror.c) */
	mirror_kernel_only((uintptr_t)cpu, (uintptr_t)cpu + DUNE_PERCPU_SIZE,
			   PROT_READ | PROT_WRITE, 1);
	mirror_kernel_only(cpu->stacks + PGSIZE, cpu->stacks + cpu->stacks_size,
			   PROT_READ | PROT_WRITE, 1);
	mirror_unlock();
	return cpu;
}

/* A vCPU for the calling thread, or for a thread about to be created. */
struct dune_percpu *vcpu_get(void)
{
	struct dune_percpu *cpu = vcpu_list_take_parked();

	if (cpu) {
		guest_percpu_reset(cpu);
		/* vectors posted to the thread that had it are lost with it */
		memset((void *)cpu->vintr_posted, 0, sizeof(cpu->vintr_posted));
		cpu->uroot = 0; /* so is its table for user code */
		/* and the signals noted for it; a new thread has no altstack */
		cpu->sig_pending = 0;
		cpu->sig_held = 0;
		cpu->sig_guard = NULL;
		cpu->sig_suspended = 0;
		cpu->sig_returned = 0;
		cpu->sig_deferred = 0;
		cpu->altstack_sp = cpu->altstack_size = 0;
		return cpu;
	}
	if (vcpu_list_reserve() < 0) /* MAX_VCPUS, counted under the list's lock */
		return NULL;
	if (!(cpu = percpu_new())) {
		vcpu_list_unreserve();
		return NULL;
	}
	cpu->doorbell = dune_state.doorbell_va;
	cpu->state = VCPU_ACTIVE;
	cpu->tlb_gen_done = tlb_generation();
	vcpu_list_add(cpu);
	return cpu;
}

/* The calling thread is leaving (exit): park its vCPU for reuse. */
void vcpu_put(struct dune_percpu *cpu)
{
	cpu->in_run = 0;
	__atomic_store_n(&cpu->state, VCPU_FREE, __ATOMIC_RELEASE);
}
