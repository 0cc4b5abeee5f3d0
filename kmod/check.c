// SPDX-License-Identifier: GPL-2.0
/* Validation of ioctl arguments (see check.h). */
#include "check.h"

#define PAGE_MASK_4K 0xfffull

bool dune_is_canonical(u64 addr)
{
	/* 48-bit linear addresses: bits 63..47 all equal */
	u64 top = addr >> 47;

	return top == 0 || top == 0x1ffff;
}

bool dune_ranges_overlap(u64 a, u64 a_size, u64 b, u64 b_size)
{
	if (!a_size || !b_size)
		return false;
	return a < b + b_size && b < a + a_size;
}

int dune_check_slot(const struct dune_slot *s, const struct dune_cpu_limits *lim)
{
	if (s->slot >= DUNE_MAX_SLOTS)
		return -EINVAL;
	if (s->flags & ~DUNE_SLOT_READONLY)
		return -EINVAL;
	if (s->size == 0)
		return 0;	/* delete: other fields ignored */
	if ((s->gpa | s->size | s->hva) & PAGE_MASK_4K)
		return -EINVAL;
	if (lim->gpa_bits < 32 || lim->gpa_bits > 52)
		return -EINVAL;
	if (s->size > (1ull << lim->gpa_bits) ||
	    s->gpa > (1ull << lim->gpa_bits) - s->size)
		return -EINVAL;
	if (s->hva + s->size < s->hva || s->hva + s->size > lim->user_addr_max)
		return -EINVAL;
	return 0;
}

int dune_check_regs(const struct dune_regs *r, u64 *rflags)
{
	u64 fl = r->rflags | RFLAGS_FIXED1;

	if (fl & (RFLAGS_RESERVED | RFLAGS_VM))
		return -EINVAL;
	if (!dune_is_canonical(r->rip))
		return -EINVAL;
	*rflags = fl;
	return 0;
}

u64 dune_hw_cr0(u64 cr0, const struct dune_cpu_limits *lim)
{
	return cr0 | lim->cr0_fixed0;
}

u64 dune_hw_cr4(u64 cr4, const struct dune_cpu_limits *lim)
{
	return cr4 | lim->cr4_fixed0;
}

static int check_seg_fields(const struct dune_segment *s)
{
	if (s->type > 15 || s->dpl > 3 || s->present > 1 || s->db > 1 ||
	    s->s > 1 || s->l > 1 || s->g > 1 || s->avl > 1 || s->unusable > 1)
		return -EINVAL;
	return 0;
}

static bool seg_usable(const struct dune_segment *s)
{
	return s->present && !s->unusable;
}

/* granularity must agree with the limit (SDM 26.3.1.2) */
static int check_seg_limit(const struct dune_segment *s)
{
	if (!seg_usable(s))
		return 0;
	if ((s->limit & 0xfff) != 0xfff && s->g)
		return -EINVAL;
	if ((s->limit >> 20) && !s->g)
		return -EINVAL;
	return 0;
}

u32 dune_seg_to_ar(const struct dune_segment *s)
{
	u32 ar = (u32)(s->type & 15) | (u32)(s->s & 1) << 4 |
		 (u32)(s->dpl & 3) << 5 | (u32)(s->present & 1) << 7 |
		 (u32)(s->avl & 1) << 12 | (u32)(s->l & 1) << 13 |
		 (u32)(s->db & 1) << 14 | (u32)(s->g & 1) << 15;

	if (!seg_usable(s))
		ar |= 1u << 16;
	return ar;
}

void dune_ar_to_seg(u32 ar, struct dune_segment *s)
{
	s->type = ar & 15;
	s->s = (ar >> 4) & 1;
	s->dpl = (ar >> 5) & 3;
	s->present = (ar >> 7) & 1;
	s->avl = (ar >> 12) & 1;
	s->l = (ar >> 13) & 1;
	s->db = (ar >> 14) & 1;
	s->g = (ar >> 15) & 1;
	s->unusable = (ar >> 16) & 1;
	s->padding = 0;
}

int dune_check_sregs(const struct dune_sregs *s, const struct dune_cpu_limits *lim)
{
	const struct dune_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	u64 cr0 = dune_hw_cr0(s->cr0, lim), cr4;
	unsigned int i;

	/* CR0: long mode with paging; nothing the CPU cannot hold */
	if (s->cr0 >> 32)
		return -EINVAL;
	if (!(s->cr0 & DUNE_CR0_PE) || !(s->cr0 & DUNE_CR0_PG))
		return -EINVAL;
	if (cr0 & ~lim->cr0_fixed1)
		return -EINVAL;
	if ((s->cr0 & DUNE_CR0_NW) && !(s->cr0 & DUNE_CR0_CD))
		return -EINVAL;

	/* CR4: VMXE is the host's; PAE is required in long mode */
	if (s->cr4 & DUNE_CR4_VMXE)
		return -EINVAL;
	cr4 = dune_hw_cr4(s->cr4, lim);
	if (cr4 & ~lim->cr4_fixed1)
		return -EINVAL;
	if (!(s->cr4 & DUNE_CR4_PAE))
		return -EINVAL;

	/* CR3: no bits above the physical address width */
	if (lim->gpa_bits < 32 || lim->gpa_bits > 52 || (s->cr3 >> lim->gpa_bits))
		return -EINVAL;

	/* EFER: long mode active */
	if (s->efer & ~(DUNE_EFER_SCE | DUNE_EFER_LME | DUNE_EFER_LMA | DUNE_EFER_NXE))
		return -EINVAL;
	if (!(s->efer & DUNE_EFER_LME) || !(s->efer & DUNE_EFER_LMA))
		return -EINVAL;

	for (i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		if (check_seg_fields(segs[i]) || check_seg_limit(segs[i]))
			return -EINVAL;
	}

	/* CS: present code segment; L and D never both set */
	if (!seg_usable(&s->cs) || !s->cs.s || !(s->cs.type & 8))
		return -EINVAL;
	if (s->cs.l && s->cs.db)
		return -EINVAL;
	/* SS: if usable, a writable data segment with DPL = CPL */
	if (seg_usable(&s->ss) &&
	    (!s->ss.s || (s->ss.type & 0xa) != 2 || s->ss.dpl != s->cs.dpl))
		return -EINVAL;
	/* DS, ES, FS, GS: if usable, data or readable code segments */
	for (i = 1; i <= 4; i++) {
		const struct dune_segment *d = segs[i];

		if (seg_usable(d) && (!d->s || ((d->type & 8) && !(d->type & 2))))
			return -EINVAL;
	}
	/* TR: a present 64-bit TSS (available 9 is accepted as busy 11) */
	if (!seg_usable(&s->tr) || s->tr.s || (s->tr.type != 11 && s->tr.type != 9))
		return -EINVAL;
	if (s->tr.selector & 4)
		return -EINVAL;
	/* LDTR: if usable, an LDT descriptor in the GDT */
	if (seg_usable(&s->ldt) && (s->ldt.s || s->ldt.type != 2 || (s->ldt.selector & 4)))
		return -EINVAL;

	/* bases */
	if ((s->cs.base | s->ss.base | s->ds.base | s->es.base) >> 32)
		return -EINVAL;
	if (!dune_is_canonical(s->fs.base) || !dune_is_canonical(s->gs.base) ||
	    !dune_is_canonical(s->tr.base) || !dune_is_canonical(s->ldt.base) ||
	    !dune_is_canonical(s->gdt.base) || !dune_is_canonical(s->idt.base))
		return -EINVAL;
	return 0;
}

int dune_check_xcr0(u64 xcr0, u64 host_xcr0)
{
	const u64 x87 = 1, sse = 2, avx = 4;
	const u64 bndregs = 1ull << 3, bndcsr = 1ull << 4;
	const u64 avx512 = 7ull << 5;
	const u64 amx = 3ull << 17;

	if (!(xcr0 & x87))
		return -EINVAL;
	if (xcr0 & ~host_xcr0)
		return -EINVAL;
	if ((xcr0 & avx) && !(xcr0 & sse))
		return -EINVAL;
	if (!(xcr0 & bndregs) != !(xcr0 & bndcsr))
		return -EINVAL;
	if (xcr0 & avx512) {
		if ((xcr0 & avx512) != avx512 || !(xcr0 & avx))
			return -EINVAL;
	}
	/* AMX state does not fit the fixed 4096-byte XSAVE buffer */
	if (xcr0 & amx)
		return -EINVAL;
	return 0;
}

int dune_msr_allowed(u32 index, const struct dune_cpu_limits *lim)
{
	switch (index) {
	case DUNE_MSR_PAT:
	case DUNE_MSR_STAR:
	case DUNE_MSR_LSTAR:
	case DUNE_MSR_CSTAR:
	case DUNE_MSR_SYSCALL_MASK:
	case DUNE_MSR_FS_BASE:
	case DUNE_MSR_GS_BASE:
	case DUNE_MSR_KERNEL_GS_BASE:
		return 0;
	case DUNE_MSR_TSC_AUX:
		return lim->has_tsc_aux ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static bool pat_valid(u64 pat)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		u8 t = (pat >> (8 * i)) & 0xff;

		/* 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC- */
		if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
			return false;
	}
	return true;
}

int dune_check_msr_value(u32 index, u64 data)
{
	switch (index) {
	case DUNE_MSR_PAT:
		return pat_valid(data) ? 0 : -EINVAL;
	case DUNE_MSR_LSTAR:
	case DUNE_MSR_CSTAR:
	case DUNE_MSR_FS_BASE:
	case DUNE_MSR_GS_BASE:
	case DUNE_MSR_KERNEL_GS_BASE:
		return dune_is_canonical(data) ? 0 : -EINVAL;
	case DUNE_MSR_TSC_AUX:
		return (data >> 32) ? -EINVAL : 0;
	default:
		return 0;
	}
}

int dune_check_msrs(const struct dune_msrs *m, bool set, const struct dune_cpu_limits *lim)
{
	u32 i;

	if (m->pad || m->nmsrs == 0 || m->nmsrs > DUNE_MAX_MSRS)
		return -EINVAL;
	for (i = 0; i < m->nmsrs; i++) {
		const struct dune_msr_entry *e = &m->entries[i];

		if (e->pad || dune_msr_allowed(e->index, lim))
			return -EINVAL;
		if (set && dune_check_msr_value(e->index, e->data))
			return -EINVAL;
	}
	return 0;
}
