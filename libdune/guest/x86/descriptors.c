/*
 * guest_x86.c - the x86 guest side: descriptor tables, the TSS with its
 * interrupt stacks, and the control-register state a vCPU boots with.
 */
#include <cpuid.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "host.h"
#include "internal.h"

struct idt_gate {
	uint64_t lo, hi;
};

static struct idt_gate *idt; /* a page of its own: libdune's alone */
uintptr_t dune_idt_base;
uint8_t dune_use_xsave;
uint64_t dune_xsave_mask;
uint8_t dune_deprivileged;
extern char dune_probe_fpu[];

static uint64_t seg_desc(uint64_t type_dpl_s_p, uint64_t flags)
{
	/* base 0, limit 0xfffff */
	return 0xffffULL | (type_dpl_s_p << 40) | (0xfULL << 48) | (flags << 52);
}

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

int guest_idt_init(void)
{
	unsigned a, b, c, d;
	int r;

	idt = mmap(NULL, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (idt == MAP_FAILED)
		return -ENOMEM;
	for (int v = 0; v < 256; v++) {
		uint64_t off = (uint64_t)dune_trap_entries + (uint64_t)v * TRAP_STUB_SIZE;
		/* int3 and into may come from ring 3 (DPL 3); the rest may not */
		uint64_t dpl = (v == T_BRKPT || v == T_OFLOW) ? 3 : 0;
		idt[v].lo = (off & 0xffff) | ((uint64_t)GD_KT << 16) | (1ULL << 32) /* IST1 */ |
			    ((0x8eULL | (dpl << 5)) << 40) | (((off >> 16) & 0xffff) << 48);
		idt[v].hi = off >> 32;
	}
	dune_idt_base = (uintptr_t)idt;
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE)) {
		dune_use_xsave = 1;
		dune_xsave_mask = xsave_components_that_fit();
	}
	if ((r = mirror_kernel_only((uintptr_t)idt, (uintptr_t)idt + PGSIZE,
				    PROT_READ | PROT_WRITE, 1)) < 0)
		return r;
	return mirror_kernel_only((uintptr_t)dune_entry_text_start,
				  (uintptr_t)dune_entry_text_end, PROT_READ | PROT_EXEC, 1);
}

int guest_percpu_init(struct dune_percpu *pc)
{
	size_t size = IST_STACK_SIZE + TRAP_STACK_SIZE * TRAP_STACK_DEPTH + PGSIZE;
	void *stacks;

	stacks = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stacks == MAP_FAILED)
		return -ENOMEM;
	/* lowest page: guard */
	mprotect(stacks, PGSIZE, PROT_NONE);
	pc->stacks = (uintptr_t)stacks;
	pc->stacks_size = size;
	guest_percpu_reset(pc);
	return 0;
}

/* Descriptor tables and stack pointers, as for a fresh thread. */
void guest_percpu_reset(struct dune_percpu *pc)
{
	uintptr_t tss = (uintptr_t)&pc->tss;

	pc->self = (uint64_t)pc;
	pc->trap_sp = pc->stacks + PGSIZE + TRAP_STACK_SIZE * TRAP_STACK_DEPTH;
	pc->trap_sp_limit = pc->stacks + PGSIZE;
	/* the IST stack is the page above the trap stacks; its bottom tells
	 * the ring-0 entry who it is (entry.S trap_common) */
	pc->ist_page = pc->trap_sp;
	((uint64_t *)pc->ist_page)[IST_PC / 8] = (uint64_t)pc;
	((uint64_t *)pc->ist_page)[IST_UVIEW_ON / 8] = 0;

	memset(pc->gdt, 0, sizeof(pc->gdt));
	pc->gdt[GD_KT >> 3] = seg_desc(0x9b, 0xa);  /* code, DPL0, L, G */
	pc->gdt[GD_KD >> 3] = seg_desc(0x93, 0xc);  /* data, DPL0 */
	pc->gdt[0x20 >> 3] = seg_desc(0xfb, 0xc);   /* 32-bit user code (STAR) */
	pc->gdt[GD_UD >> 3] = seg_desc(0xf3, 0xc);  /* data, DPL3 */
	pc->gdt[GD_UT >> 3] = seg_desc(0xfb, 0xa);  /* code, DPL3, L */
	pc->gdt[GD_TSS >> 3] = (sizeof(pc->tss) - 1) | ((tss & 0xffffff) << 16) |
			       (0x89ULL << 40) | (((tss >> 24) & 0xff) << 56);
	pc->gdt[GD_TSS2 >> 3] = tss >> 32;

	memset(&pc->tss, 0, sizeof(pc->tss));
	pc->tss.ist[1] = pc->trap_sp + IST_STACK_SIZE;
	pc->tss.rsp[0] = pc->trap_sp + IST_STACK_SIZE;
	pc->tss.iomb = sizeof(pc->tss);
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
	if (dune_deprivileged) {
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
	s->idt.base = dune_idt_base;
	s->idt.limit = 256 * sizeof(struct idt_gate) - 1;
	s->cr0 = 0x80010033; /* PG, WP, NE, ET, MP, PE */
	s->cr3 = dune_va_to_pa(pgroot);
	if (__get_cpuid_count(7, 0, &a, &bx, &c, &d) && (bx & bit_FSGSBASE))
		cr4 |= 1UL << 16;
	if (dune_use_xsave)
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
	if (dune_use_xsave)
		b->xcr0 = dune_xsave_mask;
	asm volatile("stmxcsr %0" : "=m"(b->mxcsr));
	asm volatile("fnstcw %0" : "=m"(b->fcw));
}

/*
 * Can guest ring 0 use the FPU? On PVM it cannot: x87/SSE/AVX/XSAVE there
 * end in an emulation failure rather than executing. A throwaway vCPU runs
 * `pxor; doorbell write` in ring 0 and the exit tells. DUNE_GUEST_RING=3
 * forces the deprivileged mode.
 */
int guest_probe_ring0_fpu(void)
{
	struct dune_percpu *pc;
	struct guest_boot boot;
	struct host_exit ex;
	const char *force = getenv("DUNE_GUEST_RING");
	int r;

	if (force && !strcmp(force, "3")) {
		dune_deprivileged = 1;
		return 0;
	}
	pc = mmap(NULL, DUNE_PERCPU_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pc == MAP_FAILED)
		return -ENOMEM;
	if ((r = guest_percpu_init(pc)) < 0 || (r = mirror_sync_all()) < 0 ||
	    (r = host->vcpu_create(pc)) < 0)
		return r;
	pc->doorbell = dune_doorbell_va;
	pc->enter.rip = (uint64_t)dune_probe_fpu;
	pc->enter.rsp = pc->trap_sp;
	dune_deprivileged = 0;
	guest_boot_state(pc, &boot);
	boot.regs.rax = dune_doorbell_va;
	if ((r = host->vcpu_boot(pc, &boot)) < 0)
		return r;
	r = host->vcpu_run(pc, &ex);
	if (r < 0)
		return r;
	dune_deprivileged = !(ex.kind == EXIT_MMIO && ex.gpa == dune_doorbell_gpa);
	host->vcpu_destroy(pc);
	return 0;
}
