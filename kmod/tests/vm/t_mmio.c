// SPDX-License-Identifier: GPL-2.0
/*
 * MOVs to guest-physical memory outside every slot become MMIO exits:
 * stores complete at the exit (libdune's doorbell is `movb %al, (%rax)`),
 * loads take their value from the next DUNE_RUN. A fetch there does not.
 */
#include "dtest.h"

DT_GUEST(guest,
	"mov $0x40000000, %rax\n"
	"movb %al, (%rax)\n"			/* 1: doorbell store, 1 byte */
	"mov $0x40000010, %rcx\n"
	"mov $0x1122334455667788, %rbx\n"
	"mov %rbx, (%rcx)\n"			/* 2: 8-byte store */
	"mov 8(%rcx), %edx\n"			/* 3: 4-byte load */
	"mov %edx, %eax\n"
	"out %eax, $0x60\n"
	"movzbl 1(%rcx), %esi\n"		/* 4: movzx byte load */
	"mov %esi, %eax\n"
	"out %eax, $0x61\n"
	"movq $-5, (%rcx)\n"			/* 5: imm32 sign-extended */
	"mov $0x4100, %eax\n"
	"mov %ah, (%rcx)\n"			/* 6: high-byte register */
	"movw $0x1234, 2(%rcx)\n"		/* 7: 16-bit immediate */
	"mov $0x40000000, %rdi\n"
	"jmp *%rdi\n");				/* 8: fetch: not MMIO */

int main(void)
{
	struct dt_vm vm;
	struct dune_exit ex;

	alarm(60);
	dt_vm_create(&vm, guest_start, guest_end);

	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.gpa == 0x40000000 && ex.mmio.len == 1 && ex.mmio.is_write &&
		 ex.mmio.data == 0x00, "doorbell: gpa %#llx len %u w %u data %#llx",
		 (unsigned long long)ex.mmio.gpa, ex.mmio.len, ex.mmio.is_write,
		 (unsigned long long)ex.mmio.data);
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.gpa == 0x40000010 && ex.mmio.len == 8 && ex.mmio.is_write &&
		 ex.mmio.data == 0x1122334455667788ull, "8-byte store");
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.gpa == 0x40000018 && ex.mmio.len == 4 && !ex.mmio.is_write, "load");
	ex.mmio.data = 0xdeadbeef;
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x60);	/* dt_run passes ex back in */
	DT_CHECK(ex.io.value == 0xdeadbeef, "loaded value %#x", ex.io.value);
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.gpa == 0x40000011 && ex.mmio.len == 1 && !ex.mmio.is_write, "movzx");
	ex.mmio.data = 0x1ff;	/* only the low byte counts */
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x61);
	DT_CHECK(ex.io.value == 0xff, "movzx value %#x", ex.io.value);
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.len == 8 && ex.mmio.is_write && ex.mmio.data == (uint64_t)-5, "imm store");
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.len == 1 && ex.mmio.data == 0x41, "ah store %#llx",
		 (unsigned long long)ex.mmio.data);
	dt_expect(&vm, &ex, DUNE_EXIT_MMIO, -1);
	DT_CHECK(ex.mmio.gpa == 0x40000012 && ex.mmio.len == 2 && ex.mmio.data == 0x1234,
		 "16-bit imm store");
	dt_expect(&vm, &ex, DUNE_EXIT_EPT_FAULT, -1);
	DT_CHECK(ex.ept.gpa == 0x40000000 && (ex.ept.qualification & DUNE_EPT_FETCH) &&
		 ex.ept.cause == DUNE_EPT_NO_SLOT, "fetch fault");
	dt_vm_destroy(&vm);
	printf("t_mmio: ok\n");
	return 0;
}
