/* host half - kmod.c: the kmod host side: /dev/dune (kmod/dune.ko) puts the
 * calling thread itself into VMX non-root mode, with EPT mirroring this
 * process's memory through the same slots as the kvm host side.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "../../kmod/dune_ioctl.h"
#include "common/log.h"
#include "common/ownfd.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/x86.h"
#include "host/hostside.h"
#include "host/kmod.h"

_Static_assert(sizeof(struct dune_regs) == sizeof(struct kvm_regs), "regs layout");
_Static_assert(sizeof(struct dune_sregs) == sizeof(struct kvm_sregs), "sregs layout");
_Static_assert(sizeof(struct dune_xsave) == sizeof(struct kvm_xsave), "xsave layout");
_Static_assert(DUNE_MSR_LSTAR == MSR_LSTAR && DUNE_MSR_STAR == MSR_STAR &&
	       DUNE_MSR_SYSCALL_MASK == MSR_SYSCALL_MASK &&
	       DUNE_MSR_KERNEL_GS_BASE == MSR_KERNEL_GS_BASE && DUNE_MSR_PAT == MSR_PAT,
	       "dune.ko numbers MSRs as the CPU does");

/* per vCPU, kept in dune_percpu.hostside_priv (the host half may not malloc) */
struct hostside_vcpu {
	int fd;
	int owner_tid;          /* the module binds a vCPU to its creating thread */
	volatile int kicked;    /* a kick that came before DUNE_RUN started */
	struct dune_exit *exit; /* kept across runs: an MMIO load is completed by the next */
};

static int dev_fd = -1;
static struct dune_info info;

static long dioctl(int fd, unsigned long req, void *arg)
{
	return raw_syscall3(SYS_ioctl, fd, req, arg);
}

static int dev_path_fd = -1; /* dune_preopen: /dev/dune, O_PATH */

/* One open is one VM: by name, or again through the kept O_PATH
 * descriptor when /dev is out of sight (raw calls: a fork child's host half) */
static int open_vm(void)
{
	char path[32] = "/proc/self/fd/";
	const int prefix = 14;
	int digits = 1;

	for (int v = dev_path_fd; v >= 10; v /= 10)
		digits++;
	for (int v = dev_path_fd, i = digits - 1; v >= 0 && i >= 0; v /= 10, i--)
		path[prefix + i] = (char)('0' + v % 10);
	path[prefix + digits] = 0;
	dev_fd = dune_fd_take((int)raw_syscall3(SYS_open, dev_path_fd >= 0 ? path : DUNE_DEVICE,
						O_RDWR | O_CLOEXEC, 0));
	return dev_fd;
}

static int kmod_device_open(void)
{
	if (dev_path_fd < 0) {
		dev_path_fd = dune_fd_take((int)raw_syscall3(SYS_open, DUNE_DEVICE, O_PATH | O_CLOEXEC, 0));
	}
	if (dev_path_fd < 0)
		dune_log("cannot open %s: error %d; is dune.ko loaded? (kmod/README.md)",
			 DUNE_DEVICE, -dev_path_fd);
	return dev_path_fd;
}

static int kmod_vm_create(void)
{
	long r;

	if (open_vm() < 0) {
		if (dev_fd == -ENOENT || dev_fd == -ENXIO || dev_fd == -ENODEV)
			dune_log("cannot open %s: the dune module is not loaded; run "
				 "'insmod kmod/dune.ko' (see kmod/README.md) or use DUNE_HOST=kvm",
				 DUNE_DEVICE);
		else if (dev_fd == -EACCES || dev_fd == -EPERM)
			dune_log("cannot open %s: permission denied; run as root", DUNE_DEVICE);
		else
			dune_log("cannot open %s: error %d", DUNE_DEVICE, -dev_fd);
		return dev_fd;
	}
	r = dioctl(dev_fd, DUNE_GET_INFO, &info);
	if (r < 0 || info.api_version != DUNE_API_VERSION) {
		dune_log("%s speaks API version %u, this libdune %d: rebuild the module "
			 "and the library together", DUNE_DEVICE, r < 0 ? 0 : info.api_version,
			 DUNE_API_VERSION);
		return -EPROTO;
	}
	dune_state.vmcall_seen = 1; /* an exit of its own */
	return 0;
}

static unsigned kmod_max_slots(void)
{
	return info.max_slots;
}

static unsigned kmod_phys_bits(void)
{
	return info.gpa_bits;
}

static int kmod_slot_set(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	struct dune_slot s = { .slot = id, .gpa = gpa, .size = size, .hva = hva };
	return (int)dioctl(dev_fd, DUNE_SET_SLOT, &s);
}

static struct hostside_vcpu *hv(struct dune_percpu *cpu)
{
	return (struct hostside_vcpu *)cpu->hostside_priv;
}

/* The module's vCPU exists only once the thread that runs it asks. */
static int kmod_vcpu_create(struct dune_percpu *cpu)
{
	struct hostside_vcpu *v = hv(cpu);
	static struct dune_exit exits[1024];
	static int next_exit;
	int i;

	_Static_assert(sizeof(*v) <= sizeof(cpu->hostside_priv), "hostside_priv too small");
	i = __atomic_fetch_add(&next_exit, 1, __ATOMIC_RELAXED);
	if (i >= 1024)
		return -ENOSPC;
	memset(v, 0, sizeof(*v));
	v->fd = -1;
	v->exit = &exits[i];
	cpu->vcpu = v;
	return 0;
}

static int bind_to_me(struct dune_percpu *cpu)
{
	struct hostside_vcpu *v = hv(cpu);
	int me = (int)raw_syscall0(SYS_gettid);
	if (v->fd >= 0 && v->owner_tid == me)
		return 0;
	if (v->fd >= 0)
		dune_fd_own(v->fd, 0);
	raw_syscall1(SYS_close, v->fd); /* parked by a thread that is gone */
	v->fd = dune_fd_take((int)dioctl(dev_fd, DUNE_CREATE_VCPU, NULL));
	if (v->fd < 0)
		return v->fd;
	v->owner_tid = me;
	return 0;
}

static int set_xcr0_fpu(struct hostside_vcpu *v, uint64_t xcr0, uint16_t fcw, uint32_t mxcsr)
{
	struct dune_xcr0 x = { xcr0 & info.supported_xcr0 };
	struct dune_xsave xs;
	long r;

	if (xcr0 && (r = dioctl(v->fd, DUNE_SET_XCR0, &x)) < 0)
		return (int)r;
	memset(&xs, 0, sizeof(xs));
	memcpy((uint8_t *)&xs + FXSAVE_FCW, &fcw, sizeof(fcw));
	memcpy((uint8_t *)&xs + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
	/* XSTATE_BV: x87 and SSE as given */
	xs.region[XSAVE_LEGACY_SIZE / 4] = XFEATURE_MASK_X87 | XFEATURE_MASK_SSE;
	return (int)dioctl(v->fd, DUNE_SET_FPU, &xs);
}

static int set_msrs(struct hostside_vcpu *v, const uint64_t *vals, int n)
{
	static const uint32_t idx[5] = { MSR_LSTAR, MSR_STAR, MSR_SYSCALL_MASK,
					 MSR_KERNEL_GS_BASE, MSR_PAT };
	struct dune_msrs m;
	memset(&m, 0, sizeof(m));
	m.nmsrs = (uint32_t)n;
	for (int i = 0; i < n; i++) {
		m.entries[i].index = idx[i];
		m.entries[i].data = vals[i];
	}
	return (int)dioctl(v->fd, DUNE_SET_MSRS, &m);
}

static int kmod_vcpu_boot(struct dune_percpu *cpu, const struct guest_boot *b)
{
	struct hostside_vcpu *v = hv(cpu);
	uint64_t msrs[5] = { b->lstar, b->star, b->fmask, b->kernel_gs_base,
			     PAT_DEFAULT };
	long r;

	if ((r = bind_to_me(cpu)) < 0)
		return (int)r;
	if ((r = dioctl(v->fd, DUNE_SET_SREGS, (void *)&b->sregs)) < 0 ||
	    (r = set_msrs(v, msrs, 5)) < 0 || (r = set_xcr0_fpu(v, b->xcr0, b->fcw, b->mxcsr)) < 0)
		return (int)r;
	return (int)dioctl(v->fd, DUNE_SET_REGS, (void *)&b->regs);
}

static int kmod_vcpu_run(struct dune_percpu *cpu, struct vcpu_exit *ex)
{
	struct hostside_vcpu *v = hv(cpu);
	struct dune_exit *e = v->exit;
	long r;

	memset(ex, 0, sizeof(*ex));
	if (v->kicked) {
		v->kicked = 0;
		ex->kind = EXIT_INTR;
		return 0;
	}
	r = dioctl(v->fd, DUNE_RUN, e);
	if (r == -EINTR || r == -EAGAIN) {
		v->kicked = 0;
		ex->kind = EXIT_INTR;
		return 0;
	}
	if (r < 0)
		return (int)r;
	switch (e->reason) {
	case DUNE_EXIT_MMIO:
		ex->kind = EXIT_MMIO;
		ex->gpa = e->mmio.gpa;
		ex->len = e->mmio.len;
		ex->is_write = e->mmio.is_write;
		ex->data = (uint8_t *)&e->mmio.data;
		return 0;
	case DUNE_EXIT_EPT_FAULT:
		ex->kind = EXIT_MEMFAULT;
		ex->gpa = e->ept.gpa;
		return 0;
	case DUNE_EXIT_SHUTDOWN:
		ex->kind = EXIT_SHUTDOWN;
		return 0;
	case DUNE_EXIT_FAIL_ENTRY:
		ex->what = "VM entry failed";
		ex->code = e->fail.hw_reason;
		break;
	case DUNE_EXIT_INTERNAL:
		ex->what = "unhandled VMX exit";
		ex->code = e->internal.hw_reason;
		break;
	case DUNE_EXIT_IO:
		ex->what = "port I/O from the guest";
		ex->code = e->io.port;
		break;
	case DUNE_EXIT_HLT:
		ex->what = "hlt";
		break;
	case DUNE_EXIT_HYPERCALL:
		ex->kind = EXIT_VMCALL; /* a system call, Dune's way */
		return 0;
	default:
		ex->what = "unknown dune.ko exit";
		ex->code = e->reason;
	}
	ex->kind = EXIT_OTHER;
	return 0;
}

static void kmod_vcpu_kick(struct dune_percpu *cpu)
{
	hv(cpu)->kicked = 1; /* a run under way is interrupted by the signal */
}

static int kmod_get_regs(struct dune_percpu *cpu, struct kvm_regs *regs)
{
	return (int)dioctl(hv(cpu)->fd, DUNE_GET_REGS, regs);
}

static int kmod_set_regs(struct dune_percpu *cpu, const struct kvm_regs *regs)
{
	return (int)dioctl(hv(cpu)->fd, DUNE_SET_REGS, (void *)regs);
}

static int kmod_get_sregs(struct dune_percpu *cpu, struct kvm_sregs *sregs)
{
	return (int)dioctl(hv(cpu)->fd, DUNE_GET_SREGS, sregs);
}

static int kmod_set_sregs(struct dune_percpu *cpu, const struct kvm_sregs *sregs)
{
	return (int)dioctl(hv(cpu)->fd, DUNE_SET_SREGS, (void *)sregs);
}

static int kmod_get_fpu(struct dune_percpu *cpu, void *xsave4k)
{
	return (int)dioctl(hv(cpu)->fd, DUNE_GET_FPU, xsave4k);
}

static int kmod_set_fpu(struct dune_percpu *cpu, const void *xsave4k)
{
	return (int)dioctl(hv(cpu)->fd, DUNE_SET_FPU, (void *)xsave4k);
}

static void kmod_vcpu_destroy(struct dune_percpu *cpu)
{
	struct hostside_vcpu *v = hv(cpu);
	if (!cpu->vcpu)
		return;
	if (v->fd >= 0)
		dune_fd_own(v->fd, 0);
	raw_syscall1(SYS_close, v->fd);
	v->fd = -1;
	cpu->vcpu = NULL;
}

static int kmod_vcpu_save(struct dune_percpu *cpu, struct vcpu_snapshot *snap)
{
	struct hostside_vcpu *v = hv(cpu);
	struct dune_msrs m;
	struct dune_xcr0 x;
	long r;

	memset(&m, 0, sizeof(m));
	m.nmsrs = 4;
	m.entries[0].index = MSR_LSTAR;
	m.entries[1].index = MSR_STAR;
	m.entries[2].index = MSR_SYSCALL_MASK;
	m.entries[3].index = MSR_KERNEL_GS_BASE;
	if ((r = dioctl(v->fd, DUNE_GET_REGS, &snap->regs)) < 0 ||
	    (r = dioctl(v->fd, DUNE_GET_SREGS, &snap->sregs)) < 0 ||
	    (r = dioctl(v->fd, DUNE_GET_FPU, &snap->xsave)) < 0 ||
	    (r = dioctl(v->fd, DUNE_GET_XCR0, &x)) < 0 ||
	    (r = dioctl(v->fd, DUNE_GET_MSRS, &m)) < 0)
		return (int)r;
	for (int i = 0; i < 4; i++)
		snap->msrs[i] = m.entries[i].data;
	memset(&snap->xcrs, 0, sizeof(snap->xcrs));
	snap->xcrs.nr_xcrs = 1;
	snap->xcrs.xcrs[0].value = x.xcr0;
	return 0;
}

static int kmod_vcpu_restore(struct dune_percpu *cpu, const struct vcpu_snapshot *snap)
{
	struct hostside_vcpu *v = hv(cpu);
	uint64_t msrs[5] = { snap->msrs[0], snap->msrs[1], snap->msrs[2], snap->msrs[3],
			     PAT_DEFAULT };
	struct dune_xcr0 x = { snap->xcrs.xcrs[0].value };
	long r;

	if ((r = bind_to_me(cpu)) < 0)
		return (int)r;
	if ((r = dioctl(v->fd, DUNE_SET_SREGS, (void *)&snap->sregs)) < 0 ||
	    (r = dioctl(v->fd, DUNE_SET_XCR0, &x)) < 0 ||
	    (r = dioctl(v->fd, DUNE_SET_FPU, (void *)&snap->xsave)) < 0 ||
	    (r = set_msrs(v, msrs, 5)) < 0)
		return (int)r;
	return (int)dioctl(v->fd, DUNE_SET_REGS, (void *)&snap->regs);
}

static int kmod_vm_recreate(void)
{
	dune_fd_own(dev_fd, 0);
	raw_syscall1(SYS_close, dev_fd);
	return open_vm() < 0 ? dev_fd : 0;
}

/* Is the module there and willing? (for picking a host side) */
int hostside_kmod_available(void)
{
	int fd = (int)raw_syscall3(SYS_open, DUNE_DEVICE, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	raw_syscall1(SYS_close, fd);
	return 1;
}

const struct hostside_ops hostside_kmod = {
	.name = "kmod",
	.device_open = kmod_device_open,
	.vm_create = kmod_vm_create,
	.max_slots = kmod_max_slots,
	.phys_bits = kmod_phys_bits,
	.slot_set = kmod_slot_set,
	.vcpu_create = kmod_vcpu_create,
	.vcpu_boot = kmod_vcpu_boot,
	.vcpu_run = kmod_vcpu_run,
	.vcpu_kick = kmod_vcpu_kick,
	.vcpu_get_regs = kmod_get_regs,
	.vcpu_set_regs = kmod_set_regs,
	.vcpu_get_sregs = kmod_get_sregs,
	.vcpu_set_sregs = kmod_set_sregs,
	.vcpu_destroy = kmod_vcpu_destroy,
	.vcpu_get_fpu = kmod_get_fpu,
	.vcpu_set_fpu = kmod_set_fpu,
	.vcpu_save = kmod_vcpu_save,
	.vcpu_restore = kmod_vcpu_restore,
	.vm_recreate = kmod_vm_recreate,
};
