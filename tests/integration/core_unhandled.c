/* An exception with no handler prints one line and a register dump, then
 * ends the process with the signal Linux would have used. Each case runs
 * in a child that enters dune mode itself. */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "testlib.h"

enum { C_PF, C_UD, C_DE, C_GP, C_BP };

static void crash(int what)
{
	switch (what) {
	case C_PF:
		*tl_bad_ptr(16) = 1;
		break;
	case C_UD:
		asm volatile("ud2");
		break;
	case C_DE:
		asm volatile("xor %%edx, %%edx; mov $1, %%eax; xor %%ecx, %%ecx; div %%ecx" ::: "rax", "rcx", "rdx");
		break;
	case C_GP:
		asm volatile("mov $0x8000000000000000, %%rax; mov (%%rax), %%rax" ::: "rax");
		break;
	case C_BP:
		asm volatile("int3");
		break;
	}
}

static void enter_and_crash(void *what)
{
	tl_enter();
	crash((int)(long)what);
}

static void run_case(int what, int sig, const char *name, const char *needle)
{
	char out[4096];
	int status = tl_child(enter_and_crash, (void *)(long)what, out, sizeof(out));

	if (!WIFSIGNALED(status) || WTERMSIG(status) != sig) {
		fprintf(stderr, "FAIL %s: status 0x%x, wanted signal %d\n%s", name, status, sig, out);
		tl_failures++;
	}
	if (!strstr(out, needle) || !strstr(out, "rip 0x")) {
		fprintf(stderr, "FAIL %s: message missing '%s':\n%s", name, needle, out);
		tl_failures++;
	}
}

/* a handler whose alternate stack is gone: SIGSEGV, as the kernel forces
 * when it cannot build a frame, and a line that says so */
static void on_segv(int sig)
{
	(void)sig;
	_exit(3);
}

static void enter_and_fault_on_bad_altstack(void *unused)
{
	size_t size = 64 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = { .ss_sp = stack, .ss_size = size };
	struct sigaction sa;

	(void)unused;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	tl_enter();
	sigaction(SIGSEGV, &sa, NULL);
	sigaltstack(&ss, NULL);
	munmap(stack, size);
	*tl_bad_ptr(16) = 1;
}

static void bad_altstack_case(void)
{
	char out[4096];
	int status = tl_child(enter_and_fault_on_bad_altstack, NULL, out, sizeof(out));

	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
		fprintf(stderr, "FAIL bad altstack: status 0x%x, wanted SIGSEGV\n%s", status, out);
		tl_failures++;
	}
	if (!strstr(out, "handler of signal 11 cannot run")) {
		fprintf(stderr, "FAIL bad altstack: message missing:\n%s", out);
		tl_failures++;
	}
}

int main(void)
{
	tl_require_vm();
	tl_watchdog(120);
	run_case(C_PF, SIGSEGV, "page fault", "#PF page fault (vector 14)");
	run_case(C_UD, SIGILL, "invalid opcode", "#UD invalid opcode (vector 6)");
	run_case(C_DE, SIGFPE, "divide error", "#DE divide error (vector 0)");
	run_case(C_GP, SIGSEGV, "general protection", "#GP general protection (vector 13)");
	run_case(C_BP, SIGTRAP, "breakpoint", "#BP breakpoint (vector 3)");
	bad_altstack_case();
	return tl_finish("core_unhandled");
}
