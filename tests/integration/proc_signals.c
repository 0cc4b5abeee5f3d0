/* Signals in dune mode: handlers run in the guest with siginfo and
 * ucontext, on sigaltstack, with masks, SA_RESTART and SA_SIGINFO; timers,
 * kill, raise and tgkill to another thread; a fault goes to the program's
 * SIGSEGV handler; SIGKILL and SIGSTOP/SIGCONT work on a busy guest. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

#include "mm/mirror_lock.h" /* to hold a signal in libdune */
#include "testlib.h"

static volatile int got, got_code, in_guest, nested_blocked, raised_again, runs;
static volatile uintptr_t handler_sp, fault_addr;
static volatile long handler_tid;
static char altstack[64 * 1024];
static sigjmp_buf jb;

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	volatile char here;
	got = sig;
	got_code = si->si_code;
	in_guest = dune_in_guest();
	handler_sp = (uintptr_t)&here;
	handler_tid = syscall(SYS_gettid);
	(void)uc;
	/* blocked while we run: raising it again must wait for our return */
	if (!raised_again++) {
		raise(SIGUSR1 + 0 * uc->uc_mcontext.gregs[REG_RIP]);
		nested_blocked = runs == 0;
	}
	runs++;
}

static volatile int usr2_count;
static void on_usr2(int sig)
{
	(void)sig;
	usr2_count++;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static volatile int rtmax_count;
static void on_rtmax(int sig)
{
	if (sig == SIGRTMAX)
		rtmax_count++;
}

/* The last signal, 64: bit 63 of every mask (1ULL << 64 is no bit at
 * all). libdune takes it while the mirror lock keeps it from delivering,
 * the program blocks it, then sigsuspend must let it in at once. */
static void last_signal(void)
{
	struct sigaction sa;
	sigset_t block, none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_rtmax;
	CHECK_EQ(sigaction(SIGRTMAX, &sa, NULL), 0);
	kill(getpid(), SIGRTMAX);
	CHECK_EQ(rtmax_count, 1);
	sigemptyset(&block);
	sigaddset(&block, SIGRTMAX);
	mirror_lock(); /* libdune's guest code mid-update: no delivery now */
	kill(getpid(), SIGRTMAX);
	sigprocmask(SIG_BLOCK, &block, NULL);
	mirror_unlock();
	CHECK_EQ(rtmax_count, 1);
	sigemptyset(&none);
	CHECK_EQ(sigsuspend(&none), -1); /* hangs if libdune's copy is not seen */
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(rtmax_count, 2);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGRTMAX, &sa, NULL);
}

/* SIGRTMAX-2 carries libdune's kicks (TLB shootdowns), told apart by a
 * cookie: the program may still use the signal, and kicks keep working
 * while it does (threads that map and unmap force shootdowns). */
static volatile int kick_sig_count, kick_sig_value;
static void on_kick_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGRTMAX - 2)
		kick_sig_count++;
	kick_sig_value = si->si_value.sival_int;
}

static void *map_churn(void *arg)
{
	for (int i = 0; i < (int)(long)arg; i++) {
		void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		*(volatile char *)p = 1;
		munmap(p, 8192);
	}
	return NULL;
}

static void kick_signal_is_the_programs(void)
{
	struct sigaction sa, old;
	union sigval v = { .sival_int = 62 };
	pthread_t t[2];

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_kick_sig;
	sa.sa_flags = SA_SIGINFO;
	CHECK_EQ(sigaction(SIGRTMAX - 2, &sa, NULL), 0);
	CHECK_EQ(sigaction(SIGRTMAX - 2, NULL, &old), 0);
	CHECK(old.sa_sigaction == on_kick_sig);
	CHECK_EQ(sigqueue(getpid(), SIGRTMAX - 2, v), 0);
	CHECK_EQ(kick_sig_count, 1);
	CHECK_EQ(kick_sig_value, 62);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, map_churn, (void *)tl_iters(300));
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(kick_sig_count, 1); /* the kicks of those shootdowns were not the program's */
	kill(getpid(), SIGRTMAX - 2);
	CHECK_EQ(kick_sig_count, 2);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigaction(SIGRTMAX - 2, &sa, NULL);
	/* its default action ends the process, as for any real-time signal */
	pid_t pid = fork();
	if (pid == 0) {
		kill(getpid(), SIGRTMAX - 2);
		_exit(0);
	}
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGRTMAX - 2);
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = (uintptr_t)si->si_addr;
	got_code = si->si_code;
	siglongjmp(jb, 1);
}

static volatile int woken;
static void on_wake(int sig)
{
	(void)sig;
	woken = (int)syscall(SYS_gettid);
}

static void *sleeper(void *arg)
{
	(void)arg;
	while (!woken)
		usleep(1000);
	return (void *)syscall(SYS_gettid);
}

static void *pipe_writer(void *arg)
{
	int fd = *(int *)arg;
	usleep(100000);
	if (write(fd, "x", 1) != 1)
		return NULL;
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	stack_t ss;

	tl_watchdog(120);
	tl_enter();

	/* SA_SIGINFO handler in the guest, siginfo from raise() */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	CHECK_EQ(got, SIGUSR1);
	CHECK_EQ(got_code, SI_TKILL);
	CHECK(in_guest);
	CHECK(nested_blocked);
	CHECK_EQ(runs, 2); /* the raise inside came after the handler returned */

	/* the old action reads back */
	{
		struct sigaction old;
		CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
		CHECK(old.sa_sigaction == on_usr1);
	}

	/* on the alternate stack */
	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	CHECK_EQ(sigaltstack(&ss, NULL), 0);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	got = 0;
	kill(getpid(), SIGUSR1);
	CHECK_EQ(got, SIGUSR1);
	CHECK(handler_sp >= (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof(altstack));

	/* masks: a blocked signal waits until unblocked */
	{
		sigset_t set;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr2;
		CHECK_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		raise(SIGUSR2);
		CHECK_EQ(usr2_count, 0);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		CHECK_EQ(usr2_count, 1);
	}

	/* timers */
	{
		struct itimerval it = { { 0, 0 }, { 0, 20000 } };
		int before = usr2_count;
		struct sigevent sev;
		timer_t tid;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr2;
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		while (usr2_count == before)
			; /* busy in the guest: the timer interrupts the vCPU */
		CHECK_EQ(usr2_count, before + 1);
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = SIGUSR2;
		CHECK_EQ(timer_create(CLOCK_MONOTONIC, &sev, &tid), 0);
		struct itimerspec its = { { 0, 0 }, { 0, 10000000 } };
		timer_settime(tid, 0, &its, NULL);
		while (usr2_count == before + 1)
			;
		CHECK_EQ(usr2_count, before + 2);
		timer_delete(tid);
		signal(SIGALRM, SIG_DFL);
		tl_watchdog(120);
	}

	/* SA_RESTART: a read interrupted by a signal goes on */
	{
		int p[2];
		char c = 0;
		pthread_t t;
		struct itimerval it = { { 0, 0 }, { 0, 30000 } };
		CHECK_EQ(pipe(p), 0);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGALRM, &sa, NULL);
		pthread_create(&t, NULL, pipe_writer, &p[1]);
		setitimer(ITIMER_REAL, &it, NULL);
		errno = 0;
		long n = read(p[0], &c, 1);
		if (n != 1)
			fprintf(stderr, "read: %ld, errno %d\n", n, errno);
		CHECK_EQ(n, 1);
		CHECK_EQ(c, 'x');
		pthread_join(t, NULL);
		/* without SA_RESTART the read fails with EINTR */
		sa.sa_flags = 0;
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		errno = 0;
		CHECK_EQ(read(p[0], &c, 1), -1);
		CHECK_EQ(errno, EINTR);
		signal(SIGALRM, SIG_DFL);
		tl_watchdog(120);
	}

	/* tgkill to another thread in dune mode: its handler runs there */
	{
		pthread_t t;
		void *tid;
		signal(SIGUSR2, on_wake);
		pthread_create(&t, NULL, sleeper, NULL);
		usleep(20000);
		pthread_kill(t, SIGUSR2);
		pthread_join(t, &tid);
		CHECK_EQ(woken, (long)tid); /* ran on the target thread */
		CHECK(woken != getpid());
	}

	/* a fault the program handles with SIGSEGV, and siglongjmp out */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(jb, 1)) {
		*tl_bad_ptr(16) = 1;
		CHECK(0);
	}
	CHECK_EQ(fault_addr, 0x10);
	CHECK_EQ(got_code, SEGV_MAPERR);
	signal(SIGSEGV, SIG_DFL);

	/* SIGSTOP/SIGCONT and SIGKILL on a child busy in the guest */
	{
		int status;
		pid_t pid = fork();
		if (pid == 0) {
			for (;;)
				;
		}
		usleep(50000);
		CHECK_EQ(kill(pid, SIGSTOP), 0);
		CHECK_EQ(waitpid(pid, &status, WUNTRACED), pid);
		CHECK(WIFSTOPPED(status));
		CHECK_EQ(kill(pid, SIGCONT), 0);
		CHECK_EQ(kill(pid, SIGKILL), 0);
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	last_signal();
	kick_signal_is_the_programs();
	return tl_finish("proc_signals");
}
