// SPDX-License-Identifier: GPL-2.0
/*
 * The guest reads no host MSR it was not given, and writes none. The guest
 * executes RDMSR on every MSR of both bitmap ranges and a few beyond them,
 * with a #GP handler that notes the fault: only the pass-through list may
 * answer, each with the guest's own value (never the host's, read through
 * /dev/cpu/0/msr when msr.ko is there); every other read faults and leaves
 * RAX/RDX untouched. Then WRMSR to MSRs that would take the host down
 * (APIC base, SYSENTER, SPEC_CTRL, ...) must fault too.
 */
#include "dtest.h"
#include <sched.h>
#include <sys/wait.h>

#define IDT		0x4000
#define VEC_GP		13
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define TABLE		0x30000		/* u32 MSR indexes the guest goes through */
#define RESULTS		0x80000		/* per index: value, faulted */
#define WTABLE		0x28000		/* indexes for WRMSR */
#define WRESULTS	0x2c000		/* per index: faulted */
#define COUNTS		0x5000		/* DT_DATA: u64 reads, u64 writes */
#define PORT_DONE	0x10

_Static_assert(COUNTS == DT_DATA, "the counts live in the data page");

struct result {
	uint64_t value;
	uint64_t faulted;
};

/* r13 = 1 after a #GP; the handler steps over the 2-byte RDMSR/WRMSR */
DT_GUEST(guest,
	"mov $" STR(TABLE) ", %rsi\n"
	"mov $" STR(RESULTS) ", %rdi\n"
	"mov " STR(COUNTS) ", %r12\n"
	"1: test %r12, %r12\n"
	"jz 2f\n"
	"mov (%rsi), %ecx\n"
	"xor %r13d, %r13d\n"
	"xor %eax, %eax\n"
	"xor %edx, %edx\n"
	"rdmsr\n"
	"shl $32, %rdx\n"
	"or %rdx, %rax\n"
	"mov %rax, (%rdi)\n"
	"mov %r13, 8(%rdi)\n"
	"add $4, %rsi\n"
	"add $16, %rdi\n"
	"dec %r12\n"
	"jmp 1b\n"
	"2: mov $" STR(WTABLE) ", %rsi\n"
	"mov $" STR(WRESULTS) ", %rdi\n"
	"mov " STR(COUNTS) " + 8, %r12\n"
	"3: test %r12, %r12\n"
	"jz 4f\n"
	"mov (%rsi), %ecx\n"
	"xor %r13d, %r13d\n"
	"xor %eax, %eax\n"
	"xor %edx, %edx\n"
	"wrmsr\n"
	"mov %r13, (%rdi)\n"
	"add $4, %rsi\n"
	"add $8, %rdi\n"
	"dec %r12\n"
	"jmp 3b\n"
	"4: out %al, $" STR(PORT_DONE) "\n"
	"hlt\n"
	"gp_handler:\n"
	"mov $1, %r13d\n"
	"add $8, %rsp\n"		/* the error code */
	"addq $2, (%rsp)\n"		/* past RDMSR/WRMSR */
	"iretq\n");
extern const char gp_handler[];

/* the pass-through list, with values unlike any host's */
static const struct dune_msr_entry given[] = {
	{ .index = DUNE_MSR_STAR, .data = 0x0013000800000000ull },
	{ .index = DUNE_MSR_LSTAR, .data = 0x00007f0000001230ull },
	{ .index = DUNE_MSR_CSTAR, .data = 0x00007f0000004560ull },
	{ .index = DUNE_MSR_SYSCALL_MASK, .data = 0x47700 },
	{ .index = DUNE_MSR_FS_BASE, .data = 0x00007f0000007890ull },
	{ .index = DUNE_MSR_GS_BASE, .data = 0x00007f000000abc0ull },
	{ .index = DUNE_MSR_KERNEL_GS_BASE, .data = 0x00007f000000def0ull },
	{ .index = DUNE_MSR_PAT, .data = 0x0606060606060606ull },
};
#define GUEST_EFER	(EFER_LMA | EFER_LME | EFER_SCE)	/* no NXE, unlike the host */

/* WRMSR here from a guest would corrupt or crash the host */
static const uint32_t forbidden_writes[] = {
	0x10,		/* TSC */
	0x1b,		/* APIC base */
	0x3a,		/* feature control */
	0x48,		/* SPEC_CTRL */
	0x49,		/* PRED_CMD */
	0x10b,		/* FLUSH_CMD */
	0x174, 0x175, 0x176,	/* SYSENTER */
	0x1d9,		/* DEBUGCTL */
	0x6e0,		/* TSC deadline */
	0x808, 0x830,	/* x2APIC TPR, ICR */
	0xc0000090,	/* beyond the pass-through list */
	0xc0010015,	/* AMD HWCR: outside both bitmap ranges */
};

static int host_msr_fd = -1;

/* the host's value on CPU 0, if msr.ko can give it */
static int host_rdmsr(uint32_t index, uint64_t *v)
{
	if (host_msr_fd < 0)
		return -1;
	return pread(host_msr_fd, v, 8, index) == 8 ? 0 : -1;
}

static int has_rdtscp(void)
{
	unsigned int a = 0x80000001, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (d >> 27) & 1;
}

static uint64_t host_tsc_aux(void)
{
	unsigned int lo, hi, aux;

	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

static void set_gp_handler(uint8_t *mem, uint64_t handler)
{
	uint64_t *gate = (uint64_t *)(mem + IDT + VEC_GP * 16);

	x86_int_gate(&gate[0], &gate[1], handler, DT_SEL_CODE, 0, 0);
}

static const struct dune_msr_entry *given_entry(uint32_t index)
{
	size_t i;

	for (i = 0; i < sizeof(given) / sizeof(given[0]); i++)
		if (given[i].index == index)
			return &given[i];
	return NULL;
}

int main(void)
{
	struct { struct dune_msrs h; struct dune_msr_entry e[16]; } m;
	struct dt_vm vm;
	struct dune_exit ex;
	struct dune_sregs sr;
	struct result *res;
	uint32_t *table, n = 0, i;
	cpu_set_t cpu0;
	int tsc_aux = has_rdtscp(), answered = 0, compared = 0;

	alarm(600);
	/* guest and host compare values on the same CPU */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	DT_CHECK(sched_setaffinity(0, sizeof(cpu0), &cpu0) == 0, "pin to CPU 0");
	if (access("/dev/cpu/0/msr", R_OK) != 0 && access("/modules/msr.ko", R_OK) == 0)
		(void)!system("insmod /modules/msr.ko 2>/dev/null");
	host_msr_fd = open("/dev/cpu/0/msr", O_RDONLY);
	if (host_msr_fd < 0)
		printf("t_msr: no /dev/cpu/0/msr (%s): guest values not compared with the host's\n",
		       strerror(errno));

	dt_vm_create(&vm, guest_start, guest_end);
	table = (uint32_t *)(vm.mem + TABLE);
	for (i = 0; i <= 0x1fff; i++)
		table[n++] = i;
	for (i = 0xc0000000; i <= 0xc0001fff; i++)
		table[n++] = i;
	table[n++] = 0x40000000;	/* hypervisor range */
	table[n++] = 0x4b564d00;	/* KVM's paravirtual MSRs */
	table[n++] = 0xc0010000;	/* AMD */
	table[n++] = 0xffffffff;
	DT_CHECK(RESULTS + n * sizeof(struct result) <= DT_MEM_SIZE, "results fit");
	for (i = 0; i < sizeof(forbidden_writes) / sizeof(forbidden_writes[0]); i++)
		((uint32_t *)(vm.mem + WTABLE))[i] = forbidden_writes[i];
	((uint64_t *)(vm.mem + COUNTS))[0] = n;
	((uint64_t *)(vm.mem + COUNTS))[1] = i;

	set_gp_handler(vm.mem, DT_CODE + (gp_handler - guest_start));
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_SREGS, &sr) == 0, "GET_SREGS");
	sr.idt.base = IDT;
	sr.idt.limit = (VEC_GP + 1) * 16 - 1;
	sr.efer = GUEST_EFER;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_SREGS, &sr) == 0, "SET_SREGS: %s", strerror(errno));
	memset(&m, 0, sizeof(m));
	m.h.nmsrs = sizeof(given) / sizeof(given[0]);
	memcpy(m.h.entries, given, sizeof(given));
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_MSRS, &m) == 0, "SET_MSRS: %s", strerror(errno));

	dt_expect(&vm, &ex, DUNE_EXIT_IO, PORT_DONE);
	res = (struct result *)(vm.mem + RESULTS);
	for (i = 0; i < n; i++) {
		uint32_t idx = table[i];
		const struct dune_msr_entry *g = given_entry(idx);
		uint64_t want, host;
		int passes = g || idx == MSR_EFER || (idx == DUNE_MSR_TSC_AUX && tsc_aux);

		if (!passes) {
			DT_CHECK(res[i].faulted == 1, "guest RDMSR %#x answered %#llx instead of #GP", idx,
				 (unsigned long long)res[i].value);
			DT_CHECK(res[i].value == 0, "guest RDMSR %#x faulted but left %#llx in RDX:RAX",
				 idx, (unsigned long long)res[i].value);
			continue;
		}
		DT_CHECK(res[i].faulted == 0, "guest RDMSR %#x (given) faulted", idx);
		answered++;
		if (idx == DUNE_MSR_TSC_AUX) {
			/* not switched until set: the value user mode reads with RDTSCP */
			DT_CHECK(res[i].value == host_tsc_aux(), "TSC_AUX %#llx, user mode sees %#llx",
				 (unsigned long long)res[i].value, (unsigned long long)host_tsc_aux());
			continue;
		}
		want = g ? g->data : GUEST_EFER;
		DT_CHECK(res[i].value == want, "guest RDMSR %#x = %#llx, its own value is %#llx", idx,
			 (unsigned long long)res[i].value, (unsigned long long)want);
		if (host_rdmsr(idx, &host) == 0) {
			DT_CHECK(host != want, "test values must differ from the host's (%#x)", idx);
			compared++;
		}
	}
	DT_CHECK(answered == 9 + tsc_aux, "%d MSRs answered, expected %d", answered, 9 + tsc_aux);

	for (i = 0; i < sizeof(forbidden_writes) / sizeof(forbidden_writes[0]); i++)
		DT_CHECK(((uint64_t *)(vm.mem + WRESULTS))[i] == 1, "guest WRMSR %#x did not fault",
			 forbidden_writes[i]);
	/* the guest's own values stay the guest's */
	m.h.nmsrs = sizeof(given) / sizeof(given[0]);
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_MSRS, &m) == 0, "GET_MSRS");
	for (i = 0; i < m.h.nmsrs; i++)
		DT_CHECK(m.h.entries[i].data == given[i].data, "MSR %#x now %#llx", given[i].index,
			 (unsigned long long)m.h.entries[i].data);
	dt_vm_destroy(&vm);
	/* the host still makes system calls (LSTAR, STAR, SFMASK are its own) */
	{
		int st;
		pid_t pid = fork();

		if (pid == 0)
			_exit(getppid() > 0 ? 0 : 1);
		DT_CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
			 WEXITSTATUS(st) == 0, "host system calls after the guest");
	}
	printf("t_msr: ok (%u RDMSRs: %d answered with the guest's values, %d of them checked against "
	       "the host's, the rest #GP; %zu WRMSRs #GP)\n", n, answered, compared,
	       sizeof(forbidden_writes) / sizeof(forbidden_writes[0]));
	return 0;
}
