/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Speculation hardening around VM entry and exit: what the host kernel
 * decided (read once at load by dune_hardening.c) turned into what this
 * module does, and the per-entry choices. Pure functions, so the decisions
 * are unit-tested in userspace (tests/unit/test_hardening.c).
 */
#ifndef DUNE_HARDENING_H
#define DUNE_HARDENING_H

#include "dune_types.h"

/* the kernel's enum l1tf_mitigations, by meaning (dune_hardening.c maps it) */
enum dune_l1tf_mode {
	DUNE_L1TF_OFF,		/* mitigations=off or l1tf=off */
	DUNE_L1TF_FLUSH,	/* flush, flush,nowarn, flush,nosmt (the default) */
	DUNE_L1TF_FULL,		/* full, full,force */
};

/* What the host kernel decided; every field from its exported state. */
struct dune_host_mitigations {
	bool clear_cpu_buf;	/* X86_FEATURE_CLEAR_CPU_BUF(_VM): VERW for MDS/TAA/RFDS/MMIO */
	bool clear_cpu_buf_mmio; /* mmio_stale_data_clear: VERW only where a guest reaches MMIO */
	bool bug_l1tf;		/* X86_BUG_L1TF */
	enum dune_l1tf_mode l1tf;
	bool skip_l1d_flush;	/* IA32_ARCH_CAPABILITIES.SKIP_L1DFL_VMENTRY */
	bool flush_l1d_msr;	/* X86_FEATURE_FLUSH_L1D: IA32_FLUSH_CMD exists */
	bool msr_spec_ctrl;	/* X86_FEATURE_MSR_SPEC_CTRL */
	bool kernel_ibrs;	/* X86_FEATURE_KERNEL_IBRS: IBRS set on entry, cleared for user mode */
	bool rsb_vmexit;	/* X86_FEATURE_RSB_VMEXIT */
	bool rsb_vmexit_lite;	/* X86_FEATURE_RSB_VMEXIT_LITE */
	bool clear_bhb_vmexit;	/* X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT */
	bool ibpb_exit_to_user;	/* X86_FEATURE_IBPB_EXIT_TO_USER (VMSCAPE) */
	bool ospke;		/* X86_FEATURE_OSPKE: the host uses PKRU */
};

enum dune_verw { DUNE_VERW_NEVER, DUNE_VERW_IF_MMIO, DUNE_VERW_ALWAYS };
enum dune_l1d { DUNE_L1D_NEVER, DUNE_L1D_COND, DUNE_L1D_ALWAYS };
enum dune_rsb { DUNE_RSB_NONE, DUNE_RSB_ONE, DUNE_RSB_FULL };

/* What the module does around each entry and exit. */
struct dune_hardening {
	enum dune_verw verw;	/* VERW right before VMLAUNCH/VMRESUME */
	enum dune_l1d l1d;	/* L1D flush before entry */
	bool l1d_by_msr;	/* IA32_FLUSH_CMD, else the software sequence */
	bool spec_ctrl;		/* SPEC_CTRL switched around the guest */
	bool kernel_ibrs;	/* the guest runs without IBRS, the host gets it back */
	enum dune_rsb rsb;	/* RSB refill after exit (the kernel's FILL_RETURN_BUFFER) */
	bool clear_bhb;		/* branch history cleared after exit */
	bool ibpb_exit_to_user;	/* IBPB before the VMM's user mode runs again */
	bool pkru;		/* PKRU switched around the guest */
};

#define DUNE_SPEC_CTRL_IBRS	(1ull << 0)

void dune_hardening_decide(const struct dune_host_mitigations *in, struct dune_hardening *out);

/* VERW before this entry: the guest may reach host MMIO if vm_host_mmio */
bool dune_verw_before_entry(const struct dune_hardening *h, bool vm_host_mmio);

/*
 * L1D flush before this entry. vcpu_dirty: host code ran for this vCPU
 * since its last entry (a new DUNE_RUN, a fault handled, a reschedule);
 * cpu_dirty: an interrupt or softirq ran on this CPU (the kernel's flag).
 */
bool dune_l1d_flush_before_entry(const struct dune_hardening *h, bool vcpu_dirty, bool cpu_dirty);

/* SPEC_CTRL the guest runs with: what the task's user mode gets */
u64 dune_guest_spec_ctrl(const struct dune_hardening *h, u64 host_current);
bool dune_spec_ctrl_on_entry(const struct dune_hardening *h, u64 guest, u64 host);
bool dune_spec_ctrl_on_exit(const struct dune_hardening *h, u64 guest, u64 host);

/* PKRU write when switching from one value to the other */
bool dune_pkru_switch(const struct dune_hardening *h, u32 from, u32 to);

/* one line for the `hardening` module parameter; returns its length */
int dune_hardening_describe(const struct dune_hardening *h, char *buf, unsigned int size);

#endif
