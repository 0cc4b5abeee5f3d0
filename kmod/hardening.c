// SPDX-License-Identifier: GPL-2.0
/*
 * Speculation hardening decisions (hardening.h). The host kernel has
 * already decided what its CPU needs; this follows it for VM entry/exit,
 * the way its own VMX code does.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#else
#include <stdio.h>
#define scnprintf(buf, size, ...) \
	({ int __n = snprintf(buf, size, __VA_ARGS__); __n < 0 ? 0 : \
	   (unsigned int)__n >= (size) ? (int)(size) - 1 : __n; })
#endif

#include "hardening.h"

static enum dune_l1d l1d_policy(const struct dune_host_mitigations *in)
{
	/* not affected, or the CPU flushes on entry by itself */
	if (!in->bug_l1tf || in->skip_l1d_flush)
		return DUNE_L1D_NEVER;
	switch (in->l1tf) {
	case DUNE_L1TF_OFF:
		return DUNE_L1D_NEVER;
	case DUNE_L1TF_FULL:
		return DUNE_L1D_ALWAYS;
	case DUNE_L1TF_FLUSH:
	default:
		return DUNE_L1D_COND;
	}
}

void dune_hardening_decide(const struct dune_host_mitigations *in, struct dune_hardening *out)
{
	out->verw = in->clear_cpu_buf ? DUNE_VERW_ALWAYS :
		    in->clear_cpu_buf_mmio ? DUNE_VERW_IF_MMIO : DUNE_VERW_NEVER;
	out->l1d = l1d_policy(in);
	out->l1d_by_msr = in->flush_l1d_msr;
	out->spec_ctrl = in->msr_spec_ctrl;
	out->kernel_ibrs = in->msr_spec_ctrl && in->kernel_ibrs;
	out->rsb = in->rsb_vmexit ? DUNE_RSB_FULL :
		   in->rsb_vmexit_lite ? DUNE_RSB_ONE : DUNE_RSB_NONE;
	out->clear_bhb = in->clear_bhb_vmexit;
	out->ibpb_exit_to_user = in->ibpb_exit_to_user;
	out->pkru = in->ospke;
}

bool dune_verw_before_entry(const struct dune_hardening *h, bool vm_host_mmio)
{
	return h->verw == DUNE_VERW_ALWAYS || (h->verw == DUNE_VERW_IF_MMIO && vm_host_mmio);
}

bool dune_l1d_flush_before_entry(const struct dune_hardening *h, bool vcpu_dirty, bool cpu_dirty)
{
	return h->l1d == DUNE_L1D_ALWAYS || (h->l1d == DUNE_L1D_COND && (vcpu_dirty || cpu_dirty));
}

u64 dune_guest_spec_ctrl(const struct dune_hardening *h, u64 host_current)
{
	/* with kernel IBRS the kernel clears IBRS for user mode: the guest is no more */
	return h->kernel_ibrs ? host_current & ~DUNE_SPEC_CTRL_IBRS : host_current;
}

bool dune_spec_ctrl_on_entry(const struct dune_hardening *h, u64 guest, u64 host)
{
	return h->spec_ctrl && guest != host;
}

bool dune_spec_ctrl_on_exit(const struct dune_hardening *h, u64 guest, u64 host)
{
	/* kernel IBRS must be written again after a less privileged mode ran */
	return h->spec_ctrl && (h->kernel_ibrs || guest != host);
}

bool dune_pkru_switch(const struct dune_hardening *h, u32 from, u32 to)
{
	return h->pkru && from != to;
}

int dune_hardening_describe(const struct dune_hardening *h, char *buf, unsigned int size)
{
	static const char *const verw[] = { "off", "if-mmio", "always" };
	static const char *const l1d[] = { "off", "cond", "always" };
	static const char *const rsb[] = { "off", "one", "full" };

	return scnprintf(buf, size,
			 "verw=%s l1d_flush=%s%s spec_ctrl=%s rsb=%s bhb_clear=%s ibpb_exit_to_user=%s pkru=%s",
			 verw[h->verw], l1d[h->l1d],
			 h->l1d == DUNE_L1D_NEVER ? "" : h->l1d_by_msr ? "/msr" : "/sw",
			 !h->spec_ctrl ? "off" : h->kernel_ibrs ? "switch/kernel-ibrs" : "switch",
			 rsb[h->rsb], h->clear_bhb ? "on" : "off",
			 h->ibpb_exit_to_user ? "on" : "off", h->pkru ? "switch" : "off");
}
