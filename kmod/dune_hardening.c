// SPDX-License-Identifier: GPL-2.0
/*
 * The host kernel's speculation decisions, read at load from what it
 * exports (CPU feature and bug bits, l1tf_mitigation, the MMIO stale data
 * static key; IA32_ARCH_CAPABILITIES read here, as x86_read_arch_cap_msr()
 * is not exported), the L1D flush, and counters. The decisions themselves
 * are in hardening.c.
 */
#include <linux/gfp.h>
#include <linux/hardirq.h>
#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched/smt.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/processor.h>

#include "compat.h"
#include "dune.h"

struct dune_hardening dune_hard;
DEFINE_PER_CPU(struct dune_hardening_counts, dune_hard_counts);

static_assert(DUNE_SPEC_CTRL_IBRS == SPEC_CTRL_IBRS);

/* software L1D flush: more than any L1D, read line by line */
#define L1D_FLUSH_ORDER		4
#define L1D_FLUSH_SIZE		(PAGE_SIZE << L1D_FLUSH_ORDER)
static u8 *l1d_flush_buf;

static enum dune_l1tf_mode l1tf_mode(void)
{
	switch (l1tf_mitigation) {
	case L1TF_MITIGATION_OFF:
		return DUNE_L1TF_OFF;
	case L1TF_MITIGATION_FULL:
	case L1TF_MITIGATION_FULL_FORCE:
		return DUNE_L1TF_FULL;
	default:
		return DUNE_L1TF_FLUSH;
	}
}

static bool arch_cap_skip_l1d_flush(void)
{
	u64 cap = 0;

	if (!boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES) ||
	    rdmsrl_safe(MSR_IA32_ARCH_CAPABILITIES, &cap))
		return false;
	return cap & ARCH_CAP_SKIP_VMENTRY_L1DFLUSH;
}

static void read_host_mitigations(struct dune_host_mitigations *m)
{
	memset(m, 0, sizeof(*m));
	m->clear_cpu_buf = boot_cpu_has(X86_FEATURE_CLEAR_CPU_BUF) ||
			   boot_cpu_has(X86_FEATURE_CLEAR_CPU_BUF_VM);
	m->clear_cpu_buf_mmio = static_key_enabled(&mmio_stale_data_clear);
	m->bug_l1tf = boot_cpu_has_bug(X86_BUG_L1TF);
	m->l1tf = l1tf_mode();
	m->skip_l1d_flush = arch_cap_skip_l1d_flush();
	m->flush_l1d_msr = boot_cpu_has(X86_FEATURE_FLUSH_L1D);
	m->msr_spec_ctrl = boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL);
	m->kernel_ibrs = boot_cpu_has(X86_FEATURE_KERNEL_IBRS);
	m->rsb_vmexit = boot_cpu_has(X86_FEATURE_RSB_VMEXIT);
	m->rsb_vmexit_lite = boot_cpu_has(X86_FEATURE_RSB_VMEXIT_LITE);
	m->clear_bhb_vmexit = boot_cpu_has(X86_FEATURE_CLEAR_BHB_LOOP_ON_VMEXIT);
	m->ibpb_exit_to_user = boot_cpu_has(X86_FEATURE_IBPB_EXIT_TO_USER);
	m->ospke = boot_cpu_has(X86_FEATURE_OSPKE);
}

int dune_hardening_init(void)
{
	struct dune_host_mitigations m;
	char line[200];

#ifdef X86_FEATURE_FRED
	/* an NMI exit is handed to the host through an IRET frame, not FRED */
	if (cpu_feature_enabled(X86_FEATURE_FRED)) {
		pr_err(DUNE_PR "FRED is enabled; boot with fred=off to use dune.ko\n");
		return -ENODEV;
	}
#endif
	read_host_mitigations(&m);
	dune_hardening_decide(&m, &dune_hard);
	if (dune_hard.l1d != DUNE_L1D_NEVER && !dune_hard.l1d_by_msr) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_ZERO, L1D_FLUSH_ORDER);

		if (!p) {
			pr_err(DUNE_PR "no memory for the L1D flush buffer\n");
			return -ENOMEM;
		}
		l1d_flush_buf = page_address(p);
	}
	dune_hardening_describe(&dune_hard, line, sizeof(line));
	pr_info(DUNE_PR "entry/exit hardening: %s\n", line);
	/* as KVM says it: flushing on entry does not keep a sibling thread out */
	if (m.bug_l1tf && m.l1tf != DUNE_L1TF_OFF && !m.skip_l1d_flush && sched_smt_active())
		pr_warn(DUNE_PR "L1TF: SMT is on, a guest's sibling thread can read this core's L1D (l1tf=flush,nosmt turns SMT off)\n");
	return 0;
}

void dune_hardening_exit(void)
{
	if (l1d_flush_buf)
		free_pages((unsigned long)l1d_flush_buf, L1D_FLUSH_ORDER);
	l1d_flush_buf = NULL;
}

/* interrupts disabled */
void dune_l1d_flush(void)
{
	unsigned int i;

	if (dune_hard.l1d_by_msr) {
		wrmsrl(MSR_IA32_FLUSH_CMD, L1D_FLUSH);
		return;
	}
	/* load the TLB first, so the cache fill below is not cut short by page walks */
	for (i = 0; i < L1D_FLUSH_SIZE; i += PAGE_SIZE)
		(void)READ_ONCE(l1d_flush_buf[i]);
	asm volatile("lfence" ::: "memory");
	for (i = 0; i < L1D_FLUSH_SIZE; i += L1_CACHE_BYTES)
		(void)READ_ONCE(l1d_flush_buf[i]);
	asm volatile("lfence" ::: "memory");
}

/* an interrupt or softirq ran on this CPU since the last check (the kernel's flag) */
bool dune_cpu_l1d_dirty(void)
{
#if IS_ENABLED(CONFIG_KVM_INTEL)
	bool dirty = kvm_get_cpu_l1tf_flush_l1d();

	kvm_clear_cpu_l1tf_flush_l1d();
	return dirty;
#else
	return true;	/* the kernel does not track it: assume it did */
#endif
}

/* ---- read-only module parameters ---- */

static int hardening_get(char *buf, const struct kernel_param *kp)
{
	int n = dune_hardening_describe(&dune_hard, buf, PAGE_SIZE - 1);

	buf[n++] = '\n';
	return n;
}

static const struct kernel_param_ops hardening_ops = { .get = hardening_get };
module_param_cb(hardening, &hardening_ops, NULL, 0444);
MODULE_PARM_DESC(hardening, "what VM entry and exit do against speculation attacks, from the host kernel's own choices");

static int counts_get(char *buf, const struct kernel_param *kp)
{
	struct dune_hardening_counts sum = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct dune_hardening_counts *c = per_cpu_ptr(&dune_hard_counts, cpu);

		sum.entries += c->entries;
		sum.verw += c->verw;
		sum.l1d_flush += c->l1d_flush;
		sum.spec_ctrl += c->spec_ctrl;
		sum.pkru += c->pkru;
		sum.nmi_exits += c->nmi_exits;
	}
	return scnprintf(buf, PAGE_SIZE,
			 "entries=%llu verw=%llu l1d_flush=%llu spec_ctrl=%llu pkru=%llu nmi_exits=%llu\n",
			 sum.entries, sum.verw, sum.l1d_flush, sum.spec_ctrl, sum.pkru, sum.nmi_exits);
}

static const struct kernel_param_ops counts_ops = { .get = counts_get };
module_param_cb(hardening_counts, &counts_ops, NULL, 0444);
MODULE_PARM_DESC(hardening_counts, "VM entries, and how many of them cleared buffers, flushed L1D, switched SPEC_CTRL or PKRU; NMI exits");
