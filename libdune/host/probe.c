/* host half - probe.c: what the guest CPU can do, found by running a
 * throwaway vCPU once at dune_init. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/percpu.h"
#include "common/state.h"
#include "guest/x86/boot.h"
#include "guest/x86/descriptors.h"
#include "guest/x86/entry.h"
#include "host/hostside.h"
#include "host/probe.h"
#include "mm/mirror.h"

/*
 * Can guest ring 0 use the FPU? On PVM it cannot: x87/SSE/AVX/XSAVE there
 * end in an emulation failure rather than executing. A throwaway vCPU runs
 * `pxor; doorbell write` in ring 0 and the exit tells. DUNE_GUEST_RING=3
 * forces the deprivileged mode.
 */
int guest_probe_ring0_fpu(void)
{
	const struct hostside_ops *hs = dune_state.hostside;
	struct dune_percpu *cpu;
	struct guest_boot boot;
	struct vcpu_exit ex;
	const char *force = getenv("DUNE_GUEST_RING");
	int r, have_vcpu = 0;

	if (force && !strcmp(force, "3")) {
		dune_state.deprivileged = 1;
		return 0;
	}
	cpu = mmap(NULL, DUNE_PERCPU_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (cpu == MAP_FAILED)
		return -ENOMEM;
	if ((r = guest_percpu_init(cpu)) < 0) {
		munmap(cpu, DUNE_PERCPU_SIZE);
		return r;
	}
	if ((r = mirror_sync_all()) < 0 || (r = hs->vcpu_create(cpu)) < 0)
		goto out;
	have_vcpu = 1;
	cpu->doorbell = dune_state.doorbell_va;
	cpu->enter.rip = (uint64_t)dune_probe_fpu;
	cpu->enter.rsp = cpu->trap_sp;
	dune_state.deprivileged = 0;
	guest_boot_state(cpu, &boot);
	boot.regs.rax = dune_state.doorbell_va;
	if ((r = hs->vcpu_boot(cpu, &boot)) < 0 || (r = hs->vcpu_run(cpu, &ex)) < 0)
		goto out;
	dune_state.deprivileged = !(ex.kind == EXIT_MMIO && ex.gpa == dune_state.doorbell_gpa);
out:
	/* the throwaway vCPU and its memory go, whatever happened */
	if (have_vcpu)
		hs->vcpu_destroy(cpu);
	mirror_remove((uintptr_t)cpu, (uintptr_t)cpu + DUNE_PERCPU_SIZE);
	mirror_remove(cpu->stacks, cpu->stacks + cpu->stacks_size);
	guest_percpu_free(cpu);
	munmap(cpu, DUNE_PERCPU_SIZE);
	return r < 0 ? r : 0;
}
