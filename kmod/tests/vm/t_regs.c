// SPDX-License-Identifier: GPL-2.0
/*
 * Register state: regs/sregs round trips and refusals, MSRs (host-set values
 * seen by rdmsr, guest wrmsr seen by GET_MSRS), XCR0, and the XSAVE area
 * in both directions.
 */
#include "dtest.h"

/* rdmsr LSTAR -> port 0x40; movq xmm0 -> port 0x41; wrmsr FS_BASE; set xmm1; hlt */
DT_GUEST(guest,
	"mov $0xc0000082, %ecx\n"
	"rdmsr\n"
	"out %eax, $0x40\n"
	"movq %xmm0, %rax\n"
	"out %eax, $0x41\n"
	"mov $0xc0000100, %ecx\n"
	"mov $0x12345000, %eax\n"
	"xor %edx, %edx\n"
	"wrmsr\n"
	"mov $0x5a5a5a5a, %eax\n"
	"movq %rax, %xmm1\n"
	"mov $0x1ff, %ecx\n"		/* an MSR outside the allow-list: #GP, no IDT: shutdown */
	"hlt\n"
	"rdmsr\n");

static void expect_einval(int fd, unsigned long cmd, void *arg, const char *what)
{
	DT_CHECK(ioctl(fd, cmd, arg) < 0 && errno == EINVAL, "%s accepted (errno %d)", what, errno);
}

int main(void)
{
	struct dt_vm vm;
	struct dune_exit ex;
	struct dune_regs r, r2;
	struct dune_sregs s, s2, bad;
	struct dune_msrs m;
	struct dune_xcr0 x;
	static struct dune_xsave xs;

	alarm(60);
	dt_vm_create(&vm, guest_start, guest_end);

	/* regs round trip */
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &r) == 0, "GET_REGS");
	r.rbx = 0x1111; r.r15 = 0xf15; r.rbp = 0xb0b;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_REGS, &r) == 0, "SET_REGS");
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &r2) == 0, "GET_REGS");
	DT_CHECK(r2.rbx == 0x1111 && r2.r15 == 0xf15 && r2.rbp == 0xb0b && r2.rip == DT_CODE &&
		 r2.rsp == DT_STACK, "regs round trip");
	r2 = r;
	r2.rflags = 1ull << 40;
	expect_einval(vm.vcpu, DUNE_SET_REGS, &r2, "reserved rflags");
	r2 = r;
	r2.rip = 0x0000800000000000ull;
	expect_einval(vm.vcpu, DUNE_SET_REGS, &r2, "non-canonical rip");

	/* sregs round trip and refusals */
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_SREGS, &s) == 0, "GET_SREGS");
	DT_CHECK(s.cr3 == DT_PML4 && s.efer == 0xd01 && s.cs.l == 1 && s.tr.base == DT_TSS &&
		 s.gdt.base == DT_GDT && (s.cr4 & 0x2000) == 0 && s.cr0 == 0x80050033,
		 "sregs: cr0 %#llx cr4 %#llx efer %#llx", (unsigned long long)s.cr0,
		 (unsigned long long)s.cr4, (unsigned long long)s.efer);
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_SREGS, &s) == 0, "SET_SREGS same");
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_SREGS, &s2) == 0 && memcmp(&s, &s2, sizeof(s)) == 0,
		 "sregs round trip");
	bad = s; bad.cr0 &= ~0x80000000ull;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "cr0 without PG");
	bad = s; bad.cr4 |= 0x2000;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "cr4 VMXE");
	bad = s; bad.cr4 &= ~0x20ull;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "cr4 without PAE");
	bad = s; bad.efer &= ~0x400ull;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "efer without LMA");
	bad = s; bad.fs.base = 0x8000000000000000ull;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "non-canonical fs base");
	bad = s; bad.tr.type = 3;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "bad tr type");
	bad = s; bad.cs.db = 1;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "cs L and D");
	bad = s; bad.cr3 = 1ull << 60;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "cr3 beyond MAXPHYADDR");
	bad = s; bad.ss.dpl = 3;
	expect_einval(vm.vcpu, DUNE_SET_SREGS, &bad, "ss dpl != cpl");

	/* MSRs */
	memset(&m, 0, sizeof(m));
	m.nmsrs = 2;
	m.entries[0].index = DUNE_MSR_LSTAR;
	m.entries[0].data = 0xffffffff81234567ull;
	m.entries[1].index = DUNE_MSR_GS_BASE;
	m.entries[1].data = 0x7000;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_MSRS, &m) == 0, "SET_MSRS");
	m.entries[1].index = 0x10;	/* TSC: not allowed */
	expect_einval(vm.vcpu, DUNE_SET_MSRS, &m, "msr outside the allow-list");
	m.entries[1].index = DUNE_MSR_LSTAR;
	m.entries[1].data = 0x0000900000000000ull;
	expect_einval(vm.vcpu, DUNE_SET_MSRS, &m, "non-canonical LSTAR");
	m.nmsrs = DUNE_MAX_MSRS + 1;
	expect_einval(vm.vcpu, DUNE_SET_MSRS, &m, "too many msrs");

	/* XCR0 */
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_XCR0, &x) == 0 && (x.xcr0 & 3) == 3, "GET_XCR0");
	x.xcr0 = 0;
	expect_einval(vm.vcpu, DUNE_SET_XCR0, &x, "xcr0 0");
	x.xcr0 = 1ull << 62;
	expect_einval(vm.vcpu, DUNE_SET_XCR0, &x, "xcr0 unknown bit");
	x.xcr0 = 3;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_XCR0, &x) == 0, "SET_XCR0 3");

	/* XSAVE: xmm0 (legacy area offset 160) */
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_FPU, &xs) == 0, "GET_FPU");
	xs.region[160 / 4] = 0xc0ffee;
	((uint64_t *)xs.region)[512 / 8] |= 2;	/* XSTATE_BV: SSE */
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_FPU, &xs) == 0, "SET_FPU: %s", strerror(errno));
	xs.region[24 / 4] = 0xffffffff;		/* MXCSR reserved bits */
	expect_einval(vm.vcpu, DUNE_SET_FPU, &xs, "bad mxcsr");

	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x40);
	DT_CHECK(ex.io.value == 0x81234567, "guest LSTAR low %#x", ex.io.value);
	dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x41);
	DT_CHECK(ex.io.value == 0xc0ffee, "guest xmm0 %#x", ex.io.value);
	dt_expect(&vm, &ex, DUNE_EXIT_HLT, -1);

	memset(&m, 0, sizeof(m));
	m.nmsrs = 3;
	m.entries[0].index = DUNE_MSR_FS_BASE;
	m.entries[1].index = DUNE_MSR_GS_BASE;
	m.entries[2].index = DUNE_MSR_LSTAR;
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_MSRS, &m) == 0, "GET_MSRS");
	DT_CHECK(m.entries[0].data == 0x12345000 && m.entries[1].data == 0x7000 &&
		 m.entries[2].data == 0xffffffff81234567ull, "msrs after guest: %#llx %#llx %#llx",
		 (unsigned long long)m.entries[0].data, (unsigned long long)m.entries[1].data,
		 (unsigned long long)m.entries[2].data);
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_FPU, &xs) == 0, "GET_FPU");
	DT_CHECK(xs.region[(160 + 16) / 4] == 0x5a5a5a5a, "guest xmm1 %#x", xs.region[(160 + 16) / 4]);

	/* rdmsr of an unknown MSR: #GP into a guest without IDT -> triple fault */
	dt_expect(&vm, &ex, DUNE_EXIT_SHUTDOWN, -1);

	/* TSC_AUX: the guest's rdtscp sees its value, the host's its own again */
	{
		static const unsigned char rdtscp_out[] = {
			0x0f, 0x01, 0xf9,	/* rdtscp */
			0x89, 0xc8,		/* mov %ecx, %eax */
			0xe7, 0x72,		/* out %eax, $0x72 */
			0xf4,			/* hlt */
		};
		unsigned int lo, hi, aux;

		memcpy(vm.mem + DT_CODE + 0x800, rdtscp_out, sizeof(rdtscp_out));
		DT_CHECK(ioctl(vm.vcpu, DUNE_SET_SREGS, &s) == 0, "SET_SREGS");
		r.rip = DT_CODE + 0x800;
		DT_CHECK(ioctl(vm.vcpu, DUNE_SET_REGS, &r) == 0, "SET_REGS");
		memset(&m, 0, sizeof(m));
		m.nmsrs = 1;
		m.entries[0].index = DUNE_MSR_TSC_AUX;
		m.entries[0].data = 0x77;
		if (ioctl(vm.vcpu, DUNE_SET_MSRS, &m) == 0) {
			dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x72);
			DT_CHECK(ex.io.value == 0x77, "guest TSC_AUX %#x", ex.io.value);
			asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
			DT_CHECK((aux & 0xfff) < 4096 && aux != 0x77, "host TSC_AUX %#x after guest", aux);
			dt_expect(&vm, &ex, DUNE_EXIT_HLT, -1);
		} else {
			printf("t_regs: no TSC_AUX (no RDTSCP), skipped\n");
		}
	}

	/* state the module lets through but VM entry refuses (SS.RPL != CS.RPL) */
	bad = s;
	bad.ss.selector |= 3;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_SREGS, &bad) == 0, "SET_SREGS ss.rpl 3");
	dt_expect(&vm, &ex, DUNE_EXIT_FAIL_ENTRY, -1);
	DT_CHECK(ex.fail.hw_reason == 0x80000021, "fail entry reason %#x", ex.fail.hw_reason);
	/* and the vCPU recovers with good state */
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_SREGS, &s) == 0, "SET_SREGS good");
	r.rip = DT_CODE + (guest_end - guest_start) - 2;	/* the final rdmsr */
	r.rcx = 0xc0000082;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_REGS, &r) == 0, "SET_REGS");
	dt_expect(&vm, &ex, DUNE_EXIT_SHUTDOWN, -1);	/* rdmsr LSTAR fine, then runs off */
	dt_vm_destroy(&vm);
	printf("t_regs: ok\n");
	return 0;
}
