/* guest ring 0 (built by the host half) - boot.c: the state a vCPU boots
 * with: segments, control registers, MSRs, FPU control words, and which
 * XSAVE components the guest keeps.
 */
#include <cpuid.h>
#include <string.h>

#include "common/percpu.h"
#include "common/state.h"
#include "common/x86.h"
#include "dune.h"
#include "guest/x86/boot.h"
#include "guest/x86/descriptors.h"
#include "guest/x86/entry.h"

/* The host's enabled XSAVE components whose place in the standard format
 * ends within DUNE_XSAVE_SIZE. PVM runs the guest under the host's XCR0, so
 * an unmasked XSAVE on a host with AMX writes 8 KiB of tile data. */
static uint64_t xsave_components_that_fit(void)
{
	uint32_t lo, hi, size, offset, c, d;
	/* x87 and SSE live in the legacy area */
	uint64_t xcr0, mask = XFEATURE_MASK_X87 | XFEATURE_MASK_SSE;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	xcr0 = ((uint64_t)hi << 32) | lo;
	for (unsigned i = 2; i < 64; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		__cpuid_count(CPUID_LEAF_XSAVE, i, size, offset, c, d);
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

void guest_boot_state(struct dune_percpu *cpu, struct guest_boot *b)
{
	struct kvm_sregs *s = &b->sregs;
	unsigned a, bx, c, d;
	uint64_t cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;

	memset(b, 0, sizeof(*b));
	if (dune_state.deprivileged) {
		x86_flat_segment(&s->cs, GD_UT | SEL_RPL3, DESC_TYPE_CODE_RX, 1);
		x86_flat_segment(&s->ds, GD_UD | SEL_RPL3, DESC_TYPE_DATA_RW, 0);
	} else {
		x86_flat_segment(&s->cs, GD_KT, DESC_TYPE_CODE_RX, 1);
		x86_flat_segment(&s->ds, GD_KD, DESC_TYPE_DATA_RW, 0);
	}
	s->es = s->ss = s->ds;
	x86_flat_segment(&s->fs, 0, DESC_TYPE_DATA_RW, 0);
	s->fs.base = cpu->fs_base;
	x86_flat_segment(&s->gs, 0, DESC_TYPE_DATA_RW, 0);
	s->gs.base = (uint64_t)cpu;
	memset(&s->tr, 0, sizeof(s->tr));
	s->tr.selector = GD_TSS;
	s->tr.base = (uint64_t)&cpu->tss;
	s->tr.limit = sizeof(cpu->tss) - 1;
	s->tr.type = DESC_TYPE_TSS64_BUSY;
	s->tr.present = 1;
	s->ldt.type = DESC_TYPE_LDT;
	s->ldt.unusable = 1;
	s->gdt.base = (uint64_t)cpu->gdt;
	s->gdt.limit = sizeof(cpu->gdt) - 1;
	s->idt.base = dune_state.idt_base;
	s->idt.limit = IDT_ENTRIES * sizeof(struct idt_gate) - 1;
	s->cr0 = CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
	s->cr3 = dune_va_to_pa(pgroot);
	cpu->prog_cr3 = s->cr3;
	if (__get_cpuid_count(7, 0, &a, &bx, &c, &d) && (bx & bit_FSGSBASE))
		cr4 |= CR4_FSGSBASE;
	/* sgdt, sidt, sldt, str and smsw in user code would give libdune's
	 * addresses: with UMIP they fault instead */
	if (__get_cpuid_count(7, 0, &a, &bx, &c, &d) && (c & CPUID_7_ECX_UMIP))
		cr4 |= CR4_UMIP;
	if (dune_state.use_xsave)
		cr4 |= CR4_OSXSAVE;
	s->cr4 = cr4;
	s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;

	guest_boot_msrs(b);

	b->regs.rip = cpu->enter.rip;
	b->regs.rsp = cpu->enter.rsp;
	b->regs.rbx = cpu->enter.rbx;
	b->regs.rbp = cpu->enter.rbp;
	b->regs.r12 = cpu->enter.r12;
	b->regs.r13 = cpu->enter.r13;
	b->regs.r14 = cpu->enter.r14;
	b->regs.r15 = cpu->enter.r15;
	b->regs.rax = 0;
	/* IF set: no interrupts are ever injected, but Bochs only interrupts a
	 * nested guest (to run its own timer) when the guest has IF=1 */
	b->regs.rflags = EFLAGS_IF | EFLAGS_FIXED;
}

/* The model-specific part of the boot state: the same for every vCPU. */
void guest_boot_msrs(struct guest_boot *b)
{
	b->lstar = (uint64_t)dune_syscall_entry;
	/* SYSRET: user CS = base + 16, SS = base + 8; SYSCALL: CS = GD_KT */
	b->star = ((uint64_t)(GD_UT32 | SEL_RPL3) << 48) | ((uint64_t)GD_KT << 32);
	/* flags SYSCALL clears on the way into ring 0. TF above all: user code
	 * may set it, and a single-step trap on the entry's first instruction
	 * would run the trap path in ring 0 before its swapgs, on the GS base
	 * user code chose. DF, AC and NT likewise mean nothing good to the
	 * entry. A ring-0 program's own syscalls lose them too (its entry
	 * returns with a jump): no ABI carries DF or TF across a call. */
	b->fmask = EFLAGS_TF | EFLAGS_DF | EFLAGS_AC | EFLAGS_NT;
	if (dune_state.use_xsave)
		b->xcr0 = dune_state.xsave_mask;
	asm volatile("stmxcsr %0" : "=m"(b->mxcsr));
	asm volatile("fnstcw %0" : "=m"(b->fcw));
}
