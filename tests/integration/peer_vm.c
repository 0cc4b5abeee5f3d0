/* dune_vm_* with Dune's semantics, in the idioms of bench/bench_dune.c
 * (written here):
 *  - appel1: pages mprotect'ed read-only; each write faults once; the
 *    handler makes the page writable through dune_vm_lookup and strips the
 *    next region's page to its bare address (*pte = PTE_ADDR(*pte),
 *    invlpg if it was accessed); the stripped page faults too;
 *  - appel2: dune_vm_mprotect over stripped entries makes them present again
 *    (Dune's walk visits every non-zero leaf), same frames;
 *  - dune_vm_lookup: -ENOENT where a table is missing (CREATE_NONE), the
 *    entry (present or not) where the tables exist, tables made with
 *    CREATE_NORMAL; dune_vm_page_walk skips zero leaves only;
 *  - PERM_USR1..3 set PTE_USR1..3 (bits 62..60), an mprotect replaces them;
 *  - dune_vm_map_phys with a length that is no page multiple maps the
 *    partial page too. */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "libdune/dune.h"
#include "testlib.h"

#define MAP_ADDR 0x400000000000UL
#define NRPGS 16

static volatile char *mem = (volatile char *)MAP_ADDR;
static volatile int faults, stripped_accessed;

static void appel1_handler(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	ptent_t *pte;
	(void)fec;
	(void)tf;
	faults++;
	if (dune_vm_lookup(pgroot, (void *)addr, 0, &pte))
		dune_die();
	*pte |= PTE_P | PTE_W | PTE_U | PTE_A | PTE_D;
	if (addr >= MAP_ADDR + NRPGS * PGSIZE)
		return; /* a stripped page of the second region */
	if (dune_vm_lookup(pgroot, (void *)(addr + NRPGS * PGSIZE), 0, &pte))
		dune_die();
	if (*pte & PTE_A)
		stripped_accessed++;
	int accessed = *pte & PTE_A;
	*pte = PTE_ADDR(*pte);
	if (accessed)
		dune_flush_tlb_one(addr + NRPGS * PGSIZE);
}

static int count_leaves(const void *arg, ptent_t *pte, void *va)
{
	(void)pte;
	(void)va;
	(*(int *)arg)++;
	return 0;
}

int main(void)
{
	ptent_t *pte, frames[2 * NRPGS];
	int n;

	tl_watchdog(120);
	tl_enter();
	CHECK_EQ(dune_vm_map_pages(pgroot, (void *)MAP_ADDR, 2 * NRPGS * PGSIZE, PERM_R | PERM_W), 0);
	for (int i = 0; i < 2 * NRPGS; i++) {
		mem[i * PGSIZE] = (char)i; /* prime: every page accessed */
		CHECK_EQ(dune_vm_lookup(pgroot, (void *)(MAP_ADDR + i * PGSIZE), 0, &pte), 0);
		frames[i] = PTE_ADDR(*pte);
	}

	/* appel1 */
	dune_register_pgflt_handler(appel1_handler);
	CHECK_EQ(dune_vm_mprotect(pgroot, (void *)MAP_ADDR, NRPGS * PGSIZE, PERM_R), 0);
	for (int i = 0; i < NRPGS; i++)
		mem[i * PGSIZE] = (char)(i + 50);
	CHECK_EQ(faults, NRPGS);
	CHECK_EQ(stripped_accessed, NRPGS);
	for (int i = 0; i < NRPGS; i++) {
		CHECK_EQ(dune_vm_lookup(pgroot, (void *)(MAP_ADDR + (NRPGS + i) * PGSIZE), 0, &pte), 0);
		CHECK_EQ(*pte, frames[NRPGS + i]); /* bare address, not present */
	}
	/* the walk still visits them: non-zero leaves */
	n = 0;
	dune_vm_page_walk(pgroot, (void *)MAP_ADDR, (void *)(MAP_ADDR + 2 * NRPGS * PGSIZE - 1),
			  count_leaves, &n);
	CHECK_EQ(n, 2 * NRPGS);
	/* a stripped page faults once, the handler restores it */
	faults = 0;
	CHECK_EQ(mem[NRPGS * PGSIZE], (char)NRPGS);
	CHECK_EQ(faults, 1);

	/* appel2: mprotect over stripped entries brings them back, same frames */
	faults = 0;
	CHECK_EQ(dune_vm_mprotect(pgroot, (void *)MAP_ADDR, 2 * NRPGS * PGSIZE, PERM_R | PERM_W), 0);
	for (int i = 0; i < 2 * NRPGS; i++) {
		CHECK_EQ(dune_vm_lookup(pgroot, (void *)(MAP_ADDR + i * PGSIZE), 0, &pte), 0);
		CHECK(*pte & PTE_P);
		CHECK(*pte & PTE_W);
		CHECK(*pte & PTE_NX); /* no PERM_X */
		CHECK(!(*pte & PTE_U)); /* no PERM_U */
		CHECK_EQ(PTE_ADDR(*pte), frames[i]);
		mem[i * PGSIZE + 1] = 1;
	}
	CHECK_EQ(faults, 0);
	for (int i = 0; i < NRPGS; i++)
		CHECK_EQ(mem[i * PGSIZE], (char)(i + 50));

	/* lookups: missing tables, existing tables, CREATE_NORMAL */
	{
		void *far = (void *)0x500000000000UL; /* nothing mapped in its 512 GiB */
		CHECK_EQ(dune_vm_lookup(pgroot, far, CREATE_NONE, &pte), -ENOENT);
		CHECK_EQ(dune_vm_lookup(pgroot, far, CREATE_NORMAL, &pte), 0);
		CHECK_EQ(*pte, 0);
		CHECK_EQ(dune_vm_lookup(pgroot, far, CREATE_NONE, &pte), 0); /* tables now exist */
		n = 0;
		dune_vm_page_walk(pgroot, far, (char *)far + 64 * PGSIZE - 1, count_leaves, &n);
		CHECK_EQ(n, 0); /* zero leaves are skipped */
	}

	/* user bits */
	CHECK_EQ(PTE_USR1, 1UL << 62);
	CHECK_EQ(PTE_USR2, 1UL << 61);
	CHECK_EQ(PTE_USR3, 1UL << 60);
	CHECK_EQ(dune_vm_mprotect(pgroot, (void *)MAP_ADDR, PGSIZE, PERM_R | PERM_W | PERM_USR1), 0);
	CHECK_EQ(dune_vm_lookup(pgroot, (void *)MAP_ADDR, 0, &pte), 0);
	CHECK(*pte & PTE_USR1);
	CHECK(!(*pte & PTE_USR2));
	mem[0] = 3; /* the CPU ignores them */
	CHECK_EQ(dune_vm_mprotect(pgroot, (void *)MAP_ADDR, PGSIZE, PERM_R | PERM_W | PERM_USR2), 0);
	CHECK(!(*pte & PTE_USR1));
	CHECK(*pte & PTE_USR2);
	CHECK_EQ(dune_vm_mprotect(pgroot, (void *)MAP_ADDR, PGSIZE, PERM_R | PERM_W | PERM_USR3), 0);
	/* PERM_USR3 is 0x3000, PERM_USR1|PERM_USR2 too: Dune's test of each
	 * bit sets all three */
	CHECK_EQ(*pte & (PTE_USR1 | PTE_USR2 | PTE_USR3), PTE_USR1 | PTE_USR2 | PTE_USR3);

	/* map_phys of 1.5 pages maps two */
	{
		char *src = mmap(NULL, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
		volatile char *alias = (volatile char *)(MAP_ADDR + 4 * NRPGS * PGSIZE);
		src[0] = 'a';
		src[PGSIZE + 100] = 'b';
		CHECK_EQ(dune_vm_map_phys(pgroot, (void *)alias, PGSIZE + PGSIZE / 2,
					  (void *)dune_va_to_pa(src), PERM_R | PERM_W), 0);
		CHECK_EQ(alias[0], 'a');
		CHECK_EQ(alias[PGSIZE + 100], 'b');
		alias[PGSIZE + 200] = 'c';
		CHECK_EQ(src[PGSIZE + 200], 'c');
		dune_vm_unmap(pgroot, (void *)alias, 2 * PGSIZE);
		munmap(src, 2 * PGSIZE);
	}
	return tl_finish("peer_vm");
}
