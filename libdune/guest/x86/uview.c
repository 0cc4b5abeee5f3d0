/* guest ring 0 - uview.c: the user view, the page table user code runs
 * under (dune_jump_to_user) on every guest.
 *
 * User code runs under the page table the program has loaded (pgroot, or
 * one of its own through load_cr3, as wedge's sthreads do), where user
 * code must not reach libdune's memory (and on a deprivileged guest, PVM,
 * the program itself runs in ring 3, so its pages carry PTE_U there). The
 * user view is a second page table holding
 *  - the pages ring 0 needs to take a trap (entry code, IDT, per-CPU pages
 *    and trap stacks), supervisor-only, put in when they are registered
 *    (mirror_kernel_only with `entry`);
 *  - the pages of the program's table that user code may touch (PTE_U
 *    without PTE_KONLY), copied in on first touch (uview_fill) and marked
 *    PTE_UVIEW.
 * Page tables are pool pages, PTE_KONLY, so user code can change neither
 * table. Whatever changes pgroot flushes the range (tlb_flush_range), which
 * drops the copies; an edit libdune did not see (the program's own flush or
 * CR3 load) or another table loaded drops them all before user code runs
 * again. A page is copied writable only once the program's entry is dirty,
 * so its dirty bits stay true.
 *
 * The view's state lives in memory mapped at dune_init, not in the data
 * segment, which a program may give a private copy in its own tables.
 */
#include <errno.h>
#include <sys/mman.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/entry.h"
#include "guest/x86/uview.h"
#include "mm/layout.h"
#include "mm/mirror_lock.h"
#include "mm/pagetable.h"
#include "mm/ptpool.h"

#define COPY_FLAGS (PTE_P | PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_NX)
#define MAX_ENTRY_RANGES 4096

struct uview {
	ptent_t *root;    /* the view */
	ptent_t *src;     /* the program's table it is filled from */
	volatile int stale; /* the program flushed: the copies may be stale */
};
static struct uview *uv; /* NULL before dune_init (uview_setup) */
volatile int *uview_stale_flag;
/* what ring 0 needs to take a trap, known before the view exists too */
static struct {
	uintptr_t start, end;
} entry_ranges[MAX_ENTRY_RANGES];
static unsigned nr_entry_ranges;

/* 4 KiB frame of va in table root and its leaf, or 0 */
static uint64_t table_frame(ptent_t *root, uintptr_t va, ptent_t **leaf)
{
	int lvl;
	if (vm_walk(root, va, 0, 0, leaf, &lvl) < 0 || !(**leaf & PTE_P))
		return 0;
	return PTE_ADDR(**leaf) + ((va & (LEVEL_SIZE(lvl) - 1)) & ~(PGSIZE - 1));
}

int uview_setup(void)
{
	void *p = mmap(NULL, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	uv = p;
	uview_stale_flag = &uv->stale;
	return 0;
}

/* ring 0's pages [start, end) into root, supervisor-only, frames as in
 * pgroot (for the user view's table, or a table of the program's) */
static int map_ring0_range(ptent_t *root, uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = start; va < end; va += PGSIZE) {
		ptent_t *src, *dst;
		int lvl;
		uint64_t pa = table_frame(pgroot, va, &src);
		if (!pa)
			continue; /* a guard page */
		if (vm_walk(root, va, 0, 1, &dst, &lvl) < 0)
			return -ENOMEM;
		*dst = pa | (*src & (PTE_P | PTE_W | PTE_NX)) | PTE_A | PTE_D;
	}
	return 0;
}

int uview_init(void)
{
	int r = 0;
	mirror_lock();
	if (!uv->root) {
		uv->root = ptpool_alloc();
		uv->src = pgroot;
		if (!uv->root)
			r = -ENOMEM;
		for (unsigned i = 0; r == 0 && i < nr_entry_ranges; i++)
			if (map_ring0_range(uv->root, entry_ranges[i].start, entry_ranges[i].end) < 0)
				r = -ENOMEM;
	}
	mirror_unlock();
	if (r == 0)
		dune_self->ucr3 = dune_va_to_pa(uv->root);
	return r;
}

void uview_add_entry_range(uintptr_t start, uintptr_t end)
{
	mirror_lock();
	if (nr_entry_ranges < MAX_ENTRY_RANGES) {
		entry_ranges[nr_entry_ranges].start = start;
		entry_ranges[nr_entry_ranges].end = end;
		nr_entry_ranges++;
	} else {
		dune_log("too many ring-0 ranges for the user view: user traps on the new "
			 "vCPU will fail");
	}
	if (uv && uv->root && map_ring0_range(uv->root, start, end) < 0)
		dune_log("no page-table memory for the user view: user traps on the "
			 "new vCPU will fail");
	mirror_unlock();
}

/* pages copied per user fault (dune_set_user_fault_around): 1, or an
 * aligned block around the fault, whose entries then count as dirty */
static unsigned fault_around = 1;

void dune_set_user_fault_around(unsigned pages)
{
	unsigned p = 1;
	while (p * 2 <= pages && p * 2 <= NPTENTRIES)
		p *= 2;
	fault_around = p;
}

/* The copy itself, with the mirror lock held. (Doing it in ring 0 without
 * the trip to the program's handler was tried: slower here, ring 0 code on
 * PVM costs more than the round trip it saves.) fec: the access that
 * faulted, or for a neighbour copied along, FEC_W where it may be written
 * (it counts as dirty then). */
static int copy_page(uintptr_t va, uint64_t fec)
{
	ptent_t *src, *dst, e;
	uint64_t pa;
	int lvl;

	pa = table_frame(uv->src, va, &src);
	e = pa ? *src : 0;
	if (!pa || !(e & PTE_U) || (e & PTE_KONLY))
		return 0;
	if (((fec & FEC_W) && !(e & PTE_W)) || ((fec & FEC_I) && (e & PTE_NX)))
		return 0;
	if (vm_walk(uv->root, va, 0, 1, &dst, &lvl) < 0 || lvl != 0)
		return 0;
	if ((*dst & PTE_P) && !(*dst & PTE_UVIEW))
		return 0; /* one of ring 0's pages */
	e |= PTE_A | ((fec & FEC_W) ? PTE_D : 0);
	if (*src != e)
		*src = e;
	*dst = pa | (e & COPY_FLAGS & ((e & PTE_D) ? ~0UL : ~PTE_W)) | PTE_UVIEW | PTE_A |
	       (e & PTE_D);
	return 1;
}

/* The neighbours of va in its aligned block of fault_around pages that
 * the view has no copy of yet: writable wherever the program's table allows. */
static void copy_around(uintptr_t va)
{
	uintptr_t block = (uintptr_t)fault_around * PGSIZE;
	uintptr_t start = va & ~(block - 1);

	for (uintptr_t p = start; p < start + block; p += PGSIZE) {
		ptent_t *src, *dst;
		int lvl;
		if (p == (va & ~(PGSIZE - 1)) || !table_frame(uv->src, p, &src))
			continue;
		if (vm_walk(uv->root, p, 0, 0, &dst, &lvl) == 0 && (*dst & PTE_P))
			continue;
		copy_page(p, (*src & PTE_W) ? FEC_W : 0);
	}
}

int uview_fill(uintptr_t va, uint64_t fec)
{
	int ok;
	/* under a table of the program's (dune_set_user_root) nothing is
	 * copied: that table alone says what user code reaches */
	if (!uv || !uv->root || dune_self->uroot || va >= (1UL << VA_BITS))
		return 0;
	mirror_lock();
	ok = copy_page(va, fec);
	if (ok && fault_around > 1)
		copy_around(va);
	mirror_unlock();
	return ok;
}

/* Drops the copies in [va, end) below table t of the given level. */
static void drop_level(ptent_t *t, int level, uintptr_t base, uintptr_t va, uintptr_t end)
{
	for (int i = 0; i < NPTENTRIES; i++) {
		uintptr_t lo = base + (uintptr_t)i * LEVEL_SIZE(level);
		uintptr_t hi = lo + LEVEL_SIZE(level);
		if (hi <= va || lo >= end || !(t[i] & PTE_P))
			continue;
		if (level == 0) {
			if (t[i] & PTE_UVIEW)
				t[i] = 0;
		} else {
			drop_level(vm_table_of(t[i]), level - 1, lo, va, end);
		}
	}
}

void uview_invalidate(uintptr_t va, uintptr_t end)
{
	if (!uv || !uv->root)
		return;
	mirror_lock();
	drop_level(uv->root, NPTLVLS, 0, va, end);
	mirror_unlock();
}


/* The CR3 the program has loaded: ring 0 reads it; a deprivileged program's
 * loads go through the emulation, which keeps it in the per-CPU page. */
static uint64_t program_cr3(void)
{
	uint64_t cr3;
	if (dune_state.deprivileged)
		return dune_self->prog_cr3;
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	return cr3;
}

int uview_program_on_pgroot(void)
{
	return dune_pa_to_va(program_cr3() & PTE_ADDR_MASK) == pgroot;
}

void uview_before_enter(void)
{
	uint64_t cr3 = program_cr3() & ~CR3_NOFLUSH;
	ptent_t *src = dune_pa_to_va(cr3 & PTE_ADDR_MASK);

	if (dune_self->uroot) {
		/* a table of the program's own for user code; traps come back
		 * to the program's table, as always */
		dune_self->ucr3 = dune_va_to_pa((void *)dune_self->uroot);
		dune_self->kcr3 = cr3;
		return;
	}
	if (!uv || !uv->root || !dune_self->ucr3)
		return; /* user code runs under the program's table itself */
	/* traps from user code come back to the program's table */
	dune_self->kcr3 = cr3;
	if (src && src != uv->src) {
		uv->src = src;
		uv->stale = 1;
	}
	if (uv->stale) {
		uv->stale = 0;
		uview_invalidate(0, 1UL << VA_BITS);
	}
}

int uview_map_ring0(ptent_t *root)
{
	struct dune_percpu *pc = dune_self;
	uintptr_t ist = pc->ist_page;
	ptent_t *have;
	int lvl, r;

	mirror_lock();
	/* done before for this vCPU: its IST page is there */
	if (vm_walk(root, ist, 0, 0, &have, &lvl) == 0 && lvl == 0 && (*have & PTE_P) &&
	    !(*have & PTE_U) && PTE_ADDR(*have) == dune_va_to_pa((void *)ist)) {
		mirror_unlock();
		return 0;
	}
	r = map_ring0_range(root, (uintptr_t)dune_entry_text_start, (uintptr_t)dune_entry_text_end);
	if (!r)
		r = map_ring0_range(root, dune_state.idt_base, dune_state.idt_base + PGSIZE);
	if (!r)
		r = map_ring0_range(root, (uintptr_t)pc, (uintptr_t)pc + DUNE_PERCPU_SIZE);
	/* the trap stacks and the IST page above them; the lowest is a guard */
	if (!r)
		r = map_ring0_range(root, pc->stacks + PGSIZE, pc->stacks + pc->stacks_size);
	mirror_unlock();
	return r;
}
