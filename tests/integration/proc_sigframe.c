/* A signal handler that returns with a broken FPU image in its frame:
 * Linux ends such a process with SIGSEGV; so does libdune, with one line
 * saying why, and the host half never reads where the pointer leads. */
#include <signal.h>
#include <ucontext.h>

#include "testlib.h"

#define MXCSR_OFFSET 24 /* in the FXSAVE image */

static int how;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	if (how == 1)
		uc->uc_mcontext.fpregs = (fpregset_t)16; /* nowhere */
	else if (how == 2) /* an MXCSR with reserved bits: XRSTOR would fault */
		*(uint32_t *)((char *)uc->uc_mcontext.fpregs + MXCSR_OFFSET) = 0xffffffff;
}

static void break_and_return(void *which)
{
	how = (int)(long)which;
	raise(SIGUSR1); /* returning from here: the broken return went through */
}

/* In a child: the handler breaks the image, returns; the child must die
 * with SIGSEGV and the message. */
static void expect_death(int which, const char *name)
{
	char out[4096];
	int status = tl_child(break_and_return, (void *)(long)which, out, sizeof(out));

	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV ||
	    !strstr(out, "bad FPU image")) {
		fprintf(stderr, "FAIL %s: status 0x%x, output: %s\n", name, status, out);
		tl_failures++;
	}
}

int main(void)
{
	tl_watchdog(60);
	tl_enter();
	how = 0; /* an untouched frame returns as usual */
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = handler;
		sa.sa_flags = SA_SIGINFO;
		CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
		raise(SIGUSR1);
	}
	expect_death(1, "fpregs pointing nowhere");
	expect_death(2, "MXCSR with reserved bits");
	return tl_finish("proc_sigframe");
}
