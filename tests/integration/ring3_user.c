/* Ring 3 below the program (dune_jump_to_user): system calls answered by
 * the handler, forwarded, or ending user mode; user #UD, #GP (privileged
 * instructions), #PF with CR2 and the user bit; no access to memory mapped
 * without PERM_U nor to the page tables; FPU state kept across a handler
 * that uses the FPU; many round trips. The same on every host: where the
 * program itself runs in ring 3 (PVM) user code runs under the user view. */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/time.h>
#include <time.h>

#include "common/state.h" /* the IDT's address */
#include "guest/x86/descriptors.h" /* the descriptor area */
#include "testlib.h"

static char ustack[64 * 1024] __attribute__((aligned(4096)));
static volatile uintptr_t expect_addr;
static volatile long forwarded;

void u_getpid(void), u_libc_in_handler(void), u_answered(void), u_ud(void), u_priv(void), u_read(void), u_write(void),
	u_fpu(void), u_hlt(void), u_fake_gs(void), u_spin_until(void), u_sgdt(void);
asm(".text\n"
    "u_getpid: mov $39, %eax; syscall; mov %rax, %rdi; mov $500, %eax; syscall; ud2\n"
    "u_libc_in_handler: mov $503, %eax; syscall; mov %rax, %rdi; mov $500, %eax; syscall; ud2\n"
    "u_answered: mov $501, %eax; syscall; mov %rax, %rdi; mov $500, %eax; syscall; ud2\n"
    "u_ud: ud2\n"
    "u_priv: mov %cr3, %rax; ud2\n"
    "u_read: mov (%rdi), %al; ud2\n"
    "u_write: movq $0, (%rdi); ud2\n"
    "u_fpu: movsd (%rsi), %xmm0; mov $502, %eax; syscall; xor %edi, %edi; ucomisd (%rsi), %xmm0;"
    " sete %dil; mov $500, %eax; syscall; ud2\n"
    "u_hlt: hlt; ud2\n"
    /* the descriptor tables' addresses: rdi gets the GDT base, rsi the IDT
     * base, or #GP under UMIP */
    "u_sgdt: sub $32, %rsp; sgdt (%rsp); sidt 16(%rsp); mov 2(%rsp), %rdi;"
    " mov 18(%rsp), %rsi; mov $504, %eax; syscall; ud2\n"
    /* GS pointing at memory user code controls, then a trap: ring 0 must
     * not believe it (a forged per-CPU page) */
    "u_fake_gs: wrgsbase %rdi; ud2\n"
    /* spins without a system call until *rdi changes (a signal handler in
     * the program does it), then ends user mode with the count */
    "u_spin_until: xor %esi, %esi; 1: inc %rsi; cmpq $0, (%rdi); je 1b;"
    " mov %rsi, %rdi; shr $8, %rdi; inc %rdi; mov $500, %eax; syscall; ud2\n");
static volatile long alarm_seen;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_seen = 1;
}

static void on_syscall(struct dune_tf *tf)
{
	switch (tf->rax) {
	case 500:
		dune_ret_from_user((int)tf->rdi);
	case 501:
		tf->rax = 1234; /* answered here */
		return;
	case 504: /* what sgdt and sidt gave user code */
		dune_ret_from_user(tf->rdi >= DESCRIPTOR_AREA &&
				   tf->rdi < DESCRIPTOR_AREA + DESCRIPTOR_AREA_SIZE &&
				   tf->rsi >= DESCRIPTOR_AREA &&
				   tf->rsi < DESCRIPTOR_AREA + DESCRIPTOR_AREA_SIZE ? 504 : -504);
	case 503: /* the handler's own system calls go to the host, not to it */
		tf->rax = (uint64_t)syscall(SYS_getppid) + (uint64_t)getpid();
		return;
	case 502: { /* the handler's own FPU use must not leak into user code */
		volatile double x = 3.0;
		for (int i = 0; i < 10; i++)
			x = x * 1.5 + 0.25;
		tf->rax = x > 0;
		return;
	}
	default:
		forwarded++;
		dune_passthrough_syscall(tf);
	}
}

static void on_trap(struct dune_tf *tf)
{
	/* the error code comes back as the result; only user frames count */
	dune_ret_from_user((tf->cs & 3) == 3 ? (int)tf->err + 1000 : -1);
}

static void on_ud(struct dune_tf *tf)
{
	dune_ret_from_user((tf->cs & 3) == 3 ? 6 : -1);
}

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	if ((tf->cs & 3) != 3 || !(fec & FEC_U)) {
		dune_printf("FAIL page fault not from user mode: addr 0x%lx fec 0x%lx\n",
			    (unsigned long)addr, (unsigned long)fec);
		dune_die();
	}
	dune_ret_from_user(addr == expect_addr ? (int)(14 + (fec & FEC_W ? 100 : 0)) : -14);
}

static int run(void (*fn)(void), uint64_t rdi, uint64_t rsi)
{
	return tl_user(fn, ustack + sizeof(ustack), rdi, rsi, 0);
}

int main(void)
{
	static double one_and_half = 1.5;
	char *kernel_only;

	tl_watchdog(120);
	tl_enter();
	dune_register_syscall_handler(on_syscall);
	dune_register_intr_handler(T_ILLOP, on_ud);
	dune_register_intr_handler(T_GPFLT, on_trap);
	dune_register_pgflt_handler(on_pf);

	CHECK_EQ(run(u_getpid, 0, 0), getpid());      /* forwarded, then ended */
	CHECK_EQ(forwarded, 1);
	CHECK_EQ(run(u_answered, 0, 0), 1234);        /* answered by the handler */
	CHECK_EQ(run(u_libc_in_handler, 0, 0), getppid() + getpid());
	CHECK_EQ(run(u_ud, 0, 0), 6);                 /* #UD */
	CHECK_EQ(run(u_priv, 0, 0), 1000);            /* mov %cr3 in ring 3: #GP(0) */

	/* memory without PERM_U: an alias of a real page, kernel-only */
	kernel_only = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK_EQ(dune_vm_map_phys(pgroot, kernel_only, 4096, (void *)dune_va_to_pa(ustack),
				  PERM_R | PERM_W), 0);
	CHECK_EQ(kernel_only[0], ustack[0]); /* fine from here */
	expect_addr = (uintptr_t)kernel_only;
	CHECK_EQ(run(u_read, (uint64_t)kernel_only, 0), 14);
	/* the page tables: not writable from user mode */
	expect_addr = (uintptr_t)pgroot;
	CHECK_EQ(run(u_write, (uint64_t)pgroot, 0), 114);

	CHECK_EQ(run(u_fpu, 0, (uint64_t)&one_and_half), 1);
	/* sgdt/sidt in user code: a fault (UMIP), or the fixed descriptor
	 * area, never an address of the process's own layout */
	int desc = run(u_sgdt, 0, 0);
	CHECK(desc == 1000 || desc == 504);
	printf("sgdt/sidt in user code: %s\n", desc == 1000 ? "#GP (UMIP)" : "the descriptor area");
	printf("hlt, IDT, forged GS\n");
	CHECK_EQ(run(u_hlt, 0, 0), 1000);             /* not a no-op in user code */
	/* the IDT: not writable from user mode either */
	expect_addr = dune_state.idt_base;
	CHECK_EQ(run(u_write, dune_state.idt_base, 0), 114);
	/* a forged GS: a fake per-CPU page full of pointers back into it */
	for (int i = 0; i < 512; i++)
		((uint64_t *)ustack)[i] = (uint64_t)ustack;
	CHECK_EQ(run(u_fake_gs, (uint64_t)ustack, 0), 6);

	/* a signal while user code spins: it is let in, and user code goes on
	 * (SIGUSR1 from a timer: SIGALRM is the watchdog's) */
	printf("signal while user code spins\n");
	struct sigaction sa = {.sa_handler = on_alarm};
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	timer_t timer;
	struct itimerspec its = {.it_value = {.tv_nsec = 20000000}};
	CHECK_EQ(timer_create(CLOCK_MONOTONIC, &sev, &timer), 0);
	CHECK_EQ(timer_settime(timer, 0, &its, NULL), 0);
	CHECK(run(u_spin_until, (uint64_t)&alarm_seen, 0) > 0);
	CHECK_EQ(alarm_seen, 1);

	for (int i = 0; i < 1000; i++)
		if (run(u_answered, 0, 0) != 1234) {
			CHECK(0);
			break;
		}
	/* dune mode itself still works after all that */
	CHECK(getpid() > 0);
	return tl_finish("ring3_user");
}
