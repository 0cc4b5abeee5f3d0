/* host half - hostside.h: how a guest is run, one implementation per host
 * side (host/kvm.c: /dev/kvm; host/kmod.c: /dev/dune), reached through
 * dune_state.hostside. Nothing outside those files knows which one is in
 * use.
 */
#ifndef LIBDUNE_HOSTSIDE_H
#define LIBDUNE_HOSTSIDE_H

#include <linux/kvm.h>
#include <stdint.h>

#include "common/percpu.h"
#include "common/state.h"

/* Everything of a vCPU that a fork must carry to the child's new VM. */
struct vcpu_snapshot {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_xsave xsave;
	struct kvm_xcrs xcrs;
	uint64_t msrs[4]; /* LSTAR, STAR, FMASK, KERNEL_GS_BASE */
};

enum vcpu_exit_kind {
	EXIT_HYPERCALL, /* reserved: hypercalls arrive as EXIT_MMIO on the doorbell */
	EXIT_INTR,      /* a signal is pending for the host thread */
	EXIT_MMIO,      /* access to guest-physical memory with no slot */
	EXIT_MEMFAULT,  /* the host could not back a guest access */
	EXIT_SHUTDOWN,  /* triple fault */
	EXIT_VMCALL,    /* the guest ran vmcall, RIP is past it (dune.ko) */
	EXIT_RETRY,     /* the guest raced a slot replacement: run it again */
	EXIT_OTHER,     /* anything else: ends the process with a report */
};

struct vcpu_exit {
	enum vcpu_exit_kind kind;
	uint64_t gpa;       /* EXIT_MMIO, EXIT_MEMFAULT (~0 if unknown) */
	uint32_t len;       /* EXIT_MMIO */
	int is_write;       /* EXIT_MMIO */
	uint8_t *data;      /* EXIT_MMIO: bytes to write / to fill for a read */
	uint32_t code;      /* EXIT_OTHER: host-specific reason */
	const char *what;   /* EXIT_OTHER: a name for the reason */
};

#define KERNEL_COUNTS 4 /* vcpu_kernel_counts: exits, emulated, faults, fixed */

struct hostside_ops {
	const char *name;
	/* Opens the device only, once (dune_preopen); returns its descriptor.
	 * vm_create and vm_recreate use it. */
	int (*device_open)(void);
	/* Opens the device and creates the VM; 0 or -errno with a message
	 * already printed (cause and remedy). */
	int (*vm_create)(void);
	unsigned (*max_slots)(void);
	unsigned (*phys_bits)(void);
	int (*slot_set)(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva);
	int (*vcpu_create)(struct dune_percpu *cpu);
	int (*vcpu_boot)(struct dune_percpu *cpu, const struct guest_boot *boot);
	/* Runs the guest until it needs the host; returns 0 or -errno. */
	int (*vcpu_run)(struct dune_percpu *cpu, struct vcpu_exit *ex);
	/* From a signal handler on the vCPU's own thread: make the current or
	 * next run return at once (EXIT_INTR). */
	void (*vcpu_kick)(struct dune_percpu *cpu);
	/* The host kernel's counts for this vCPU (exits, emulated
	 * instructions, page faults, those resolved by mapping) into
	 * k[0..KERNEL_COUNTS); -ENOTSUP if unknown. */
	int (*vcpu_kernel_counts)(struct dune_percpu *cpu, int64_t k[KERNEL_COUNTS]);
	int (*vcpu_get_regs)(struct dune_percpu *cpu, struct kvm_regs *regs);
	int (*vcpu_set_regs)(struct dune_percpu *cpu, const struct kvm_regs *regs);
	int (*vcpu_get_sregs)(struct dune_percpu *cpu, struct kvm_sregs *sregs);
	int (*vcpu_set_sregs)(struct dune_percpu *cpu, const struct kvm_sregs *sregs);
	void (*vcpu_destroy)(struct dune_percpu *cpu);
	/* the FPU image (XSAVE standard format, DUNE_XSAVE_SIZE bytes) for signal frames */
	int (*vcpu_get_fpu)(struct dune_percpu *cpu, void *xsave4k);
	int (*vcpu_set_fpu)(struct dune_percpu *cpu, const void *xsave4k);
	/* fork: the whole vCPU state, and a new VM in the child */
	int (*vcpu_save)(struct dune_percpu *cpu, struct vcpu_snapshot *snap);
	int (*vcpu_restore)(struct dune_percpu *cpu, const struct vcpu_snapshot *snap);
	int (*vm_recreate)(void);
};

#endif
