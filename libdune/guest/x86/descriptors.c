/* guest ring 0 (built by the host half) - descriptors.c: the IDT, and each
 * vCPU's GDT, TSS and interrupt stacks.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "common/percpu.h"
#include "common/state.h"
#include "common/x86.h"
#include "dune.h"
#include "guest/x86/descriptors.h"
#include "guest/x86/entry.h"
#include "mm/mirror.h"

static struct idt_gate *idt; /* a page of its own: libdune's alone */
static uintptr_t area_next = DESCRIPTOR_AREA;

void *descriptor_area_map(size_t len)
{
	uintptr_t at = __atomic_fetch_add(&area_next, len, __ATOMIC_SEQ_CST);
	void *p = MAP_FAILED;
	if (at + len <= DESCRIPTOR_AREA + DESCRIPTOR_AREA_SIZE)
		p = mmap((void *)at, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED || p != (void *)at) {
		if (p != MAP_FAILED)
			munmap(p, len); /* an old kernel took the hint as a hint */
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	return p;
}

int guest_idt_init(void)
{
	int r;

	idt = descriptor_area_map(PGSIZE);
	if (idt == MAP_FAILED)
		return -ENOMEM;
	for (int v = 0; v < IDT_ENTRIES; v++) {
		uint64_t stub = (uint64_t)dune_trap_entries + (uint64_t)v * TRAP_STUB_SIZE;
		/* int3 and into may come from ring 3 (DPL 3); the rest may not */
		unsigned dpl = (v == T_BRKPT || v == T_OFLOW) ? 3 : 0;
		x86_int_gate(&idt[v].lo, &idt[v].hi, stub, GD_KT, TSS_IST_ENTRY, dpl);
	}
	dune_state.idt_base = (uintptr_t)idt;
	if ((r = mirror_kernel_only((uintptr_t)idt, (uintptr_t)idt + PGSIZE,
				    PROT_READ | PROT_WRITE, 1)) < 0)
		return r;
	return mirror_kernel_only((uintptr_t)dune_entry_text_start,
				  (uintptr_t)dune_entry_text_end, PROT_READ | PROT_EXEC, 1);
}

int guest_percpu_init(struct dune_percpu *cpu)
{
	size_t size = IST_STACK_SIZE + TRAP_STACK_SIZE * TRAP_STACK_DEPTH + PGSIZE;
	void *stacks;

	stacks = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stacks == MAP_FAILED)
		return -ENOMEM;
	/* lowest page: guard */
	mprotect(stacks, PGSIZE, PROT_NONE);
	cpu->stacks = (uintptr_t)stacks;
	cpu->stacks_size = size;
	guest_percpu_reset(cpu);
	return 0;
}

void guest_percpu_free(struct dune_percpu *cpu)
{
	munmap((void *)cpu->stacks, cpu->stacks_size);
	cpu->stacks = 0;
}

/* Descriptor tables and stack pointers, as for a fresh thread. */
void guest_percpu_reset(struct dune_percpu *cpu)
{
	uintptr_t tss = (uintptr_t)&cpu->tss;

	cpu->self = (uint64_t)cpu;
	cpu->trap_sp = cpu->stacks + PGSIZE + TRAP_STACK_SIZE * TRAP_STACK_DEPTH;
	cpu->trap_sp_limit = cpu->stacks + PGSIZE;
	/* the IST stack is the page above the trap stacks; its bottom tells
	 * the ring-0 entry who it is (entry.S trap_common) */
	cpu->ist_page = cpu->trap_sp;
	((struct ist_head *)cpu->ist_page)->cpu = (uint64_t)cpu;
	((struct ist_head *)cpu->ist_page)->uview_on = 0;

	memset(cpu->gdt, 0, sizeof(cpu->gdt));
	cpu->gdt[SEL_INDEX(GD_KT)] = x86_code64_desc(0);
	cpu->gdt[SEL_INDEX(GD_KD)] = x86_data_desc(0);
	cpu->gdt[SEL_INDEX(GD_UT32)] = x86_code32_desc(3); /* STAR's 32-bit user code */
	cpu->gdt[SEL_INDEX(GD_UD)] = x86_data_desc(3);
	cpu->gdt[SEL_INDEX(GD_UT)] = x86_code64_desc(3);
	x86_tss_desc(&cpu->gdt[SEL_INDEX(GD_TSS)], tss, sizeof(cpu->tss) - 1);

	memset(&cpu->tss, 0, sizeof(cpu->tss));
	cpu->tss.ist[TSS_IST_ENTRY] = cpu->trap_sp + IST_STACK_SIZE;
	cpu->tss.rsp[0] = cpu->trap_sp + IST_STACK_SIZE;
	cpu->tss.iomb = sizeof(cpu->tss);
}

