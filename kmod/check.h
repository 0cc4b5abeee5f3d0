/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validation of ioctl arguments. Pure functions over the ABI structs and a
 * description of the CPU, so they build in the module and in userspace
 * unit tests (tests/unit/).
 */
#ifndef DUNE_CHECK_H
#define DUNE_CHECK_H

#include "dune_types.h"
#include "dune_ioctl.h"

#define DUNE_CR0_PE	(1ull << 0)
#define DUNE_CR0_NE	(1ull << 5)
#define DUNE_CR0_NW	(1ull << 29)
#define DUNE_CR0_CD	(1ull << 30)
#define DUNE_CR0_PG	(1ull << 31)
#define DUNE_CR4_PAE	(1ull << 5)
#define DUNE_CR4_VMXE (1ull << 13)
#define DUNE_EFER_SCE	(1ull << 0)
#define DUNE_EFER_LME	(1ull << 8)
#define DUNE_EFER_LMA	(1ull << 10)
#define DUNE_EFER_NXE	(1ull << 11)

#define RFLAGS_FIXED1	(1ull << 1)
#define RFLAGS_VM	(1ull << 17)
/* bits 3, 5, 15 and 22..63 are reserved (must be 0) */
#define RFLAGS_RESERVED	((1ull << 3) | (1ull << 5) | (1ull << 15) | ~((1ull << 22) - 1))

/* What validation needs to know about this CPU. */
struct dune_cpu_limits {
	u64 cr0_fixed0, cr0_fixed1;	/* IA32_VMX_CR0_FIXED0/1 */
	u64 cr4_fixed0, cr4_fixed1;	/* IA32_VMX_CR4_FIXED0/1 */
	u64 host_xcr0;
	u64 user_addr_max;		/* first address above user space */
	u32 gpa_bits;			/* guest-physical address width */
	bool has_tsc_aux;		/* RDTSCP/RDPID: TSC_AUX allowed */
};

bool dune_is_canonical(u64 addr);
bool dune_ranges_overlap(u64 a, u64 a_size, u64 b, u64 b_size);

/* slot: 0 ok or -EINVAL; does not check overlap with other slots */
int dune_check_slot(const struct dune_slot *s, const struct dune_cpu_limits *lim);

/* regs: 0 and *rflags (bit 1 forced) or -EINVAL */
int dune_check_regs(const struct dune_regs *r, u64 *rflags);

/* sregs: 0 or -EINVAL; long mode only (no unrestricted guest) */
int dune_check_sregs(const struct dune_sregs *s, const struct dune_cpu_limits *lim);
/* CR0/CR4 the hardware gets for what the guest asked for */
u64 dune_hw_cr0(u64 cr0, const struct dune_cpu_limits *lim);
u64 dune_hw_cr4(u64 cr4, const struct dune_cpu_limits *lim);

/* VMX access-rights word <-> ABI segment */
u32 dune_seg_to_ar(const struct dune_segment *s);
void dune_ar_to_seg(u32 ar, struct dune_segment *s);

int dune_check_xcr0(u64 xcr0, u64 host_xcr0);
/* MSR allow-list: 0 if index may be read/written, -EINVAL otherwise */
int dune_msr_allowed(u32 index, const struct dune_cpu_limits *lim);
int dune_check_msr_value(u32 index, u64 data);
int dune_check_msrs(const struct dune_msrs *m, bool set, const struct dune_cpu_limits *lim);

#endif
