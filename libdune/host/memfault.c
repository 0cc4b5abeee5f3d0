/* host half - memfault.c: KVM_RUN failed with EFAULT: the guest touched
 * memory it has mapped whose host page cannot be had (a file mapping past
 * the file's end). Linux gives the program SIGBUS with the address; KVM
 * gives the address only where it fills KVM_EXIT_MEMORY_FAULT (not PVM).
 * The instruction has not run, so its operand is almost always a register
 * (the base of its memory operand, rdi/rsi of a string instruction, rsp),
 * at most a small displacement away: the first register whose page is
 * mirrored into the guest yet cannot be read on the host is taken, the
 * address itself when that byte fails, else the page's start. */
#include <errno.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "common/raw_syscall.h"
#include "common/util.h"
#include "host/memfault.h"
#include "mm/mirror.h"

/* a displacement further than this from a register is not searched */
#define NEAR_PAGES 1

/* Mirrored for the guest, yet the host cannot read it. */
static int unbackable(uint64_t addr)
{
	struct iovec local, remote = { .iov_base = (void *)addr, .iov_len = 1 };
	char byte;
	int prot;

	if (!mirror_lookup(addr, &prot))
		return 0;
	local.iov_base = &byte;
	local.iov_len = 1;
	/* the kernel reads it for us: EFAULT, not a signal, where it cannot */
	return raw_syscall6(SYS_process_vm_readv, raw_syscall0(SYS_getpid), (long)&local, 1,
			    (long)&remote, 1, 0) == -EFAULT;
}

int memfault_find(const struct kvm_regs *r, uint64_t *addr)
{
	const uint64_t regs[] = { r->rdi, r->rsi, r->rax, r->rdx, r->rcx, r->rbx, r->r8, r->r9,
				  r->r10, r->r11, r->r12, r->r13, r->r14, r->r15, r->rbp, r->rsp };

	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (unbackable(regs[i])) {
			*addr = regs[i];
			return 1;
		}
	for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (int d = -NEAR_PAGES; d <= NEAR_PAGES; d++) {
			uint64_t page = PAGE_ALIGN_DOWN(regs[i]) + (uint64_t)(int64_t)d * PGSIZE;
			if (d && unbackable(page)) {
				*addr = page;
				return 1;
			}
		}
	return 0;
}
