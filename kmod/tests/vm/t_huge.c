// SPDX-License-Identifier: GPL-2.0
/*
 * 2 MiB EPT pages over transparent huge pages: the guest reads and writes
 * a THP-backed slot correctly, and after the host splits the huge page
 * (munmap of one 4 KiB page in the middle) the guest sees the hole and the
 * rest. Reports whether dune.ko made 2 MiB mappings (huge_mappings).
 */
#include "dtest.h"

#define MB2 (2ul << 20)

/* read qwords at 1 GiB + rsi for each rsi, report low 32 bits on port 0x90 */
DT_GUEST(guest,
	"1: mov (%rsi), %rax\n"
	"out %eax, $0x90\n"
	"add $0x1000, %rsi\n"
	"cmp %rdi, %rsi\n"
	"jb 1b\n"
	"movq $0x77777777, (%rdx)\n"
	"mov $1, %eax\n"
	"out %eax, $0x91\n"
	"mov (%rcx), %rax\n"
	"out %eax, $0x92\n"
	"hlt\n");

static unsigned long huge_mappings(void)
{
	FILE *f = fopen("/sys/module/dune/parameters/huge_mappings", "r");
	unsigned long v = 0;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

int main(void)
{
	struct dt_vm vm;
	struct dune_exit ex;
	struct dune_regs r;
	uint8_t *raw, *buf;
	unsigned long before = huge_mappings(), i;

	alarm(120);
	{
		/* small machines boot with THP off (< 512 MiB): allow it on request */
		FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "w");

		if (f) {
			fputs("madvise", f);
			fclose(f);
		}
	}
	raw = mmap(NULL, 3 * MB2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	DT_CHECK(raw != MAP_FAILED, "mmap");
	buf = (uint8_t *)(((uintptr_t)raw + MB2 - 1) & ~(MB2 - 1));
	madvise(buf, MB2, MADV_HUGEPAGE);
	for (i = 0; i < MB2; i += 4096)
		*(uint64_t *)(buf + i) = 0x1000000 + i / 4096;

	dt_vm_create(&vm, guest_start, guest_end);
	dt_set_slot(vm.fd, 1, DT_HIGH_GPA, MB2, buf, 0);
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &r) == 0, "GET_REGS");
	r.rsi = DT_HIGH_GPA;
	r.rdi = DT_HIGH_GPA + MB2;
	r.rdx = DT_HIGH_GPA + 0x12340;
	r.rcx = DT_HIGH_GPA + 0x100000;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_REGS, &r) == 0, "SET_REGS");
	for (i = 0; i < MB2 / 4096; i++) {
		dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x90);
		DT_CHECK(ex.io.value == 0x1000000 + i, "page %lu read %#x", i, ex.io.value);
	}
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x91);
	DT_CHECK(*(uint64_t *)(buf + 0x12340) == 0x77777777, "guest write not seen");
	printf("t_huge: 2 MiB EPT mappings made: %lu\n", huge_mappings() - before);
	{
		char line[256];
		FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

		if (f && fgets(line, sizeof(line), f))
			printf("t_huge: THP %s", line);
		if (f)
			fclose(f);
		f = fopen("/proc/self/smaps_rollup", "r");
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "AnonHugePages"))
				printf("t_huge: %s", line);
		if (f)
			fclose(f);
	}

	/* split: unmap the page the guest reads next */
	DT_CHECK(munmap(buf + 0x100000, 4096) == 0, "munmap");
	dt_expect(&vm, &ex, DUNE_EXIT_EPT_FAULT, -1);
	DT_CHECK(ex.ept.cause == DUNE_EPT_HOST_FAULT && ex.ept.gpa == DT_HIGH_GPA + 0x100000,
		 "hole: cause %u gpa %#llx", ex.ept.cause, (unsigned long long)ex.ept.gpa);
	/* fill the hole with a new page: the guest reads it */
	DT_CHECK(mmap(buf + 0x100000, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == buf + 0x100000, "mmap");
	*(uint64_t *)(buf + 0x100000) = 0xabcdef;
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x92);
	DT_CHECK(ex.io.value == 0xabcdef, "refilled hole read %#x", ex.io.value);
	dt_expect(&vm, &ex, DUNE_EXIT_HLT, -1);

	/* the rest of the old huge page is still right */
	r.rsi = DT_HIGH_GPA;
	r.rdi = DT_HIGH_GPA + 0x100000;
	r.rip = DT_CODE;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_REGS, &r) == 0, "SET_REGS");
	for (i = 0; i < 0x100; i++) {
		dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x90);
		DT_CHECK(ex.io.value == 0x1000000 + i,
			 "after split: page %lu read %#x", i, ex.io.value);
	}
	dt_vm_destroy(&vm);
	printf("t_huge: ok\n");
	return 0;
}
