/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vmx_enter.S needs for one VM entry: the guest's registers and the
 * hardening choices of this entry. Shared by C and assembly; dune_vcpu.c
 * checks the offsets against the struct at compile time.
 */
#ifndef DUNE_VMX_ENTRY_H
#define DUNE_VMX_ENTRY_H

/* flags */
#define DUNE_ENTRY_RESUME_BIT		0	/* VMRESUME, else VMLAUNCH */
#define DUNE_ENTRY_RESUME		(1 << DUNE_ENTRY_RESUME_BIT)
#define DUNE_ENTRY_VERW			(1 << 1) /* clear CPU buffers last */
#define DUNE_ENTRY_SPEC_CTRL_GUEST	(1 << 2) /* write spec_ctrl_guest before entry */
#define DUNE_ENTRY_SPEC_CTRL_HOST	(1 << 3) /* write spec_ctrl_host after exit */

/* offsets */
#define DUNE_ENTRY_GPRS			0
#define DUNE_ENTRY_FLAGS		8
#define DUNE_ENTRY_SPEC_CTRL_GUEST_OFF	16
#define DUNE_ENTRY_SPEC_CTRL_HOST_OFF	24

#ifndef __ASSEMBLY__
#include <linux/types.h>

struct dune_entry {
	u64 *gprs;		/* dune.h GPR_* order; RSP unused */
	u32 flags;
	u32 reserved;
	u64 spec_ctrl_guest;
	u64 spec_ctrl_host;
};

/* 0 after a VM exit, 1 on VMfailValid, 2 on VMfailInvalid; interrupts off */
int dune_vmx_run(struct dune_entry *entry);
#endif

#endif
