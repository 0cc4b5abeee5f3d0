/*
 * core.c - dune_init and dune_enter: pick a host side, build the guest's
 * view of the address space, and move the calling thread into it.
 */
#include <errno.h>
#include <signal.h>
#include <ucontext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "host.h"
#include "internal.h"

ptent_t *pgroot;
uintptr_t dune_doorbell_va;
uint64_t dune_doorbell_gpa;
const struct host_ops *host;
__thread struct dune_percpu *dune_self;
__thread int dune_guest_mode;
static int initialized;

static int choose_host(void)
{
	const char *want = getenv("DUNE_HOST");
	if (host)
		return 0; /* dune_preopen chose */
	/* /dev/dune when it is there (the shortest path), else /dev/kvm */
	if (!want || !*want) {
		host = host_kmod_available() ? &host_kmod_ops : &host_kvm_ops;
		return 0;
	}
	if (!strcmp(want, "kvm")) {
		host = &host_kvm_ops;
		return 0;
	}
	if (!strcmp(want, "kmod")) {
		host = &host_kmod_ops;
		return 0;
	}
	dune_log("DUNE_HOST=%s is not a host side; use 'kvm' or 'kmod'", want);
	return -EINVAL;
}

static int slot_set_any_mode(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	if (dune_guest_mode)
		return (int)hypercall(HC_SLOT_SET, id, (long)gpa, (long)size, (long)hva);
	return host->slot_set(id, gpa, size, hva);
}

/* DUNE_DEBUG=1: say where the host half crashed, then die as usual */
static void host_crash(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	dune_log("host half crashed: signal %d at rip 0x%llx, address %p, thread %ld", sig,
		 (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], si->si_addr,
		 raw_syscall0(SYS_gettid));
	host_die_signal(sig);
}

int dune_preopen(void)
{
	int r = choose_host();
	return r < 0 ? r : host->device_open();
}

int dune_init(bool map_full)
{
	int r;

	if (initialized)
		return 0;
	mirror_set_precise(!map_full);
	dune_debug = getenv("DUNE_DEBUG") && *getenv("DUNE_DEBUG") != '0';
	if (dune_debug) {
		struct sigaction sa = { .sa_sigaction = host_crash, .sa_flags = SA_SIGINFO };
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
	}
	if ((r = choose_host()) < 0)
		return r;
	if ((r = host->vm_create()) < 0)
		return r;
	if ((r = layout_init(host->phys_bits())) < 0) {
		dune_log("cannot lay out guest-physical memory (%u address bits): error %d",
			 host->phys_bits(), -r);
		return r;
	}
	if ((r = slots_init(host->max_slots(), slot_set_any_mode)) < 0 ||
	    (r = ptpool_init()) < 0) {
		dune_log("out of memory setting up the guest's memory (error %d)", -r);
		return r;
	}
	pgroot = ptpool_alloc();
	if (!pgroot)
		return -ENOMEM;
	if ((r = guest_idt_init()) < 0)
		return r;
	syscall_init();
	fastcall_init();
	if ((r = vcpus_init()) < 0 || (r = signals_init()) < 0)
		return r;
	/* the doorbell: a host page nobody maps, pointing at the unused top
	 * guest-physical chunk, where no slot ever goes */
	dune_doorbell_va = (uintptr_t)mmap(NULL, PGSIZE, PROT_NONE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dune_doorbell_gpa = (uint64_t)layout_pa_chunks_total() << CHUNK_SHIFT;
	if (dune_doorbell_va == (uintptr_t)MAP_FAILED ||
	    dune_vm_map_phys(pgroot, (void *)dune_doorbell_va, PGSIZE,
			     (void *)dune_doorbell_gpa, PERM_R | PERM_W) < 0 ||
	    mirror_kernel_only(dune_doorbell_va, dune_doorbell_va + PGSIZE,
			       PROT_READ | PROT_WRITE, 0) < 0)
		return -ENOMEM;
	if ((r = mirror_sync_all()) < 0) {
		dune_log("cannot map the address space into the guest (error %d): "
			 "too many mappings or guest-physical space exhausted", -r);
		return r;
	}
	if ((r = guest_probe_ring0_fpu()) < 0) {
		dune_log("probing the guest CPU failed (error %d)", -r);
		return r;
	}
	mirror_pool_access();
	dune_dbg("guest mode: %s", dune_deprivileged
		 ? "deprivileged (this host's ring 0 has no FPU: the program runs in "
		   "ring 3, privileged instructions are emulated)"
		 : "ring 0");
	dune_dbg("fast calls (no exit, a host thread per vCPU): %s",
		 dune_fastcall_enabled ? "on" : "off");
	dune_dbg("host side %s, %u guest-physical bits, %u slots max, %lu KiB mirrored "
		 "in %u slots", host->name, host->phys_bits(), host->max_slots(),
		 (unsigned long)(mirror_bytes() >> 10), slots_count());
	initialized = 1;
	return 0;
}

int dune_enter(void)
{
	struct dune_percpu *pc;
	int r;

	if (!initialized) {
		dune_log("dune_enter called before dune_init; call dune_init first");
		return -EINVAL;
	}
	if (dune_guest_mode)
		return 0;
	pc = vcpu_get();
	if (!pc) {
		dune_log("no vCPU for this thread: out of memory or the host refused one");
		return -ENOMEM;
	}
	pc->tid = (int)raw_syscall0(SYS_gettid);
	raw_syscall2(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &pc->fs_base);
	/* this thread's new stacks and per-CPU page must be in the guest */
	if ((r = mirror_sync_all()) < 0)
		return r;
	dune_self = pc;
	return __dune_enter(pc, pc->host_stack + pc->host_stack_size, &pc->enter);
}

/* First code on the host stack: boot the vCPU where __dune_enter recorded. */
void dune_host_main(struct dune_percpu *pc)
{
	struct guest_boot boot;
	int r;

	guest_boot_state(pc, &boot);
	r = host->vcpu_boot(pc, &boot);
	if (r < 0) {
		dune_log("the host refused the vCPU's boot state (error %d)", -r);
		dune_self = NULL;
		vcpu_put(pc);
		dune_host_return(&pc->enter, r);
	}
	if (dune_debug) {
		struct kvm_sregs sr;
		host->vcpu_get_sregs(pc, &sr);
		dune_log("thread %d enters dune mode on host side %s (cr0 0x%llx cr4 0x%llx "
			 "efer 0x%llx cs 0x%x)", pc->tid, host->name, sr.cr0, sr.cr4, sr.efer,
			 sr.cs.selector);
	}
	host_loop(pc);
}

bool dune_in_guest(void)
{
	return dune_guest_mode;
}

int dune_guest_ring(void)
{
	return dune_deprivileged ? 3 : 0;
}

const char *dune_host_name(void)
{
	return host ? host->name : "none";
}

void dune_get_mem_stats(struct dune_mem_stats *st)
{
	mirror_lock();
	st->slots = slots_count();
	st->slot_bytes = slots_bytes();
	st->mirrored_bytes = mirror_bytes();
	st->pt_pages = ptpool_in_use();
	mirror_unlock();
}

void *dune_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	return mmap(addr, length, prot, flags, fd, offset);
}
