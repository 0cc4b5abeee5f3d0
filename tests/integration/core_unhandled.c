/* An exception with no handler prints one line and a register dump, then
 * ends the process with the signal Linux would have used. Each case runs
 * in a child that enters dune mode itself. */
#include <signal.h>
#include <stdint.h>
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

int main(void)
{
	tl_require_vm();
	tl_watchdog(120);
	run_case(C_PF, SIGSEGV, "page fault", "#PF page fault (vector 14)");
	run_case(C_UD, SIGILL, "invalid opcode", "#UD invalid opcode (vector 6)");
	run_case(C_DE, SIGFPE, "divide error", "#DE divide error (vector 0)");
	run_case(C_GP, SIGSEGV, "general protection", "#GP general protection (vector 13)");
	run_case(C_BP, SIGTRAP, "breakpoint", "#BP breakpoint (vector 3)");
	return tl_finish("core_unhandled");
}
