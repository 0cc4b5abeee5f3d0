/*
 * demo - a tour of dune mode: the program enters the guest and uses what
 * ring 0 gives it, while its system calls keep working.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dune.h"

static volatile int traps, faults;

static void on_breakpoint(struct dune_tf *tf)
{
	traps++;
	(void)tf;
}

static void on_fault(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)tf;
	faults++;
	printf("  page fault at %#lx (error code %#lx: %s), unprotecting\n",
	       (unsigned long)addr, (unsigned long)fec, (fec & FEC_W) ? "write" : "read");
	dune_vm_mprotect(pgroot, (void *)(addr & ~4095UL), 4096, PERM_R | PERM_W | PERM_U);
}

int main(void)
{
	unsigned long cr0, cr3, cr4;
	struct dune_mem_stats st;
	struct timespec ts;
	volatile char *page;
	ptent_t *pte;
	int r;

	alarm(30); /* a watchdog: never hang */
	printf("dune demo: entering dune mode...\n");
	r = dune_init_and_enter();
	if (r) {
		fprintf(stderr, "dune demo: could not enter dune mode (%d)\n", r);
		return 1;
	}
	printf("now running as a guest (host side: %s, hardware ring %d%s)\n", dune_host_name(),
	       dune_guest_ring(),
	       dune_guest_ring() ? ": this host's ring 0 has no FPU, privileged instructions"
				   " are emulated from ring 0" : "");

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	printf("privileged registers: cr0=%#lx cr3=%#lx (pgroot at guest-physical %#lx) cr4=%#lx\n",
	       cr0, cr3, (unsigned long)dune_va_to_pa(pgroot), cr4);

	dune_register_intr_handler(T_BRKPT, on_breakpoint);
	asm volatile("int3");
	asm volatile("int3");
	printf("own exception handler: caught %d breakpoints and resumed\n", traps);

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	dune_register_pgflt_handler(on_fault);
	dune_vm_mprotect(pgroot, (void *)page, 4096, PERM_R | PERM_U);
	printf("own page tables: page %p made read-only in pgroot, writing to it:\n", (void *)page);
	page[1] = 2;
	printf("  write completed after %d fault(s); value %d\n", faults, page[1]);

	dune_vm_lookup(pgroot, (void *)page, CREATE_NONE, &pte);
	printf("  its entry: %#lx (dirty bit %s)\n", (unsigned long)*pte,
	       (*pte & PTE_D) ? "set by the CPU" : "clear");

	clock_gettime(CLOCK_REALTIME, &ts);
	printf("system calls still work: pid %d, time %ld (vDSO), /proc/self/exe readable: %s\n",
	       getpid(), (long)ts.tv_sec, access("/proc/self/exe", R_OK) == 0 ? "yes" : "no");

	dune_get_mem_stats(&st);
	printf("guest memory: %lu MiB of the address space mirrored in %lu slots, %lu page-table pages\n",
	       (unsigned long)(st.mirrored_bytes >> 20), (unsigned long)st.slots,
	       (unsigned long)st.pt_pages);
	printf("dune demo: done\n");
	return 0;
}
