/* User code's system calls straight from ring 0 (dune_set_user_fast_syscalls):
 * a call in the set that the program's check allows is run by the host half
 * and never reaches the syscall handler; one outside the set, or one the
 * check refuses, reaches the handler as ever; the results are the host's.
 * A signal that comes while user code makes only such calls is still let
 * in. Only a deprivileged guest (PVM) hands calls over; elsewhere every call
 * reaches the handler, with the same results. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

static char ustack[64 * 1024] __attribute__((aligned(4096)));
static long handled[512];
static int pipe_fd[2];
static volatile long timer_seen;

/* u_calls(n, buf, wfd): n times getppid, getpid and a one-byte write to
 * wfd; then one write to fd 999 (the check refuses it) and one gettid (not
 * in the set); the sum of the results comes back through call 500.
 * u_until(flag): getppid until *flag is set, then call 500. */
void u_calls(void), u_until(void);
asm(".text\n"
    "u_calls: mov %rdi, %r12; xor %r13d, %r13d; mov %rsi, %r14; mov %rdx, %r15\n"
    "1: mov $110, %eax; syscall; add %rax, %r13\n"
    "   mov $39, %eax; syscall; add %rax, %r13\n"
    "   mov $1, %eax; mov %r15, %rdi; mov %r14, %rsi; mov $1, %edx; syscall; add %rax, %r13\n"
    "   dec %r12; jnz 1b\n"
    "   mov $1, %eax; mov $999, %edi; mov %r14, %rsi; mov $1, %edx; syscall; add %rax, %r13\n"
    "   mov $186, %eax; syscall; add %rax, %r13\n"
    "   mov %r13, %rdi; mov $500, %eax; syscall; ud2\n"
    "u_until: mov %rdi, %r12\n"
    "1: mov $110, %eax; syscall; cmpq $0, (%r12); je 1b\n"
    "   mov $500, %eax; syscall; ud2\n");

static long user_result;

static void on_syscall(struct dune_tf *tf)
{
	if (tf->rax == 500) {
		user_result = (long)tf->rdi;
		dune_ret_from_user(0);
	}
	if (tf->rax < 512)
		handled[tf->rax]++;
	dune_passthrough_syscall(tf);
}

/* the host half's check: writes only to the pipe */
static int check(long nr, const long a[6])
{
	return nr != SYS_write || a[0] == pipe_fd[1];
}

static void on_timer(int sig)
{
	(void)sig;
	timer_seen = 1;
}

static int run(void (*fn)(void), uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
	return tl_user(fn, ustack + sizeof(ustack), rdi, rsi, rdx);
}

int main(void)
{
	static char buf[1] = { 'x' };
	static char drain[4096];
	uint64_t set[8] = { 0 };
	struct dune_exit_stats a, b;
	long n = tl_iters(300), served, expect;
	pid_t ppid = getppid(), pid = getpid(), tid = (pid_t)syscall(SYS_gettid);

	tl_watchdog(120);
	CHECK_EQ(pipe(pipe_fd), 0);
	tl_enter();
	dune_register_syscall_handler(on_syscall);
	set[SYS_getppid / 64] |= 1ULL << (SYS_getppid % 64);
	set[SYS_getpid / 64] |= 1ULL << (SYS_getpid % 64);
	set[SYS_write / 64] |= 1ULL << (SYS_write % 64);
	dune_set_user_fast_syscalls(set, check);

	dune_get_exit_stats(&a);
	CHECK_EQ(run(u_calls, (uint64_t)n, (uint64_t)buf, (uint64_t)pipe_fd[1]), 0);
	dune_get_exit_stats(&b);
	served = (long)(b.user_fast_calls - a.user_fast_calls);
	expect = dune_guest_ring() == 3 ? 3 * n : 0;
	printf("%ld calls in the set: %ld served from ring 0, %ld/%ld/%ld reached the handler "
	       "(getppid/getpid/write)\n", 3 * n, served, handled[SYS_getppid], handled[SYS_getpid],
	       handled[SYS_write]);
	/* every result is the host's; the write to fd 999 failed (EBADF) */
	CHECK_EQ(user_result, n * (ppid + pid + 1) - EBADF + tid);
	CHECK_EQ(read(pipe_fd[0], drain, sizeof(drain)), n < (long)sizeof(drain) ? n : (long)sizeof(drain));
	CHECK_EQ(served, expect);
	CHECK_EQ(handled[SYS_getppid] + handled[SYS_getpid], 2 * n - (expect ? 2 * n : 0));
	CHECK_EQ(handled[SYS_write], 1 + (expect ? 0 : n)); /* the refused one, at least */
	CHECK_EQ(handled[SYS_gettid], 1);

	/* a signal while user code makes only handed-over calls, again and
	 * again: one that lands while ring 0 stands in the hand-over (the
	 * host half cannot deliver it there) must still get in */
	struct sigaction sa = { .sa_handler = on_timer };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t timer;
	long rounds = tl_iters(40), got = 0;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	CHECK_EQ(timer_create(CLOCK_MONOTONIC, &sev, &timer), 0);
	for (long i = 0; i < rounds; i++) {
		struct itimerspec its = { .it_value = { .tv_nsec = 1000000 + 250000 * (i % 8) } };
		timer_seen = 0;
		CHECK_EQ(timer_settime(timer, 0, &its, NULL), 0);
		CHECK_EQ(run(u_until, (uint64_t)&timer_seen, 0, 0), 0);
		got += timer_seen;
	}
	CHECK_EQ(got, rounds);

	/* off again: everything reaches the handler */
	dune_set_user_fast_syscalls(NULL, NULL);
	memset(handled, 0, sizeof(handled));
	dune_get_exit_stats(&a);
	CHECK_EQ(run(u_calls, 2, (uint64_t)buf, (uint64_t)pipe_fd[1]), 0);
	dune_get_exit_stats(&b);
	CHECK_EQ(b.user_fast_calls - a.user_fast_calls, 0);
	CHECK_EQ(handled[SYS_getppid], 2);
	return tl_finish("ring3_fast");
}
