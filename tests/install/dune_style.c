/* A program written the way Dune's programs are: their include lines (the
 * sub-headers under libdune/, <dune.h> too), their names, built against an
 * installed libdune with only `pkg-config --cflags --libs --static libdune`
 * (tests/tools/test-install.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <dune.h>
#include <libdune/dune.h>
#include "libdune/cpu-x86.h"
#include "libdune/dune.h"
#include "libdune/dune_elf.h"
#include "libdune/fpu.h"
#include "libdune/local.h"
#include "libdune/mmu.h"

static int loads;

_Static_assert(sizeof(struct fxsave_area) == 512 && sizeof(struct Fpregs) == 512,
	       "Dune's two FXSAVE images");

static int count(struct dune_elf *elf, Elf64_Phdr *ph)
{
	(void)elf;
	loads += ph->p_type == PT_LOAD;
	return 0;
}

int main(void)
{
	struct dune_elf elf;
	ptent_t *pte;
	unsigned long t0;
	static char page[PGSIZE] __attribute__((aligned(PGSIZE)));

	if (dune_init_and_enter()) {
		printf("failed to initialize DUNE\n");
		return 1;
	}
	t0 = dune_get_ticks();
	page[0] = 1;
	if (dune_vm_lookup(pgroot, page, CREATE_NONE, &pte) || !(*pte & PTE_P) ||
	    PTE_ADDR(*pte) != dune_va_to_pa(page)) {
		printf("dune_vm_lookup\n");
		return 1;
	}
	if (syscall(SYS_getpid) != getpid() || dune_get_ticks() < t0) {
		printf("system call\n");
		return 1;
	}
	if (dune_elf_open(&elf, "/proc/self/exe") || dune_elf_iter_ph(&elf, count) || !loads) {
		printf("dune_elf\n");
		return 1;
	}
	dune_elf_close(&elf);
	dune_printf("dune_style: ok (%d loadable segments)\n", loads);
	return 0;
}
