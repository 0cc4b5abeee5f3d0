/* guest ring 0 (built by the host half) - descriptors.c: the IDT, and each
 * vCPU's GDT, TSS and interrupt stacks.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "common/percpu.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/descriptors.h"
#include "guest/x86/entry.h"
#include "mm/mirror.h"

static struct idt_gate *idt; /* a page of its own: libdune's alone */

static uint64_t seg_desc(uint64_t type_dpl_s_p, uint64_t flags)
{
	/* base 0, limit 0xfffff */
	return 0xffffULL | (type_dpl_s_p << 40) | (0xfULL << 48) | (flags << 52);
}

int guest_idt_init(void)
{
	int r;

	idt = mmap(NULL, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (idt == MAP_FAILED)
		return -ENOMEM;
	for (int v = 0; v < IDT_ENTRIES; v++) {
		uint64_t off = (uint64_t)dune_trap_entries + (uint64_t)v * TRAP_STUB_SIZE;
		/* int3 and into may come from ring 3 (DPL 3); the rest may not */
		uint64_t dpl = (v == T_BRKPT || v == T_OFLOW) ? 3 : 0;
		idt[v].lo = (off & 0xffff) | ((uint64_t)GD_KT << 16) | (1ULL << 32) /* IST1 */ |
			    ((0x8eULL | (dpl << 5)) << 40) | (((off >> 16) & 0xffff) << 48);
		idt[v].hi = off >> 32;
	}
	dune_state.idt_base = (uintptr_t)idt;
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

