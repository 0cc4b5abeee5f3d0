/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the in-VM tests of dune.ko: each test is one static program
 * that builds a tiny 64-bit guest in its own memory and drives it through
 * /dev/dune. Guest physical = guest virtual (identity, 2 MiB pages).
 *
 * Guest-physical layout of the main slot (DT_MEM_SIZE bytes at gpa 0):
 *   0x0000 PML4, 0x1000 PDPT, 0x2000 PD (0-1 GiB), 0x7000 PD (1-2 GiB)
 *   0x3000 GDT, 0x6000 TSS, 0x5000 data page, 0x10000 code, stack below 0x20000
 */
#ifndef DTEST_H
#define DTEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../../libdune/common/x86.h"
#include "../../dune_ioctl.h"

#define DT_MEM_SIZE	(2u << 20)
#define DT_PML4		0x0000
#define DT_PDPT		0x1000
#define DT_PD0		0x2000
#define DT_GDT		0x3000
#define DT_DATA		0x5000
#define DT_TSS		0x6000
#define DT_PD1		0x7000
#define DT_CODE		0x10000
#define DT_STACK	0x20000
#define DT_HIGH_GPA	0x40000000ull	/* second GiB: no slot unless a test adds one */
#define DT_SEL_CODE	0x08
#define DT_SEL_DATA	0x10
#define DT_SEL_TSS	0x18
#define DT_TSS_LIMIT	0x67	/* a 104-byte TSS */

#define DT_FAIL(...) do {						\
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);		\
	fprintf(stderr, __VA_ARGS__);					\
	fprintf(stderr, "\n");						\
	exit(1);							\
} while (0)

#define DT_CHECK(cond, ...) do { if (!(cond)) DT_FAIL(__VA_ARGS__); } while (0)

struct dt_vm {
	int fd;		/* /dev/dune */
	int vcpu;	/* vCPU fd */
	uint8_t *mem;	/* host view of gpa 0 .. DT_MEM_SIZE */
};

static inline int dt_open(void)
{
	int fd = open(DUNE_DEVICE, O_RDWR | O_CLOEXEC);

	DT_CHECK(fd >= 0, "open %s: %s", DUNE_DEVICE, strerror(errno));
	return fd;
}

static inline void dt_set_slot(int fd, uint32_t slot, uint64_t gpa, uint64_t size,
			       void *hva, uint32_t flags)
{
	struct dune_slot s = { .slot = slot, .flags = flags, .gpa = gpa,
			       .size = size, .hva = (uintptr_t)hva };

	DT_CHECK(ioctl(fd, DUNE_SET_SLOT, &s) == 0, "DUNE_SET_SLOT %u: %s", slot, strerror(errno));
}

/* page tables, GDT and TSS in mem; sregs for 64-bit ring 0 */
static inline void dt_build_guest(uint8_t *mem, struct dune_sregs *sr)
{
	uint64_t *pml4 = (uint64_t *)(mem + DT_PML4);
	uint64_t *pdpt = (uint64_t *)(mem + DT_PDPT);
	uint64_t *pd0 = (uint64_t *)(mem + DT_PD0);
	uint64_t *pd1 = (uint64_t *)(mem + DT_PD1);
	uint64_t *gdt = (uint64_t *)(mem + DT_GDT);
	uint64_t tss = DT_TSS;
	int i;

	pml4[0] = DT_PDPT | 3;
	pdpt[0] = DT_PD0 | 3;
	pdpt[1] = DT_PD1 | 3;
	for (i = 0; i < 512; i++) {
		pd0[i] = ((uint64_t)i << 21) | 0x83;		/* P W PS */
		pd1[i] = (DT_HIGH_GPA + ((uint64_t)i << 21)) | 0x83;
	}
	gdt[0] = 0;
	gdt[SEL_INDEX(DT_SEL_CODE)] = x86_code64_desc(0);
	gdt[SEL_INDEX(DT_SEL_DATA)] = x86_data_desc(0);
	x86_tss_desc(&gdt[SEL_INDEX(DT_SEL_TSS)], tss, DT_TSS_LIMIT); /* 16 bytes */

	memset(sr, 0, sizeof(*sr));
	X86_FLAT_SEGMENT(&sr->cs, DT_SEL_CODE, DESC_TYPE_CODE_RX, 1);
	X86_FLAT_SEGMENT(&sr->ds, DT_SEL_DATA, DESC_TYPE_DATA_RW, 0);
	sr->es = sr->ds;
	sr->fs = sr->ds;
	sr->gs = sr->ds;
	sr->ss = sr->ds;
	sr->tr.base = DT_TSS;
	sr->tr.limit = DT_TSS_LIMIT;
	sr->tr.selector = DT_SEL_TSS;
	sr->tr.type = DESC_TYPE_TSS64_BUSY;
	sr->tr.present = 1;
	sr->ldt.type = 2;
	sr->ldt.unusable = 1;
	sr->gdt.base = DT_GDT;
	sr->gdt.limit = 5 * 8 - 1;
	sr->idt.base = 0;
	sr->idt.limit = 0;
	sr->cr0 = 0x80050033;		/* PG WP NE ET MP PE */
	sr->cr3 = DT_PML4;
	sr->cr4 = 0x20 | 0x600;		/* PAE OSFXSR OSXMMEXCPT */
	sr->efer = 0xd01;		/* NXE LMA LME SCE */
}

/* a VM with one vCPU about to run code [start, end) at DT_CODE */
static inline void dt_vm_create(struct dt_vm *vm, const void *start, const void *end)
{
	struct dune_sregs sr;
	struct dune_regs r;

	vm->fd = dt_open();
	vm->mem = mmap(NULL, DT_MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	DT_CHECK(vm->mem != MAP_FAILED, "mmap: %s", strerror(errno));
	dt_build_guest(vm->mem, &sr);
	memcpy(vm->mem + DT_CODE, start, (const char *)end - (const char *)start);
	dt_set_slot(vm->fd, 0, 0, DT_MEM_SIZE, vm->mem, 0);

	vm->vcpu = ioctl(vm->fd, DUNE_CREATE_VCPU, 0);
	DT_CHECK(vm->vcpu >= 0, "DUNE_CREATE_VCPU: %s", strerror(errno));
	DT_CHECK(ioctl(vm->vcpu, DUNE_SET_SREGS, &sr) == 0, "DUNE_SET_SREGS: %s", strerror(errno));
	memset(&r, 0, sizeof(r));
	r.rip = DT_CODE;
	r.rsp = DT_STACK;
	r.rflags = 2;
	DT_CHECK(ioctl(vm->vcpu, DUNE_SET_REGS, &r) == 0, "DUNE_SET_REGS: %s", strerror(errno));
}

/* one more vCPU for the calling thread, same guest state, starting at rip */
static inline int dt_vcpu_add(struct dt_vm *vm, uint64_t rip, uint64_t rsp)
{
	struct dune_sregs sr;
	struct dune_regs r;
	int fd = ioctl(vm->fd, DUNE_CREATE_VCPU, 0);

	DT_CHECK(fd >= 0, "DUNE_CREATE_VCPU: %s", strerror(errno));
	DT_CHECK(ioctl(vm->vcpu, DUNE_GET_SREGS, &sr) == 0 || errno == EPERM, "GET_SREGS");
	{
		/* the first vCPU may belong to another thread: rebuild the state */
		uint8_t scratch[DT_PD1 + 4096];

		memcpy(scratch, vm->mem, sizeof(scratch));
		dt_build_guest(scratch, &sr);
	}
	DT_CHECK(ioctl(fd, DUNE_SET_SREGS, &sr) == 0, "DUNE_SET_SREGS: %s", strerror(errno));
	memset(&r, 0, sizeof(r));
	r.rip = rip;
	r.rsp = rsp;
	r.rflags = 2;
	DT_CHECK(ioctl(fd, DUNE_SET_REGS, &r) == 0, "DUNE_SET_REGS: %s", strerror(errno));
	return fd;
}

static inline void dt_vm_destroy(struct dt_vm *vm)
{
	close(vm->vcpu);
	close(vm->fd);
	munmap(vm->mem, DT_MEM_SIZE);
}

static inline const char *dt_reason(uint32_t r)
{
	static const char *names[] = { "NONE", "IO", "HLT", "SHUTDOWN", "EPT_FAULT",
				       "FAIL_ENTRY", "INTERNAL", "HYPERCALL", "MMIO" };
	return r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

static inline void dt_print_exit(const struct dune_exit *ex)
{
	fprintf(stderr, "exit %s", dt_reason(ex->reason));
	switch (ex->reason) {
	case DUNE_EXIT_IO:
		fprintf(stderr, " port %#x size %u dir %u value %#x", ex->io.port,
			ex->io.size, ex->io.direction, ex->io.value);
		break;
	case DUNE_EXIT_MMIO:
		fprintf(stderr, " gpa %#llx len %u write %u data %#llx",
			(unsigned long long)ex->mmio.gpa, ex->mmio.len, ex->mmio.is_write,
			(unsigned long long)ex->mmio.data);
		break;
	case DUNE_EXIT_EPT_FAULT:
		fprintf(stderr, " gpa %#llx qual %#llx cause %u", (unsigned long long)ex->ept.gpa,
			(unsigned long long)ex->ept.qualification, ex->ept.cause);
		break;
	case DUNE_EXIT_FAIL_ENTRY:
		fprintf(stderr, " hw_reason %#x insn_error %u qual %#llx", ex->fail.hw_reason,
			ex->fail.vm_instruction_error, (unsigned long long)ex->fail.qualification);
		break;
	case DUNE_EXIT_INTERNAL:
		fprintf(stderr, " hw_reason %u qual %#llx intr %#llx", ex->internal.hw_reason,
			(unsigned long long)ex->internal.qualification,
			(unsigned long long)ex->internal.intr_info);
		break;
	}
	fprintf(stderr, "\n");
}

/* run until an exit; fail on errors. ex goes in too: after an MMIO load
 * exit, ex->mmio.data is the value the guest gets. */
static inline void dt_run(struct dt_vm *vm, struct dune_exit *ex)
{
	int ret;

	do {
		ret = ioctl(vm->vcpu, DUNE_RUN, ex);
	} while (ret < 0 && errno == EINTR);
	DT_CHECK(ret == 0, "DUNE_RUN: %s", strerror(errno));
}

/* run and expect an exit of this reason (and for IO this port) */
static inline void dt_expect(struct dt_vm *vm, struct dune_exit *ex, uint32_t reason, int port)
{
	dt_run(vm, ex);
	if (ex->reason != reason || (reason == DUNE_EXIT_IO && port >= 0 && ex->io.port != port)) {
		struct dune_regs r;

		dt_print_exit(ex);
		if (ioctl(vm->vcpu, DUNE_GET_REGS, &r) == 0)
			fprintf(stderr, "rip %#llx rsp %#llx rax %#llx\n", (unsigned long long)r.rip,
				(unsigned long long)r.rsp, (unsigned long long)r.rax);
		DT_FAIL("expected exit %s port %d", dt_reason(reason), port);
	}
}

/* declare guest code: DT_GUEST(name, "asm...") gives name##_start/_end */
#define DT_GUEST(name, code)						\
	extern const char name##_start[], name##_end[];			\
	asm(".pushsection .rodata\n" #name "_start:\n" code "\n"	\
	    #name "_end:\n.popsection\n")

#endif
