/* SPDX-License-Identifier: GPL-2.0 */
/* dune.ko internals. */
#ifndef DUNE_H
#define DUNE_H

#include <linux/kref.h>
#include <linux/mm_types.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "dune_ioctl.h"
#include "check.h"
#include "hardening.h"
#include "vmx_defs.h"
#include "mmio.h"

#define DUNE_PR "dune: "

/* what every CPU supports, found at load */
struct dune_vmx_config {
	u32 revision_id;
	u32 pin, cpu, cpu2, exit, entry;
	u64 ept_vpid_cap;
	struct dune_cpu_limits lim;
	bool has_rdtscp;
	u32 preempt_timer;	/* VMX preemption timer value, 0 if unused */
};

extern struct dune_vmx_config dune_cfg;
extern unsigned long *dune_msr_bitmap;

struct dune_mslot {
	u64 gpa, size, hva;
	u32 flags;
	bool used;
};

struct dune_vm {
	struct kref kref;
	struct mm_struct *mm;		/* mmgrab()ed opener's mm */
	struct mmu_notifier mn;
	bool mn_registered;

	struct mutex lock;		/* slot changes, vcpu count */
	int nr_vcpus;

	spinlock_t mmu_lock;		/* slots[], EPT tables, mmu_seq */
	unsigned long mmu_seq;
	long mmu_in_progress;
	bool mm_dead;			/* mm exited: no more faults */
	struct dune_mslot slots[DUNE_MAX_SLOTS];

	u64 ept_root_pa;
	u64 eptp;
	bool host_mmio;			/* a guest page maps host MMIO (set once) */
};

/* guest GPRs as the entry code sees them: dune_regs order, rsp unused */
enum {
	GPR_RAX, GPR_RBX, GPR_RCX, GPR_RDX, GPR_RSI, GPR_RDI, GPR_RSP, GPR_RBP,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT
};

struct vmx_msr_autoload {
	u32 index;
	u32 reserved;
	u64 value;
};

#define DUNE_AUTOLOAD_MAX 8
#define DUNE_PT_CACHE 4

struct dune_vcpu {
	struct dune_vm *vm;
	struct pid *owner;		/* the creating thread */
	struct mutex mutex;

	void *vmcs;			/* page */
	int cpu;			/* CPU with our VMCS current, or -1 */
	bool launched;
	u16 vpid;
	struct preempt_notifier pn;

	u64 gprs[GPR_COUNT];
	u64 cr2;
	u64 cr0_shadow, cr4_shadow;
	u64 xcr0;
	u32 pkru;			/* the guest's; the host's is in the register */
	bool l1d_dirty;			/* host code ran for this vCPU since its last entry */
	struct fpu_guest fpu;

	/* guest values: loaded on entry, stored on exit; host: loaded on exit */
	struct vmx_msr_autoload *guest_msrs;	/* page, 16-byte aligned */
	struct vmx_msr_autoload *host_msrs;
	unsigned int nr_autoload;

	/* page array for 2 MiB mappings (512 entries) */
	struct page **huge_buf;

	/* EPT tables preallocated outside the mmu_lock */
	u64 pt_cache[DUNE_PT_CACHE];
	int pt_cached;

	/* an MMIO load waiting for its data from userspace */
	bool mmio_load_pending;
	struct mmio_insn mmio_load;

	/* host state last written into the loaded VMCS */
	unsigned long host_cr3, host_cr4;
};

/* dune_vmx.c */
int dune_vmx_init(void);
void dune_vmx_exit(void);
bool dune_vmx_on_this_cpu(void);
void dune_invept_all_cpus(u64 eptp);
void dune_invvpid_all_cpus(u16 vpid);
int dune_vpid_alloc(void);
void dune_vpid_free(int vpid);

/* dune_main.c: memory */
void dune_vm_put(struct dune_vm *vm);
int dune_ept_fault(struct dune_vcpu *vcpu, u64 gpa, u64 qual, struct dune_exit *ex);
int dune_read_guest_phys(struct dune_vm *vm, u64 gpa, void *buf, unsigned int len);
int dune_pt_cache_fill(struct dune_vcpu *vcpu);
void dune_pt_cache_free(struct dune_vcpu *vcpu);

/* dune_vcpu.c */
int dune_vcpu_create(struct dune_vm *vm);

/* dune_hardening.c: what the host kernel decided, and what it costs */
struct dune_hardening_counts {
	u64 entries, verw, l1d_flush, spec_ctrl, pkru, nmi_exits;
};
extern struct dune_hardening dune_hard;
DECLARE_PER_CPU(struct dune_hardening_counts, dune_hard_counts);
int dune_hardening_init(void);
void dune_hardening_exit(void);
void dune_l1d_flush(void);
bool dune_cpu_l1d_dirty(void);

#endif
