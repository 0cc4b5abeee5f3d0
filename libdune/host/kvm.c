/* host half - kvm.c: the kvm host side: drives /dev/kvm from userspace to run
 * this process's own address space and threads as a guest.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "common/log.h"
#include "common/ownfd.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/x86.h"
#include "dune.h"
#include "host/hostside.h"
#include "host/kvm.h"
#include "mm/procmap.h"
#include "host/kvm_counters.h"

struct hostside_vcpu {
	int fd;
	int stats_fd;           /* KVM's counters, or -errno */
	struct kvm_run *run;
	size_t run_size;
};

static int kvm_fd = -1, vm_fd = -1;
static unsigned kvm_max_slots = 32;
static unsigned kvm_phys_bits = 36;
static struct kvm_cpuid2 *cpuid;
static long run_mmap_size;
static uint64_t kvm_supported_xcr0;

/* CPUID.1:ECX bits the guest must not see: VMX (5), x2APIC (21), TSC
 * deadline (24) and OSXSAVE (27, which follows the guest's CR4). There is
 * no interrupt controller and no nested virtualization in this VM. */
#define CPUID1_ECX_HIDE ((1u << 5) | (1u << 21) | (1u << 24) | (1u << 27))

#define MAX_CPUID_ENTRIES 4096 /* KVM_GET_SUPPORTED_CPUID grows its table up to this */

static long kvm_ioctl(int fd, unsigned long req, void *arg)
{
	return raw_syscall3(SYS_ioctl, fd, req, arg);
}

static int load_cpuid(void)
{
	int n = 256;
	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return -ENOMEM;
		cpuid->nent = (uint32_t)n;
		long r = kvm_ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
		if (r == 0)
			break;
		free(cpuid);
		cpuid = NULL;
		if (r != -E2BIG || n > MAX_CPUID_ENTRIES)
			return (int)r;
		n *= 2;
	}
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];
		unsigned a, b, c, d;
		if (e->function == 0x80000008)
			kvm_phys_bits = e->eax & 0xff;
		if (e->function == 0xd && e->index == 0)
			kvm_supported_xcr0 = e->eax | ((uint64_t)e->edx << 32);
		/* The process chose its code paths (ifuncs) from the host's CPUID
		 * before entering, and the guest runs on the same CPU: show it
		 * the host's instruction-set bits even where KVM under-reports
		 * them (PVM reports almost none). */
		if (e->function == 1) {
			__cpuid(1, a, b, c, d);
			e->ecx |= c & ~(CPUID1_ECX_HIDE);
			e->edx |= d;
			e->ecx &= ~(CPUID1_ECX_HIDE);
		}
		if (e->function == 7 && e->index == 0) {
			__cpuid_count(7, 0, a, b, c, d);
			e->ebx |= b;
			e->ecx |= c & ~(1u << 4) /* OSPKE */;
			e->edx |= d;
		}
	}
	return 0;
}

/* KVM answers a guest's vmcall itself. On AMD, Intel's vmcall is a #UD
 * that KVM turns into vmmcall by patching the guest's code, unless the
 * quirk is off: then the #UD reaches the guest, where libdune makes the
 * system call Dune's programs mean by it (trap.c). On Intel (PVM included)
 * nothing reaches libdune. */
static void vmcall_as_ud(void)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_DISABLE_QUIRKS2,
				      .args = { KVM_X86_QUIRK_FIX_HYPERCALL_INSN } };
	unsigned a, b, c, d;
	long quirks;

	__cpuid(0, a, b, c, d);
	if (b != 0x68747541 /* "Auth" enticAMD */)
		return;
	quirks = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, (void *)(long)KVM_CAP_DISABLE_QUIRKS2);
	if (quirks > 0 && (quirks & KVM_X86_QUIRK_FIX_HYPERCALL_INSN) &&
	    kvm_ioctl(vm_fd, KVM_ENABLE_CAP, &cap) == 0)
		dune_state.vmcall_seen = 1;
}

/* The system descriptor: new VMs (a fork child's too) come from it. */
static int kvm_device_open(void)
{
	if (kvm_fd >= 0)
		return kvm_fd;
	kvm_fd = dune_fd_take((int)raw_syscall3(SYS_open, "/dev/kvm", O_RDWR | O_CLOEXEC, 0));
	if (kvm_fd < 0) {
		if (kvm_fd == -ENOENT)
			dune_log("cannot open /dev/kvm: no such device; this machine has no "
				 "KVM (enable virtualization, load kvm_intel/kvm_amd, or use "
				 "dune.ko with DUNE_HOST=kmod)");
		else if (kvm_fd == -EACCES || kvm_fd == -EPERM)
			dune_log("cannot open /dev/kvm: permission denied; run as root or "
				 "add the user to the 'kvm' group");
		else
			dune_log("cannot open /dev/kvm: error %d", -kvm_fd);
	}
	return kvm_fd;
}

static int kvm_vm_create(void)
{
	long r;

	if ((r = kvm_device_open()) < 0)
		return (int)r;
	r = kvm_ioctl(kvm_fd, KVM_GET_API_VERSION, NULL);
	if (r != KVM_API_VERSION) {
		dune_log("/dev/kvm speaks API version %ld, expected %d; the kernel's "
			 "KVM is too old or not KVM", r, KVM_API_VERSION);
		return -ENOTSUP;
	}
	r = kvm_ioctl(kvm_fd, KVM_CHECK_EXTENSION, (void *)(long)KVM_CAP_NR_MEMSLOTS);
	if (r > 0)
		kvm_max_slots = (unsigned)r;
	run_mmap_size = kvm_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (run_mmap_size <= 0) {
		dune_log("KVM_GET_VCPU_MMAP_SIZE failed (%ld)", run_mmap_size);
		return -EIO;
	}
	if ((r = load_cpuid()) < 0) {
		dune_log("KVM_GET_SUPPORTED_CPUID failed (error %ld)", -r);
		return (int)r;
	}
	vm_fd = dune_fd_take((int)kvm_ioctl(kvm_fd, KVM_CREATE_VM, 0));
	if (vm_fd < 0) {
		dune_log("KVM refused to create a VM (error %d): check dmesg, free "
			 "memory, and that no other hypervisor owns VT-x/AMD-V", -vm_fd);
		return vm_fd;
	}
	vmcall_as_ud();
	return 0;
}

static unsigned kvm_max_slots_get(void)
{
	return kvm_max_slots;
}

static unsigned kvm_phys_bits_get(void)
{
	return kvm_phys_bits;
}

/* odd while a slot changes; a vCPU that saw it move while it ran may have
 * fetched an instruction from memory whose slot was being replaced */
static unsigned long slot_gen;

static int kvm_slot_set(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	int r;
	struct kvm_userspace_memory_region mr = {
		.slot = id,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = hva,
	};
	__atomic_add_fetch(&slot_gen, 1, __ATOMIC_SEQ_CST);
	r = (int)kvm_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mr);
	__atomic_add_fetch(&slot_gen, 1, __ATOMIC_SEQ_CST);
	return r;
}

static int kvm_vcpu_create(struct dune_percpu *cpu)
{
	static int next_id;
	struct hostside_vcpu *v = (struct hostside_vcpu *)cpu->hostside_priv;
	int id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	long r;

	_Static_assert(sizeof(*v) <= sizeof(cpu->hostside_priv), "hostside_priv too small");
	memset(v, 0, sizeof(*v));
	v->fd = dune_fd_take((int)kvm_ioctl(vm_fd, KVM_CREATE_VCPU, (void *)(long)id));
	if (v->fd < 0)
		return v->fd;
	r = kvm_ioctl(v->fd, KVM_SET_CPUID2, cpuid);
	if (r < 0)
		goto fail;
	v->run_size = (size_t)run_mmap_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		r = -ENOMEM;
		goto fail;
	}
	v->stats_fd = dune_fd_take(kvm_counters_open(v->fd));
	cpu->vcpu = v;
	return 0;
fail:
	dune_fd_own(v->fd, 0);
	raw_syscall1(SYS_close, v->fd);
	return (int)r;
}

static int set_msrs(struct hostside_vcpu *v, const struct guest_boot *b)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[6];
	} m = { .hdr.nmsrs = 6,
		.e = { { .index = MSR_LSTAR, .data = b->lstar },
		       { .index = MSR_STAR, .data = b->star },
		       { .index = MSR_SYSCALL_MASK, .data = b->fmask },
		       { .index = MSR_KERNEL_GS_BASE, .data = b->kernel_gs_base },
		       { .index = MSR_PAT, .data = PAT_DEFAULT },
		       { .index = MSR_TSC, .data = 0 } } };
	unsigned int a, d;
	long r;

	/* The guest reads the host's TSC through the vDSO's clock code: give
	 * it the same value (KVM starts guests near zero). */
	asm volatile("rdtsc" : "=a"(a), "=d"(d));
	m.e[5].data = ((uint64_t)d << 32) | a;
	r = kvm_ioctl(v->fd, KVM_SET_MSRS, &m);
	if (r != 6)
		return r < 0 ? (int)r : -EINVAL;
	return 0;
}

static int kvm_vcpu_boot(struct dune_percpu *cpu, const struct guest_boot *b)
{
	struct hostside_vcpu *v = cpu->vcpu;
	struct kvm_fpu fpu;
	struct kvm_xcrs xcrs = { .nr_xcrs = 1,
				 .xcrs = { { .xcr = 0, .value = b->xcr0 & kvm_supported_xcr0 } } };
	long r;

	if ((r = kvm_ioctl(v->fd, KVM_SET_SREGS, (void *)&b->sregs)) < 0)
		return (int)r;
	if ((r = set_msrs(v, b)) < 0)
		return (int)r;
	if (b->xcr0 && (r = kvm_ioctl(v->fd, KVM_SET_XCRS, &xcrs)) < 0)
		return (int)r;
	memset(&fpu, 0, sizeof(fpu));
	fpu.fcw = b->fcw;
	fpu.mxcsr = b->mxcsr;
	if ((r = kvm_ioctl(v->fd, KVM_SET_FPU, &fpu)) < 0)
		return (int)r;
	return (int)kvm_ioctl(v->fd, KVM_SET_REGS, (void *)&b->regs);
}

#define SVM_EXIT_ERR 0xffffffffU /* VMRUN refused the guest state */

/* QEMU's emulated SVM (the SVM test machine) ends a nested guest's mov to
 * CR3 of a value with reserved bits (CR3_NOFLUSH without CR4.PCIDE, as
 * Dune's wedge loads its tables) as an invalid VMRUN, where an AMD CPU
 * raises #GP(0). The guest's #GP handler emulates such a load
 * (guest/x86/emulate.c): give it that #GP. 1 if done. */
static int svm_err_as_gp(struct hostside_vcpu *v)
{
	struct kvm_regs r;
	struct kvm_vcpu_events e;
	struct host_vma vma;
	const uint8_t *ip;
	uint64_t val, *gpr;
	unsigned rex = 0, n = 0, rm;

	if (kvm_ioctl(v->fd, KVM_GET_REGS, &r) < 0 || procmap_find(r.rip, &vma) < 0 ||
	    !(vma.prot & 1) || r.rip + 4 > vma.end)
		return 0;
	ip = (const uint8_t *)r.rip; /* ring 0: guest VA == host VA */
	if ((ip[0] & 0xf0) == 0x40)
		rex = ip[n++];
	/* mov %reg, %cr3: 0f 22, mod 11, reg 3 (REX.R would make it cr11) */
	if (ip[n] != 0x0f || ip[n + 1] != 0x22 || (ip[n + 2] & 0xf8) != 0xd8 || (rex & 4))
		return 0;
	rm = (ip[n + 2] & 7) | ((rex & 1) << 3);
	gpr = (uint64_t[]){ r.rax, r.rcx, r.rdx, r.rbx, r.rsp, r.rbp, r.rsi, r.rdi,
			    r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15 };
	val = gpr[rm];
	if (!(val >> kvm_phys_bits))
		return 0; /* no reserved bit: some other refusal */
	if (kvm_ioctl(v->fd, KVM_GET_VCPU_EVENTS, &e) < 0)
		return 0;
	e.exception.injected = 1;
	e.exception.nr = T_GPFLT;
	e.exception.has_error_code = 1;
	e.exception.error_code = 0;
	e.flags = 0;
	return kvm_ioctl(v->fd, KVM_SET_VCPU_EVENTS, &e) == 0;
}

static int kvm_vcpu_run(struct dune_percpu *cpu, struct vcpu_exit *ex)
{
	struct hostside_vcpu *v = cpu->vcpu;
	struct kvm_run *run = v->run;
	unsigned long gen = __atomic_load_n(&slot_gen, __ATOMIC_SEQ_CST);
	long r = kvm_ioctl(v->fd, KVM_RUN, NULL);

	memset(ex, 0, sizeof(*ex));
	if (r == -EINTR || r == -EAGAIN) {
		run->immediate_exit = 0;
		ex->kind = EXIT_INTR;
		return 0;
	}
	if (r == -EFAULT) {
		ex->kind = EXIT_MEMFAULT;
		ex->gpa = ~0ULL;
#ifdef KVM_EXIT_MEMORY_FAULT
		if (run->exit_reason == KVM_EXIT_MEMORY_FAULT)
			ex->gpa = run->memory_fault.gpa;
#endif
		return 0;
	}
	if (r < 0)
		return (int)r;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		ex->kind = EXIT_OTHER;
		ex->code = run->io.port;
		ex->what = "port I/O to an unknown port";
		return 0;
	case KVM_EXIT_MMIO:
		ex->kind = EXIT_MMIO;
		ex->gpa = run->mmio.phys_addr;
		ex->len = run->mmio.len;
		ex->is_write = run->mmio.is_write;
		ex->data = run->mmio.data;
		return 0;
	case KVM_EXIT_SHUTDOWN:
		ex->kind = EXIT_SHUTDOWN;
		return 0;
	case KVM_EXIT_INTR:
		ex->kind = EXIT_INTR;
		return 0;
	case KVM_EXIT_HLT:
		ex->what = "hlt";
		break;
	case KVM_EXIT_FAIL_ENTRY:
		if ((uint32_t)run->fail_entry.hardware_entry_failure_reason == SVM_EXIT_ERR &&
		    svm_err_as_gp(v)) {
			ex->kind = EXIT_RETRY;
			return 0;
		}
		ex->what = "VM entry failed";
		ex->code = (uint32_t)run->fail_entry.hardware_entry_failure_reason;
		ex->kind = EXIT_OTHER;
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		/* nothing ran: an instruction fetch from a slot being replaced */
		if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION &&
		    (gen & 1 || __atomic_load_n(&slot_gen, __ATOMIC_SEQ_CST) != gen)) {
			ex->kind = EXIT_RETRY;
			return 0;
		}
		ex->what = "KVM internal error";
		ex->code = run->internal.suberror;
		ex->kind = EXIT_OTHER;
		for (unsigned i = 0; dune_debug && i < run->internal.ndata && i < 16; i++)
			dune_log("KVM internal error data[%u] 0x%llx", i,
				 (unsigned long long)run->internal.data[i]);
		return 0;
	default:
		ex->what = "unexpected KVM exit";
		break;
	}
	ex->kind = EXIT_OTHER;
	if (!ex->code)
		ex->code = run->exit_reason;
	return 0;
}

static void kvm_vcpu_kick(struct dune_percpu *cpu)
{
	/* a run that has not started yet returns at once; one under way is
	 * interrupted by the signal itself */
	if (cpu->vcpu && cpu->vcpu->run)
		cpu->vcpu->run->immediate_exit = 1;
}

static int kvm_get_regs(struct dune_percpu *cpu, struct kvm_regs *regs)
{
	return (int)kvm_ioctl(cpu->vcpu->fd, KVM_GET_REGS, regs);
}

static int kvm_set_regs(struct dune_percpu *cpu, const struct kvm_regs *regs)
{
	return (int)kvm_ioctl(cpu->vcpu->fd, KVM_SET_REGS, (void *)regs);
}

static int kvm_get_sregs(struct dune_percpu *cpu, struct kvm_sregs *sregs)
{
	return (int)kvm_ioctl(cpu->vcpu->fd, KVM_GET_SREGS, sregs);
}

static int kvm_set_sregs(struct dune_percpu *cpu, const struct kvm_sregs *sregs)
{
	return (int)kvm_ioctl(cpu->vcpu->fd, KVM_SET_SREGS, (void *)sregs);
}

static void kvm_vcpu_destroy(struct dune_percpu *cpu)
{
	struct hostside_vcpu *v = cpu->vcpu;
	if (!v)
		return;
	raw_syscall2(SYS_munmap, v->run, v->run_size);
	dune_fd_own(v->fd, 0);
	raw_syscall1(SYS_close, v->fd);
	if (v->stats_fd >= 0) {
		dune_fd_own(v->stats_fd, 0);
		raw_syscall1(SYS_close, v->stats_fd);
	}
	cpu->vcpu = NULL;
}

static int kvm_kernel_counts(struct dune_percpu *cpu, int64_t k[KERNEL_COUNTS])
{
	_Static_assert(KVM_COUNTS == KERNEL_COUNTS, "exits, emulated, faults, fixed");
	if (!cpu->vcpu || cpu->vcpu->stats_fd < 0)
		return -ENOTSUP;
	return kvm_counters_read(cpu->vcpu->stats_fd, k);
}

static int kvm_get_fpu(struct dune_percpu *cpu, void *xsave4k)
{
	return (int)kvm_ioctl(cpu->vcpu->fd, KVM_GET_XSAVE, xsave4k);
}

static int kvm_set_fpu(struct dune_percpu *cpu, const void *xsave4k)
{
	return (int)kvm_ioctl(cpu->vcpu->fd, KVM_SET_XSAVE, (void *)xsave4k);
}

static const uint32_t snapshot_msrs[4] = { MSR_LSTAR, MSR_STAR, MSR_SYSCALL_MASK,
					   MSR_KERNEL_GS_BASE };

static int kvm_vcpu_save(struct dune_percpu *cpu, struct vcpu_snapshot *snap)
{
	struct hostside_vcpu *v = cpu->vcpu;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[4];
	} m = { .hdr.nmsrs = 4 };
	long r;

	for (int i = 0; i < 4; i++)
		m.e[i].index = snapshot_msrs[i];
	if ((r = kvm_ioctl(v->fd, KVM_GET_REGS, &snap->regs)) < 0 ||
	    (r = kvm_ioctl(v->fd, KVM_GET_SREGS, &snap->sregs)) < 0 ||
	    (r = kvm_ioctl(v->fd, KVM_GET_XSAVE, &snap->xsave)) < 0 ||
	    (r = kvm_ioctl(v->fd, KVM_GET_XCRS, &snap->xcrs)) < 0)
		return (int)r;
	if (kvm_ioctl(v->fd, KVM_GET_MSRS, &m) != 4)
		return -EIO;
	for (int i = 0; i < 4; i++)
		snap->msrs[i] = m.e[i].data;
	return 0;
}

static int kvm_vcpu_restore(struct dune_percpu *cpu, const struct vcpu_snapshot *snap)
{
	struct hostside_vcpu *v = cpu->vcpu;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[5];
	} m = { .hdr.nmsrs = 5 };
	unsigned int a, d;
	long r;

	for (int i = 0; i < 4; i++) {
		m.e[i].index = snapshot_msrs[i];
		m.e[i].data = snap->msrs[i];
	}
	asm volatile("rdtsc" : "=a"(a), "=d"(d));
	m.e[4].index = MSR_TSC;
	m.e[4].data = ((uint64_t)d << 32) | a;
	if ((r = kvm_ioctl(v->fd, KVM_SET_SREGS, (void *)&snap->sregs)) < 0 ||
	    (r = kvm_ioctl(v->fd, KVM_SET_XCRS, (void *)&snap->xcrs)) < 0 ||
	    (r = kvm_ioctl(v->fd, KVM_SET_XSAVE, (void *)&snap->xsave)) < 0 ||
	    (r = kvm_ioctl(v->fd, KVM_SET_REGS, (void *)&snap->regs)) < 0)
		return (int)r;
	return kvm_ioctl(v->fd, KVM_SET_MSRS, &m) == 5 ? 0 : -EIO;
}

/* In a forked child: the parent's VM is not ours (KVM refuses another mm). */
static int kvm_vm_recreate(void)
{
	dune_fd_own(vm_fd, 0);
	raw_syscall1(SYS_close, vm_fd);
	vm_fd = dune_fd_take((int)kvm_ioctl(kvm_fd, KVM_CREATE_VM, 0));
	if (vm_fd < 0)
		return vm_fd;
	vmcall_as_ud(); /* the new VM must keep the parent's quirks */
	return 0;
}

const struct hostside_ops hostside_kvm = {
	.name = "kvm",
	.device_open = kvm_device_open,
	.vm_create = kvm_vm_create,
	.max_slots = kvm_max_slots_get,
	.phys_bits = kvm_phys_bits_get,
	.slot_set = kvm_slot_set,
	.vcpu_create = kvm_vcpu_create,
	.vcpu_boot = kvm_vcpu_boot,
	.vcpu_run = kvm_vcpu_run,
	.vcpu_kick = kvm_vcpu_kick,
	.vcpu_get_regs = kvm_get_regs,
	.vcpu_set_regs = kvm_set_regs,
	.vcpu_get_sregs = kvm_get_sregs,
	.vcpu_set_sregs = kvm_set_sregs,
	.vcpu_destroy = kvm_vcpu_destroy,
	.vcpu_kernel_counts = kvm_kernel_counts,
	.vcpu_get_fpu = kvm_get_fpu,
	.vcpu_set_fpu = kvm_set_fpu,
	.vcpu_save = kvm_vcpu_save,
	.vcpu_restore = kvm_vcpu_restore,
	.vm_recreate = kvm_vm_recreate,
};

