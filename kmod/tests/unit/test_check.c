// SPDX-License-Identifier: GPL-2.0
/* cmocka tests of check.c (ioctl argument validation) and vmcs_fields.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kvm.h>

#include "../../../libdune/common/x86.h"
#include "check.h"
#include "vmcs_fields.h"

/* the ABI structs have KVM's layouts */
_Static_assert(sizeof(struct dune_regs) == sizeof(struct kvm_regs), "regs");
_Static_assert(sizeof(struct dune_sregs) == sizeof(struct kvm_sregs), "sregs");
_Static_assert(offsetof(struct dune_sregs, cr0) == offsetof(struct kvm_sregs, cr0), "cr0");
_Static_assert(offsetof(struct dune_sregs, efer) == offsetof(struct kvm_sregs, efer), "efer");
_Static_assert(offsetof(struct dune_sregs, interrupt_bitmap) ==
	       offsetof(struct kvm_sregs, interrupt_bitmap), "bitmap");
_Static_assert(sizeof(struct dune_segment) == sizeof(struct kvm_segment), "segment");
_Static_assert(sizeof(struct dune_xsave) == sizeof(struct kvm_xsave), "xsave");
_Static_assert(sizeof(struct dune_slot) == 32, "slot");
_Static_assert(sizeof(struct dune_exit) == 72, "exit");
_Static_assert(sizeof(struct dune_msrs) == 8 + 16 * DUNE_MAX_MSRS, "msrs");

/* a Haswell's VMX fixed bits */
static const struct dune_cpu_limits lim = {
	.cr0_fixed0 = 0x80000021, .cr0_fixed1 = 0xffffffff,
	.cr4_fixed0 = 0x2000, .cr4_fixed1 = 0x3767ff,
	.host_xcr0 = 7, .user_addr_max = 0x00007ffffffff000ull,
	.gpa_bits = 39, .has_tsc_aux = true,
};

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define seg(s, sel, type, code64) X86_FLAT_SEGMENT(s, sel, type, code64)

static void good_sregs(struct dune_sregs *s)
{
	memset(s, 0, sizeof(*s));
	seg(&s->cs, SEL_CODE, DESC_TYPE_CODE_RX, 1);
	seg(&s->ds, SEL_DATA, DESC_TYPE_DATA_RW, 0);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->tr.base = 0x6000;
	s->tr.limit = 0x67;
	s->tr.selector = 0x18;
	s->tr.type = 11;
	s->tr.present = 1;
	s->ldt.type = 2;
	s->ldt.unusable = 1;
	s->gdt.base = 0x3000;
	s->gdt.limit = 39;
	s->cr0 = 0x80050033;
	s->cr3 = 0x1000;
	s->cr4 = 0x620;
	s->efer = 0xd01;
}

static void test_canonical(void **state)
{
	(void)state;
	assert_true(dune_is_canonical(0));
	assert_true(dune_is_canonical(0x00007fffffffffffull));
	assert_false(dune_is_canonical(0x0000800000000000ull));
	assert_true(dune_is_canonical(0xffff800000000000ull));
	assert_false(dune_is_canonical(0xfff0800000000000ull));
}

static void test_overlap(void **state)
{
	(void)state;
	assert_true(dune_ranges_overlap(0, 0x2000, 0x1000, 0x1000));
	assert_false(dune_ranges_overlap(0, 0x1000, 0x1000, 0x1000));
	assert_false(dune_ranges_overlap(0x1000, 0x1000, 0, 0x1000));
	assert_false(dune_ranges_overlap(0, 0, 0, 0x1000));
	assert_true(dune_ranges_overlap(0x5000, 0x1000, 0, 0x10000));
}

static void test_slot(void **state)
{
	struct dune_slot s = { .slot = 3, .gpa = 0x100000, .size = 0x2000, .hva = 0x400000 };

	(void)state;
	assert_int_equal(dune_check_slot(&s, &lim), 0);
	s.slot = DUNE_MAX_SLOTS;
	assert_int_equal(dune_check_slot(&s, &lim), -EINVAL);
	s.slot = 3;
	s.flags = 2;
	assert_int_equal(dune_check_slot(&s, &lim), -EINVAL);
	s.flags = DUNE_SLOT_READONLY;
	assert_int_equal(dune_check_slot(&s, &lim), 0);
	s.gpa = 0x100800;
	assert_int_equal(dune_check_slot(&s, &lim), -EINVAL);
	s.gpa = (1ull << 39) - 0x1000;	/* runs past the GPA width */
	assert_int_equal(dune_check_slot(&s, &lim), -EINVAL);
	s.gpa = (1ull << 39) - 0x2000;
	assert_int_equal(dune_check_slot(&s, &lim), 0);
	s.hva = 0x00007ffffffff000ull;	/* past user space */
	assert_int_equal(dune_check_slot(&s, &lim), -EINVAL);
	s.hva = 0xfffffffffffff000ull;	/* wraps */
	assert_int_equal(dune_check_slot(&s, &lim), -EINVAL);
	s.size = 0;			/* delete ignores the rest */
	assert_int_equal(dune_check_slot(&s, &lim), 0);
}

static void test_regs(void **state)
{
	struct dune_regs r = { .rip = 0x1000, .rflags = 0x200 };
	u64 fl;

	(void)state;
	assert_int_equal(dune_check_regs(&r, &fl), 0);
	assert_int_equal(fl, 0x202);
	r.rflags = 1ull << 3;
	assert_int_equal(dune_check_regs(&r, &fl), -EINVAL);
	r.rflags = 1ull << 17;	/* VM */
	assert_int_equal(dune_check_regs(&r, &fl), -EINVAL);
	r.rflags = 2;
	r.rip = 0x0000800000000000ull;
	assert_int_equal(dune_check_regs(&r, &fl), -EINVAL);
}

static void test_sregs(void **state)
{
	struct dune_sregs s, b;

	(void)state;
	good_sregs(&s);
	assert_int_equal(dune_check_sregs(&s, &lim), 0);
	assert_int_equal(dune_hw_cr4(s.cr4, &lim), 0x2620);
	assert_int_equal(dune_hw_cr0(0x80000011, &lim), 0x80000031);

#define BAD(stmt) do { b = s; stmt; assert_int_equal(dune_check_sregs(&b, &lim), -EINVAL); } while (0)
	BAD(b.cr0 &= ~1ull);			/* no PE */
	BAD(b.cr0 &= ~0x80000000ull);		/* no PG */
	BAD(b.cr0 |= 1ull << 32);
	BAD(b.cr0 = (b.cr0 | (1ull << 29)) & ~(1ull << 30));	/* NW without CD */
	BAD(b.cr4 |= 0x2000);			/* VMXE */
	BAD(b.cr4 |= 1ull << 22);		/* beyond fixed1 */
	BAD(b.cr4 &= ~0x20ull);			/* no PAE */
	BAD(b.cr3 = 1ull << 39);
	BAD(b.efer = 0x901);			/* LME without LMA */
	BAD(b.efer |= 1ull << 12);		/* unknown bit */
	BAD(b.cs.present = 0);
	BAD(b.cs.type = 3);			/* data as code */
	BAD(b.cs.db = 1);			/* L and D */
	BAD(b.cs.dpl = 4);
	BAD(b.cs.g = 0);			/* limit needs G */
	BAD(b.ss.type = 11);			/* code as stack */
	BAD(b.ss.dpl = 3);
	BAD(b.ds.type = 8);			/* execute-only code as data */
	BAD(b.tr.type = 3);
	BAD(b.tr.unusable = 1);
	BAD(b.tr.selector = 0x1c);		/* TI set */
	BAD(b.fs.base = 0x0000800000000000ull);
	BAD(b.gdt.base = 0x0000800000000000ull);
	BAD(b.cs.base = 1ull << 32);
	BAD(b.ldt.type = 2; b.ldt.unusable = 0; b.ldt.present = 1; b.ldt.s = 1);
#undef BAD

	/* things that are fine */
	b = s;
	b.tr.type = 9;			/* available TSS: accepted (made busy) */
	assert_int_equal(dune_check_sregs(&b, &lim), 0);
	b = s;
	b.ds.present = 0;		/* null data segments */
	b.ss.unusable = 1;
	assert_int_equal(dune_check_sregs(&b, &lim), 0);
	b = s;
	b.ldt.unusable = 0;
	b.ldt.present = 1;
	b.ldt.limit = 0xff;
	b.ldt.g = 0;
	b.ldt.selector = 0x28;
	assert_int_equal(dune_check_sregs(&b, &lim), 0);
}

static void test_ar(void **state)
{
	struct dune_segment s, t;

	(void)state;
	seg(&s, SEL_CODE, DESC_TYPE_CODE_RX, 1);
	assert_int_equal(dune_seg_to_ar(&s), 0xa09b);
	seg(&s, SEL_DATA, DESC_TYPE_DATA_RW, 0);
	assert_int_equal(dune_seg_to_ar(&s), 0xc093);
	s.present = 0;
	assert_true(dune_seg_to_ar(&s) & (1u << 16));
	seg(&s, SEL_DATA, DESC_TYPE_DATA_RW, 0);
	s.avl = 1;
	s.dpl = 2;
	memset(&t, 0, sizeof(t));
	dune_ar_to_seg(dune_seg_to_ar(&s), &t);
	assert_int_equal(t.type, 3);
	assert_int_equal(t.dpl, 2);
	assert_int_equal(t.avl, 1);
	assert_int_equal(t.db, 1);
	assert_int_equal(t.g, 1);
	assert_int_equal(t.present, 1);
	assert_int_equal(t.unusable, 0);
}

static void test_xcr0(void **state)
{
	(void)state;
	assert_int_equal(dune_check_xcr0(1, 7), 0);
	assert_int_equal(dune_check_xcr0(3, 7), 0);
	assert_int_equal(dune_check_xcr0(7, 7), 0);
	assert_int_equal(dune_check_xcr0(0, 7), -EINVAL);
	assert_int_equal(dune_check_xcr0(2, 7), -EINVAL);	/* no x87 */
	assert_int_equal(dune_check_xcr0(5, 7), -EINVAL);	/* AVX without SSE */
	assert_int_equal(dune_check_xcr0(0xf, 7), -EINVAL);	/* not in host */
	assert_int_equal(dune_check_xcr0(0xb, 0x1f), -EINVAL);	/* MPX halves */
	assert_int_equal(dune_check_xcr0(0x1b, 0x1f), 0);
	assert_int_equal(dune_check_xcr0(0x27, 0xe7), -EINVAL);	/* AVX-512 partial */
	assert_int_equal(dune_check_xcr0(0xe7, 0xe7), 0);
	assert_int_equal(dune_check_xcr0(0x60007, 0x600e7), -EINVAL);	/* AMX */
}

static void test_msrs(void **state)
{
	struct dune_msrs m;
	struct dune_cpu_limits no_aux = lim;

	(void)state;
	no_aux.has_tsc_aux = false;
	assert_int_equal(dune_msr_allowed(DUNE_MSR_LSTAR, &lim), 0);
	assert_int_equal(dune_msr_allowed(DUNE_MSR_TSC_AUX, &lim), 0);
	assert_int_equal(dune_msr_allowed(DUNE_MSR_TSC_AUX, &no_aux), -EINVAL);
	assert_int_equal(dune_msr_allowed(0x10, &lim), -EINVAL);
	assert_int_equal(dune_msr_allowed(0xc0000080, &lim), -EINVAL);	/* EFER: via sregs */

	memset(&m, 0, sizeof(m));
	assert_int_equal(dune_check_msrs(&m, true, &lim), -EINVAL);	/* none */
	m.nmsrs = 1;
	m.entries[0].index = DUNE_MSR_PAT;
	m.entries[0].data = 0x0007040600070406ull;
	assert_int_equal(dune_check_msrs(&m, true, &lim), 0);
	m.entries[0].data = 0x0007040600070402ull;	/* type 2 is reserved */
	assert_int_equal(dune_check_msrs(&m, true, &lim), -EINVAL);
	assert_int_equal(dune_check_msrs(&m, false, &lim), 0);	/* get ignores data */
	m.entries[0].index = DUNE_MSR_GS_BASE;
	m.entries[0].data = 0x0000800000000000ull;
	assert_int_equal(dune_check_msrs(&m, true, &lim), -EINVAL);
	m.entries[0].data = 0;
	m.entries[0].pad = 1;
	assert_int_equal(dune_check_msrs(&m, true, &lim), -EINVAL);
	m.entries[0].pad = 0;
	m.pad = 1;
	assert_int_equal(dune_check_msrs(&m, true, &lim), -EINVAL);
	m.pad = 0;
	m.nmsrs = DUNE_MAX_MSRS + 1;
	assert_int_equal(dune_check_msrs(&m, true, &lim), -EINVAL);
}

static void test_vmcs_table(void **state)
{
	const struct vmcs_field_desc *d;

	(void)state;
	assert_int_equal(dune_vmcs_table_check(), 0);
	assert_true(dune_vmcs_nr_fields > 100);
	d = dune_vmcs_field_find(GUEST_RIP);
	assert_non_null(d);
	assert_string_equal(d->name, "GUEST_RIP");
	assert_int_equal(d->width, VMCS_WNAT);
	assert_int_equal(vmcs_field_width(EPT_POINTER), VMCS_W64);
	assert_int_equal(vmcs_field_width(VM_EXIT_REASON), VMCS_W32);
	assert_int_equal(vmcs_field_width(GUEST_CS_SELECTOR), VMCS_W16);
	assert_int_equal(vmcs_field_width(HOST_RSP), VMCS_WNAT);
	assert_true(vmcs_field_is_high(EPT_POINTER + 1));
	assert_false(vmcs_field_is_high(GUEST_RIP));
	assert_null(dune_vmcs_field_find(0x7fff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_slot),
		cmocka_unit_test(test_regs),
		cmocka_unit_test(test_sregs),
		cmocka_unit_test(test_ar),
		cmocka_unit_test(test_xcr0),
		cmocka_unit_test(test_msrs),
		cmocka_unit_test(test_vmcs_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
