/* guest ring 0 (built by the host half) - boot.c: the state a vCPU boots
 * with: segments, control registers, MSRs, FPU control words, and which
 * XSAVE components the guest keeps.
 */
#include <cpuid.h>
#include <string.h>

#include "common/percpu.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/boot.h"
#include "guest/x86/descriptors.h"
#include "guest/x86/entry.h"

#define XFEATURE_TILECFG 17
#define XFEATURE_TILEDATA 18

/* The host's enabled XSAVE components whose place in the standard format
 * ends within DUNE_XSAVE_SIZE. PVM runs the guest under the host's XCR0, so
 * an unmasked XSAVE on a host with AMX writes 8 KiB of tile data. */
static uint64_t xsave_components_that_fit(void)
{
	uint32_t lo, hi, size, offset, c, d;
	uint64_t xcr0, mask = 3; /* x87 and SSE live in the legacy area */

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	xcr0 = ((uint64_t)hi << 32) | lo;
	for (unsigned i = 2; i < 64; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		__cpuid_count(0xd, i, size, offset, c, d);
		if (offset + size <= DUNE_XSAVE_SIZE)
			mask |= 1ULL << i;
	}
	/* XCR0 takes the two AMX components together or neither */
	if (!(mask & (1ULL << XFEATURE_TILEDATA)))
		mask &= ~(1ULL << XFEATURE_TILECFG);
	return mask & xcr0;
}

void guest_fpu_init(void)
{
	unsigned a, b, c, d;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE)) {
		dune_state.use_xsave = 1;
		dune_state.xsave_mask = xsave_components_that_fit();
	}
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code64)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code64;
	s->db = !code64;
}

void guest_boot_state(struct dune_percpu *pc, struct guest_boot *b)
{
	struct kvm_sregs *s = &b->sregs;
	unsigned a, bx, c, d;
	uint64_t cr4 = 0x20 | 0x200 | 0x400; /* PAE, OSFXSR, OSXMMEXCPT */

	memset(b, 0, sizeof(*b));
	if (dune_state.deprivileged) {
		seg(&s->cs, GD_UT | 3, 11, 1);
		s->cs.dpl = 3;
		seg(&s->ds, GD_UD | 3, 3, 0);
		s->ds.dpl = 3;
	} else {
		seg(&s->cs, GD_KT, 11, 1);
		seg(&s->ds, GD_KD, 3, 0);
	}
	s->es = s->ss = s->ds;
	seg(&s->fs, 0, 3, 0);
	s->fs.base = pc->fs_base;
	seg(&s->gs, 0, 3, 0);
	s->gs.base = (uint64_t)pc;
	memset(&s->tr, 0, sizeof(s->tr));
	s->tr.selector = GD_TSS;
	s->tr.base = (uint64_t)&pc->tss;
	s->tr.limit = sizeof(pc->tss) - 1;
	s->tr.type = 11; /* busy 64-bit TSS */
	s->tr.present = 1;
	s->ldt.type = 2;
	s->ldt.unusable = 1;
	s->gdt.base = (uint64_t)pc->gdt;
	s->gdt.limit = sizeof(pc->gdt) - 1;
	s->idt.base = dune_state.idt_base;
	s->idt.limit = IDT_ENTRIES * sizeof(struct idt_gate) - 1;
	s->cr0 = 0x80010033; /* PG, WP, NE, ET, MP, PE */
	s->cr3 = dune_va_to_pa(pgroot);
	if (__get_cpuid_count(7, 0, &a, &bx, &c, &d) && (bx & bit_FSGSBASE))
		cr4 |= 1UL << 16;
	if (dune_state.use_xsave)
		cr4 |= 1UL << 18;
	s->cr4 = cr4;
	s->efer = 0x1 | 0x100 | 0x400 | 0x800; /* SCE, LME, LMA, NXE */

	guest_boot_msrs(b);

	b->regs.rip = pc->enter.rip;
	b->regs.rsp = pc->enter.rsp;
	b->regs.rbx = pc->enter.rbx;
	b->regs.rbp = pc->enter.rbp;
	b->regs.r12 = pc->enter.r12;
	b->regs.r13 = pc->enter.r13;
	b->regs.r14 = pc->enter.r14;
	b->regs.r15 = pc->enter.r15;
	b->regs.rax = 0;
	/* IF set: no interrupts are ever injected, but Bochs only interrupts a
	 * nested guest (to run its own timer) when the guest has IF=1 */
	b->regs.rflags = 0x202;
}

/* The model-specific part of the boot state: the same for every vCPU. */
void guest_boot_msrs(struct guest_boot *b)
{
	b->lstar = (uint64_t)dune_syscall_entry;
	b->star = ((uint64_t)0x23 << 48) | ((uint64_t)GD_KT << 32);
	b->fmask = 0;
	if (dune_state.use_xsave)
		b->xcr0 = dune_state.xsave_mask;
	asm volatile("stmxcsr %0" : "=m"(b->mxcsr));
	asm volatile("fnstcw %0" : "=m"(b->fcw));
}
