// SPDX-License-Identifier: GPL-2.0
/* One guest: out to a port, memory the host sees, CPUID without VMX, hlt, vmcall. */
#include "dtest.h"

DT_GUEST(guest,
	"mov $0x1234, %eax\n"
	"out %eax, $0x10\n"
	"movq $42, 0x5000\n"
	"mov $1, %eax\n"
	"xor %ecx, %ecx\n"
	"cpuid\n"
	"mov %ecx, 0x5008\n"
	"mov $0xab, %al\n"
	"out %al, $0x11\n"
	"hlt\n"
	"mov $7, %eax\n"
	"vmcall\n"
	"1: mov $0x55, %eax\n"
	"out %ax, $0x12\n"
	"jmp 1b\n");

int main(void)
{
	struct dt_vm vm;
	struct dune_exit ex;
	struct dune_regs r;
	struct dune_info info;
	int i;

	alarm(60);
	dt_vm_create(&vm, guest_start, guest_end);
	DT_CHECK(ioctl(vm.fd, DUNE_GET_INFO, &info) == 0, "GET_INFO");
	printf("api %u xsave %u slots %u xcr0 %#llx gpa_bits %u\n", info.api_version,
	       info.xsave_size, info.max_slots, (unsigned long long)info.supported_xcr0,
	       info.gpa_bits);

	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x10);
	DT_CHECK(ex.io.size == 4 && ex.io.direction == DUNE_IO_OUT && ex.io.value == 0x1234,
		 "io fields");
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x11);
	DT_CHECK(ex.io.size == 1 && ex.io.value == 0xab, "io byte");
	DT_CHECK(*(uint64_t *)(vm.mem + DT_DATA) == 42, "guest write not seen by host");
	DT_CHECK(!(*(uint32_t *)(vm.mem + DT_DATA + 8) & (1u << 5)), "CPUID shows VMX");
	dt_expect(&vm, &ex, DUNE_EXIT_HLT, -1);
	dt_expect(&vm, &ex, DUNE_EXIT_HYPERCALL, -1);
	DT_CHECK(ex.hypercall.nr == 7, "hypercall nr");
	for (i = 0; i < 100; i++) {
		dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x12);
		DT_CHECK(ex.io.size == 2 && ex.io.value == 0x55, "io word");
	}
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &r) == 0, "GET_REGS");
	DT_CHECK(r.rax == 0x55, "rax");
	dt_vm_destroy(&vm);
	printf("t_basic: ok\n");
	return 0;
}
