/* host mode (the program, in dune_init) - vmcall_scan.c: where the host
 * answers vmcall itself (KVM on Intel, PVM before 6.18), a program written
 * for Dune that makes system calls with vmcall would get -1 silently. The
 * instruction never reaches libdune there, and nothing tells such a host
 * from one that injects a #GP for it (trap.c) but a vmcall, which hung
 * KVM_RUN on an older PVM; so dune_init looks for it in the program's
 * code and says so once, up front, unless it knows (dune.ko, KVM on AMD). */
#include <link.h>
#include <string.h>

#include "common/log.h"
#include "common/state.h"
#include "host/vmcall_scan.h"

static const unsigned char vmcall[3] = { 0x0f, 0x01, 0xc1 };

static int scan_main_program(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t *found = arg;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum && !*found; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *code, *end, *hit;
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		code = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		end = code + ph->p_filesz;
		/* a program linked into one executable segment holds this very
		 * pattern among its constants */
		while ((hit = memmem(code, (size_t)(end - code), vmcall, sizeof(vmcall))) &&
		       hit == vmcall)
			code = hit + 1;
		if (hit)
			*found = (uintptr_t)hit;
	}
	return 1; /* the first object is the program itself */
}

void vmcall_scan(void)
{
	uintptr_t found = 0;

	if (dune_state.vmcall_seen)
		return;
	dl_iterate_phdr(scan_main_program, &found);
	if (found)
		dune_log("this program holds a vmcall instruction (at 0x%lx): on this host the "
			 "hypervisor below may answer vmcall itself (KVM on Intel, PVM before "
			 "6.18: it returns -1, or -1000) and libdune never sees it; make system "
			 "calls with syscall, which libdune forwards, or use dune.ko "
			 "(DUNE_HOST=kmod)", (unsigned long)found);
}
