/* host mode (the program, before it enters) - init.c: dune_init and
 * dune_enter: pick a host side, build the guest's view of the address
 * space, and move the calling thread into it. Start reading here.
 */
#include <asm/prctl.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/boot.h"
#include "guest/x86/descriptors.h"
#include "guest/x86/entry.h"
#include "guest/x86/hypercall.h"
#include "guest/x86/mm_syscalls.h"
#include "guest/x86/uview.h"
#include "host/exit_stats.h"
#include "host/fastcall.h"
#include "host/hostside.h"
#include "host/kmod.h"
#include "host/kvm.h"
#include "host/probe.h"
#include "host/signals.h"
#include "host/vcpus.h"
#include "host/vmcall_scan.h"
#include "mm/layout.h"
#include "mm/mirror.h"
#include "mm/mirror_lock.h"
#include "mm/procmap.h"
#include "mm/ptpool.h"
#include "mm/slots.h"

static int initialized;

struct top_of_maps {
	uintptr_t stack_start, stack_end; /* the main thread's [stack] */
	uintptr_t mmap_top;               /* the highest mapping below it */
};

static int find_stack(const struct host_vma *v, void *arg)
{
	struct top_of_maps *t = arg;
	if (v->kind == PROCMAP_TYPE_STACK) {
		t->stack_start = v->start;
		t->stack_end = v->end;
	}
	return 0;
}

static int find_mmap_top(const struct host_vma *v, void *arg)
{
	struct top_of_maps *t = arg;
	if (v->end <= t->stack_start && v->end > t->mmap_top)
		t->mmap_top = v->end;
	return 0;
}

/* Dune's layout: the mmap window ends where the kernel's mmap area starts
 * (rounded up to 1 GiB), the stack window holds the main stack. */
static void dune_layout(void)
{
	struct top_of_maps t = { 0, 0, 0 };
	int r = -ENOENT;

	procmap_scan(find_stack, &t);
	if (t.stack_end) {
		procmap_scan(find_mmap_top, &t);
		r = layout_dune_windows(LG_ALIGN(t.mmap_top) - GPA_MAP_SIZE,
					LG_ALIGN(t.stack_end) - GPA_STACK_SIZE);
	}
	if (r < 0)
		dune_dbg("Dune's fixed layout is off (%s): mmap_base and "
			 "dune_mmap_addr_to_pa mean nothing, dune_va_to_pa is exact",
			 t.stack_end ? "guest-physical space under 37 bits" : "no [stack]");
	else
		dune_dbg("Dune's layout: GPA == VA below 16 GiB, mmap_base 0x%lx, "
			 "stack_base 0x%lx, phys_limit 0x%lx", (unsigned long)mmap_base,
			 (unsigned long)stack_base, (unsigned long)phys_limit);
}

static int choose_host(void)
{
	const char *want = getenv("DUNE_HOST");
	if (dune_state.hostside)
		return 0; /* dune_preopen chose */
	/* /dev/dune when it is there (the shortest path), else /dev/kvm */
	if (!want || !*want) {
		dune_state.hostside = hostside_kmod_available() ? &hostside_kmod : &hostside_kvm;
		return 0;
	}
	if (!strcmp(want, "kvm")) {
		dune_state.hostside = &hostside_kvm;
		return 0;
	}
	if (!strcmp(want, "kmod")) {
		dune_state.hostside = &hostside_kmod;
		return 0;
	}
	dune_log("DUNE_HOST=%s is not a host side; use 'kvm' or 'kmod'", want);
	return -EINVAL;
}

static int slot_set_any_mode(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	if (dune_guest_mode)
		return (int)hypercall(HC_SLOT_SET, id, (long)gpa, (long)size, (long)hva);
	return dune_state.hostside->slot_set(id, gpa, size, hva);
}

/* DUNE_MAX_SLOTS=n: fewer slots than the host allows (slots merge sooner) */
static unsigned max_slots(void)
{
	unsigned host = dune_state.hostside->max_slots();
	const char *e = getenv("DUNE_MAX_SLOTS");
	long n = e ? strtol(e, NULL, 0) : 0;
	return n > 0 && (unsigned long)n < host ? (unsigned)n : host;
}

static int slot_host_set(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	return dune_state.hostside->slot_set(id, gpa, size, hva);
}

static int slot_batch_any_mode(const struct slot_op *ops, unsigned n)
{
	if (dune_guest_mode)
		return (int)hypercall(HC_SLOT_BATCH, (long)ops, (long)n, 0, 0);
	return slots_run_batch(ops, n, slot_host_set);
}

/* DUNE_DEBUG=1: say where the host half crashed, then die as usual */
static void host_crash(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	dune_log("host half crashed: signal %d at rip 0x%llx, address %p, thread %ld", sig,
		 (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], si->si_addr,
		 raw_syscall0(SYS_gettid));
	die_with_signal(sig);
}

int dune_preopen(void)
{
	int r = choose_host();
	return r < 0 ? r : dune_state.hostside->device_open();
}

int dune_init(bool map_full)
{
	int r;

	if (initialized)
		return 0;
	mirror_set_precise(!map_full);
	dune_debug = getenv("DUNE_DEBUG") && *getenv("DUNE_DEBUG") != '0';
	exit_stats_at_exit = getenv("DUNE_STATS") && *getenv("DUNE_STATS") != '0';
	if (dune_debug) {
		struct sigaction sa = { .sa_sigaction = host_crash, .sa_flags = SA_SIGINFO };
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
	}
	if ((r = choose_host()) < 0)
		return r;
	if ((r = dune_state.hostside->vm_create()) < 0)
		return r;
	if ((r = layout_init(dune_state.hostside->phys_bits())) < 0) {
		dune_log("cannot lay out guest-physical memory (%u address bits): error %d",
			 dune_state.hostside->phys_bits(), -r);
		return r;
	}
	dune_layout();
	if ((r = slots_init(max_slots(), slot_set_any_mode)) == 0)
		slots_set_batch(slot_batch_any_mode);
	if (r < 0 ||
	    (r = ptpool_init(mirror_pool_chunk, map_full)) < 0) {
		dune_log("out of memory setting up the guest's memory (error %d)", -r);
		return r;
	}
	pgroot = ptpool_alloc();
	if (!pgroot || uview_setup() < 0)
		return -ENOMEM;
	guest_fpu_init();
	if ((r = guest_idt_init()) < 0)
		return r;
	syscall_init();
	fastcall_init();
	if ((r = vcpus_init()) < 0 || (r = signals_init()) < 0)
		return r;
	/* the doorbell: a host page nobody maps, pointing at the unused top
	 * guest-physical chunk, where no slot ever goes */
	dune_state.doorbell_va = (uintptr_t)mmap(NULL, PGSIZE, PROT_NONE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dune_state.doorbell_gpa = (uint64_t)layout_pa_chunks_total() << CHUNK_SHIFT;
	if (dune_state.doorbell_va == (uintptr_t)MAP_FAILED ||
	    dune_vm_map_phys(pgroot, (void *)dune_state.doorbell_va, PGSIZE,
			     (void *)dune_state.doorbell_gpa, PERM_R | PERM_W) < 0 ||
	    mirror_kernel_only(dune_state.doorbell_va, dune_state.doorbell_va + PGSIZE,
			       PROT_READ | PROT_WRITE, 1) < 0) /* ring 0 rings it under the user view */
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
	vmcall_scan();
	dune_dbg("guest mode: %s", dune_state.deprivileged
		 ? "deprivileged (this host's ring 0 has no FPU: the program runs in "
		   "ring 3, privileged instructions are emulated)"
		 : "ring 0");
	dune_dbg("fast calls (no exit, a host thread per vCPU): %s",
		 dune_fastcall_enabled ? "on" : "off");
	dune_dbg("host side %s, %u guest-physical bits, %u slots max, %lu KiB mirrored "
		 "in %u slots", dune_state.hostside->name, dune_state.hostside->phys_bits(), dune_state.hostside->max_slots(),
		 (unsigned long)(mirror_bytes() >> 10), slots_count());
	initialized = 1;
	return 0;
}

int dune_enter(void)
{
	struct dune_percpu *cpu;
	int r;

	if (!initialized) {
		dune_log("dune_enter called before dune_init; call dune_init first");
		return -EINVAL;
	}
	if (dune_guest_mode)
		return 0;
	cpu = vcpu_get();
	if (!cpu) {
		dune_log("no vCPU for this thread: out of memory or the host refused one");
		return -ENOMEM;
	}
	cpu->tid = (int)raw_syscall0(SYS_gettid);
	raw_syscall2(SYS_arch_prctl, ARCH_GET_FS, &cpu->fs_base);
	/* this thread's new stacks and per-CPU page must be in the guest */
	if ((r = mirror_sync_all()) < 0)
		return r;
	dune_self = cpu;
	return __dune_enter(cpu, cpu->host_stack + cpu->host_stack_size, &cpu->enter);
}

bool dune_in_guest(void)
{
	return dune_guest_mode;
}

int dune_guest_ring(void)
{
	return dune_state.deprivileged ? 3 : 0;
}

const char *dune_host_name(void)
{
	return dune_state.hostside ? dune_state.hostside->name : "none";
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
