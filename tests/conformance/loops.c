/*
 * loops.c - stress-ng-like loops (loops.h). Built twice: into a static
 * program that tests/box runs natively and in dunebox (tests/box/conform.c),
 * and into a libdune program that runs each loop natively and in dune mode
 * (tests/integration/conform_libdune.c). Every line a loop says must come
 * out the same in all three; nothing timing-dependent is said.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loops.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#define CLOSE_RANGE_CLOEXEC_FLAG 4 /* <linux/close_range.h> */
#define FD_SWEEP 1024              /* "every descriptor number": 0..1023 */
#define STORM_ROUNDS 5
#define STORM_WIDTH 8
#define CLONE_STACK (64 * 1024)

/* FS_IOC_FIEMAP and its header (<linux/fiemap.h>, not in musl's headers) */
struct fiemap_head {
	uint64_t fm_start, fm_length;
	uint32_t fm_flags, fm_mapped_extents, fm_extent_count, fm_reserved;
};
#define FS_IOC_FIEMAP_REQ _IOWR('f', 11, struct fiemap_head)
#define FIGETBSZ_REQ _IO(0x00, 2) /* <linux/fs.h> FIGETBSZ */

int conform_threads = 1;

void say(struct transcript *t, const char *fmt, ...)
{
	va_list ap;
	int n;
	if (t->len >= sizeof(t->text) - 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->text + t->len, sizeof(t->text) - t->len - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	t->len += (size_t)n < sizeof(t->text) - t->len - 1 ? (size_t)n : sizeof(t->text) - t->len - 2;
	t->text[t->len++] = '\n';
	t->text[t->len] = 0;
}

struct transcript *transcript_new(void)
{
	struct transcript *t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	t->len = 0;
	t->text[0] = 0;
	return t;
}

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "ok";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case ENOTTY: return "ENOTTY";
	case EMSGSIZE: return "EMSGSIZE";
	case EMFILE: return "EMFILE";
	case ENOSYS: return "ENOSYS";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case ECHILD: return "ECHILD";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	}
	return "other";
}

/* errno of a call that returned r (0 when it succeeded) */
static const char *outcome(long r)
{
	return err_name(r < 0 ? errno : 0);
}

/* ---- still alive: a fork, a thread, fresh memory ---- */

static void *thread_value(void *arg)
{
	return (void *)((uintptr_t)arg * 2);
}

static void alive(struct transcript *t, const char *after)
{
	int st = -1;
	void *ret = NULL;
	pthread_t th;
	pid_t p = fork();
	if (p == 0)
		_exit(9);
	if (p > 0)
		waitpid(p, &st, 0);
	if (!conform_threads)
		ret = thread_value((void *)21);
	else if (pthread_create(&th, NULL, thread_value, (void *)21) == 0)
		pthread_join(th, &ret);
	char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int mem_ok = m != MAP_FAILED;
	if (mem_ok) {
		m[0] = m[(1 << 20) - 1] = 1;
		munmap(m, 1 << 20);
	}
	say(t, "after %s: fork child status %d, thread returned %ld, memory %s", after,
	    WIFEXITED(st) ? WEXITSTATUS(st) : -1, (long)(uintptr_t)ret, mem_ok ? "ok" : "failed");
}

/* ---- fork storms ---- */

static int nested_fork(int depth)
{
	int st;
	if (depth == 0)
		return 0;
	pid_t p = fork();
	if (p == 0)
		_exit(nested_fork(depth - 1) + 1);
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st))
		return -100;
	return WEXITSTATUS(st);
}

static void fork_storm(struct transcript *t)
{
	int n = 0, sum = 0, reaped = 0, st;
	for (int round = 0; round < STORM_ROUNDS; round++) {
		pid_t kids[STORM_WIDTH];
		for (int i = 0; i < STORM_WIDTH; i++) {
			kids[i] = fork();
			if (kids[i] == 0)
				_exit(round + i);
		}
		for (int i = 0; i < STORM_WIDTH; i++)
			if (kids[i] > 0 && waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st)) {
				n++;
				sum += WEXITSTATUS(st);
			}
	}
	say(t, "fork storm: %d children reaped by pid, exit codes sum %d", n, sum);
	for (int i = 0; i < 2 * STORM_WIDTH; i++)
		if (fork() == 0)
			_exit(1);
	while (wait(&st) > 0)
		reaped++;
	say(t, "wait for any: %d reaped, then %s", reaped, err_name(errno));
	say(t, "nested forks: depth %d", nested_fork(4));
	alive(t, "fork storm");
}

/* ---- timers ---- */

static volatile sig_atomic_t ticks, timer_fired;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	timer_fired = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* handlers for SIGALRM and SIGUSR1, both blocked until a sigsuspend
 * (*old is the mask from before) */
static void catch_alrm_usr1(void (*alrm)(int), void (*usr1)(int, siginfo_t *, void *),
			    sigset_t *old)
{
	struct sigaction sa;
	sigset_t block;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alrm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_sigaction = usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, old);
}

static void timers(struct transcript *t)
{
	sigset_t old;
	catch_alrm_usr1(on_tick, on_timer, &old);

	/* an interval timer until 10 ticks */
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	ticks = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	while (ticks < 10)
		sigsuspend(&old);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	say(t, "itimer: at least 10 ticks");

	/* a POSIX timer, one shot */
	struct sigevent sev;
	timer_t tid;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	int created = timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0;
	if (created) {
		struct itimerspec its = { { 0, 0 }, { 0, 3000000 } };
		timer_settime(tid, 0, &its, NULL);
		while (!timer_fired)
			sigsuspend(&old);
		timer_delete(tid);
	}
	say(t, "posix timer: %s", created && timer_fired ? "fired" : "failed");
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* a timerfd: read the expirations */
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	uint64_t exp = 0;
	if (fd >= 0) {
		struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };
		timerfd_settime(fd, 0, &its, NULL);
		if (read(fd, &exp, sizeof(exp)) != sizeof(exp))
			exp = 0;
		close(fd);
	}
	say(t, "timerfd: %s", exp >= 1 ? "expired" : "failed");

	/* a sleep lasts at least as long as asked (one clock on both sides:
	 * in dune mode on the SVM machine the vDSO's clock trails the
	 * kernel's, docs/conformance.md) */
	double t0 = now();
	struct timespec ts = { 0, 5000000 };
	nanosleep(&ts, NULL);
	say(t, "nanosleep %s", now() - t0 >= 0.005 ? "long enough" : "short");
	alive(t, "timers");
}

/* ---- a timer storm ---- */

/* A POSIX timer every microsecond, which its own handler disarms after
 * STORM_TICKS runs (scaled). Natively a handler run is shorter than the
 * period. Where a signal costs more (a VM exit or several), the program may do
 * nothing but handle ticks until then, but each must come to the handler,
 * one per run: no livelock where the thread takes signals and nothing of
 * the program runs (dunebox before 2026-12-03: stress-ng's timer and
 * hrtimers). */
enum { STORM_PERIOD_NS = 1000, STORM_TICKS = 2000, STORM_TICKS_MIN = 20 };
static int storm_goal; /* STORM_TICKS, scaled for the emulated machines */

/* n scaled by DUNE_ITERS_SCALE (the emulated machines: 0.01), at least min */
static int scaled(int n, int min)
{
	const char *s = getenv("DUNE_ITERS_SCALE");
	int v = (int)(n * (s ? atof(s) : 1.0));
	return v < min ? min : v;
}
static volatile sig_atomic_t storm_ticks;
static timer_t storm_timer;

static void on_storm_tick(int sig)
{
	static const struct itimerspec disarm;
	(void)sig;
	if (++storm_ticks == storm_goal)
		timer_settime(storm_timer, 0, &disarm, NULL);
}

static struct sigaction storm_old_action;

/* A timer every period_ns whose ticks go to handler; 0, or -1 said why. */
static int storm_start(struct transcript *t, void (*handler)(int), long period_ns)
{
	struct sigaction sa;
	struct sigevent sev;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGRTMIN, &sa, &storm_old_action);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGRTMIN;
	if (timer_create(CLOCK_MONOTONIC, &sev, &storm_timer)) {
		say(t, "timer storm: timer_create %s", err_name(errno));
		sigaction(SIGRTMIN, &storm_old_action, NULL);
		return -1;
	}
	struct itimerspec its = { { 0, period_ns }, { 0, period_ns } };
	storm_ticks = 0;
	timer_settime(storm_timer, 0, &its, NULL);
	return 0;
}

static void storm_stop(void)
{
	static const struct itimerspec disarm;
	sigset_t tick, was;
	/* disarmed first: a tick queued while it is blocked would outlive
	 * timer_delete on kernels before 6.13 and end the process once the
	 * default action is back; one already queued goes to the handler */
	timer_settime(storm_timer, 0, &disarm, NULL);
	sigemptyset(&tick);
	sigaddset(&tick, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &tick, &was);
	timer_delete(storm_timer);
	sigaction(SIGRTMIN, &storm_old_action, NULL);
	sigprocmask(SIG_SETMASK, &was, NULL);
}

static void timer_storm(struct transcript *t)
{
	storm_goal = scaled(STORM_TICKS, STORM_TICKS_MIN);
	if (storm_start(t, on_storm_tick, STORM_PERIOD_NS))
		return;
	while (storm_ticks < storm_goal)
		;
	storm_stop();
	say(t, "timer storm: %d ticks handled, then the program went on", storm_goal);
	alive(t, "timer-storm");
}

/* A storm the program's own loop must get through while the ticks keep
 * coming (the handler only counts them). The period is long enough for
 * any native handler (natively the kernel gives no such guarantee at
 * 1 us), short against a round trip through a VM exit: the code under the
 * handler must still run, an instruction or more per tick (in dune mode
 * and in the box before 2026-12-04 it never ran again). */
enum { STORM_LOOP_PERIOD_NS = 50000, STORM_LOOP_STEPS = 500, STORM_LOOP_STEPS_MIN = 50 };

static void on_storm_count(int sig)
{
	(void)sig;
	storm_ticks++;
}

static void timer_storm_loop(struct transcript *t)
{
	int steps = scaled(STORM_LOOP_STEPS, STORM_LOOP_STEPS_MIN);
	if (storm_start(t, on_storm_count, STORM_LOOP_PERIOD_NS))
		return;
	for (volatile int i = 0; i < steps; i++)
		;
	storm_stop();
	say(t, "timer storm: the program's own loop of %d steps ended while ticks came", steps);
	alive(t, "timer-storm-loop");
}

/* ---- signals to children ---- */

static volatile sig_atomic_t child_got;
static volatile int child_value;

static void on_child_alarm(int sig)
{
	(void)sig;
	child_got = 1;
}

static void on_child_queued(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	child_value = si->si_value.sival_int;
	child_got = 1;
}

/* a child that says it is ready, then waits for the signal it blocks now */
static pid_t waiting_child(int sig, int code_on_signal)
{
	int p[2];
	char c;
	sigset_t empty;
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		sigemptyset(&empty);
		if (write(p[1], "r", 1) != 1)
			_exit(100);
		while (!child_got)
			sigsuspend(&empty);
		_exit(sig == SIGUSR1 ? child_value : code_on_signal);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

static const char *ended(pid_t pid)
{
	static char buf[64];
	int st;
	if (pid <= 0 || waitpid(pid, &st, 0) != pid)
		return "not reaped";
	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "status %#x", st);
	return buf;
}

static void signal_children(struct transcript *t)
{
	sigset_t old;
	catch_alrm_usr1(on_child_alarm, on_child_queued, &old);

	/* stress-ng's way to stop its workers: kill(worker, SIGALRM) */
	for (int i = 0; i < 4; i++) {
		pid_t c = waiting_child(SIGALRM, 3);
		long r = kill(c, 0);
		const char *probe = outcome(r);
		r = kill(c, SIGALRM);
		say(t, "worker %d: kill 0 %s, SIGALRM %s, %s", i, probe, outcome(r), ended(c));
	}
	pid_t c = waiting_child(SIGUSR1, 0);
	union sigval v = { .sival_int = 42 };
	long r = sigqueue(c, SIGUSR1, v);
	say(t, "sigqueue SIGUSR1 with 42: %s, %s", outcome(r), ended(c));
	c = waiting_child(SIGALRM, 3);
	r = kill(c, SIGKILL);
	say(t, "SIGKILL: %s, %s", outcome(r), ended(c));
	c = waiting_child(SIGALRM, 3);
	r = syscall(SYS_tgkill, c, c, SIGALRM);
	say(t, "tgkill: %s, %s", outcome(r), ended(c));

	/* a grandchild, signalled by its grandparent */
	int p[2];
	pid_t gc = -1;
	if (pipe(p) == 0) {
		c = fork();
		if (c == 0) {
			close(p[0]);
			pid_t g = fork();
			if (g == 0) {
				for (;;)
					pause();
			}
			if (write(p[1], &g, sizeof(g)) != sizeof(g))
				_exit(100);
			int st;
			waitpid(g, &st, 0);
			_exit(WIFSIGNALED(st) ? WTERMSIG(st) : 200);
		}
		close(p[1]);
		if (read(p[0], &gc, sizeof(gc)) != sizeof(gc))
			gc = -1;
		close(p[0]);
		r = kill(gc, SIGTERM);
		say(t, "grandchild: SIGTERM %s, its parent %s", outcome(r), ended(c));
	}

	/* a zombie may still be signalled; a reaped child is gone */
	c = fork();
	if (c == 0)
		_exit(0);
	siginfo_t si;
	waitid(P_PID, c, &si, WEXITED | WNOWAIT);
	r = kill(c, SIGTERM);
	say(t, "zombie: SIGTERM %s, %s", outcome(r), ended(c));
	r = kill(c, SIGTERM);
	say(t, "reaped child: SIGTERM %s", outcome(r));
	sigprocmask(SIG_SETMASK, &old, NULL);
	alive(t, "signals");
}

/* ---- descriptors ---- */

static int open_fds(int upto)
{
	int n = 0;
	for (int fd = 0; fd < upto; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int nofile_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > (1 << 20))
		return 1 << 20;
	return (int)rl.rlim_cur;
}

static void dup2_all(struct transcript *t)
{
	struct stat null_st, st;
	int src = open("/dev/null", O_RDWR);
	int dups = 0, dup3s = 0, cloexec = 0, same = 0;
	const char *first_err = "ok";

	say(t, "first free descriptor: %d", src);
	if (src < 0 || fstat(src, &null_st) < 0)
		return;
	for (int fd = 0; fd < FD_SWEEP; fd++) {
		if (fd == src)
			continue;
		if (dup2(src, fd) == fd)
			dups++;
		else if (!strcmp(first_err, "ok"))
			first_err = err_name(errno);
	}
	for (int fd = 0; fd < FD_SWEEP; fd++)
		if (fstat(fd, &st) == 0 && st.st_rdev == null_st.st_rdev)
			same++;
	for (int fd = 0; fd < FD_SWEEP; fd++) {
		if (fd == src)
			continue;
		if (dup3(src, fd, O_CLOEXEC) == fd)
			dup3s++;
		if (fcntl(fd, F_GETFD) == FD_CLOEXEC)
			cloexec++;
	}
	say(t, "dup2 onto 0..%d: %d of %d (first error %s); %d are /dev/null", FD_SWEEP - 1, dups,
	    FD_SWEEP - 1, first_err, same);
	say(t, "dup3 O_CLOEXEC: %d, close-on-exec %d", dup3s, cloexec);
	errno = 0;
	long r = dup3(src, src, 0);
	say(t, "dup3 onto itself: %s", outcome(r));
	r = syscall(SYS_close_range, 3, ~0U, 0);
	say(t, "close_range(3, ~0): %s, open below %d: %d", outcome(r), FD_SWEEP, open_fds(FD_SWEEP));
	alive(t, "dup2 over every descriptor");
}

static void close_all(struct transcript *t)
{
	int fds[16], closed = 0, limit = nofile_limit();
	for (int i = 0; i < 16; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	say(t, "opened 16, first %d, last %d", fds[0], fds[15]);
	long r = syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC_FLAG);
	int cloexec = 0;
	for (int i = 0; i < 16; i++)
		cloexec += fcntl(fds[i], F_GETFD) == FD_CLOEXEC;
	say(t, "close_range CLOEXEC: %s, %d of 16 close-on-exec", outcome(r), cloexec);
	say(t, "close_range(5, 4): %s", outcome(syscall(SYS_close_range, 5, 4, 0)));
	say(t, "close_range bad flags: %s", outcome(syscall(SYS_close_range, 3, 4, 0x80)));
	/* what a daemon does: close every descriptor it may have */
	for (int fd = 3; fd < limit; fd++)
		if (close(fd) == 0)
			closed++;
	say(t, "close 3..RLIMIT_NOFILE: %d closed", closed);
	alive(t, "closing everything");
	for (int i = 0; i < 8; i++)
		open("/dev/null", O_RDONLY);
	r = syscall(SYS_close_range, 0, ~0U, 0);
	int still = open_fds(FD_SWEEP);
	/* stdio is gone too; what is left is said through the transcript */
	say(t, "close_range(0, ~0): %s, open below %d: %d", outcome(r), FD_SWEEP, still);
	alive(t, "close_range over everything");
}

static void list_dir_as(struct transcript *t, const char *path, const char *label)
{
	char names[FD_SWEEP * 5] = "";
	size_t len = 0;
	int count = 0, high = 0, fd = open(path, O_RDONLY | O_DIRECTORY);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	unsigned char seen[FD_SWEEP] = { 0 };
	if (!d) {
		say(t, "%s: cannot open (%s)", label, err_name(errno));
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			int n = atoi(e->d_name);
			if (n >= 0 && n < FD_SWEEP)
				seen[n] = 1;
			else
				high++;
			count++;
		}
	closedir(d);
	for (int n = 0; n < FD_SWEEP; n++)
		if (seen[n])
			len += (size_t)snprintf(names + len, sizeof(names) - len, " %d", n);
	say(t, "%s: %d entries:%s, %d above %d", label, count, names, high, FD_SWEEP - 1);
}

static void list_dir(struct transcript *t, const char *path)
{
	list_dir_as(t, path, path);
}

static void fd_listing(struct transcript *t)
{
	int p[2];
	int fd = open("/dev/null", O_RDONLY);
	if (pipe(p) < 0)
		p[0] = p[1] = -1;
	say(t, "opened /dev/null as %d, a pipe as %d %d", fd, p[0], p[1]);
	list_dir(t, "/proc/self/fd");
	list_dir(t, "/proc/self/fdinfo");
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/fd", (int)getpid(), (int)syscall(SYS_gettid));
	list_dir_as(t, path, "/proc/PID/task/TID/fd");
	/* everything listed can be closed, and then nothing is listed */
	DIR *d = opendir("/proc/self/fd");
	int closed = 0, failed = 0, dfd = d ? dirfd(d) : -1;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) > 2 && atoi(e->d_name) != dfd) {
			if (close(atoi(e->d_name)) == 0)
				closed++;
			else
				failed++;
		}
	if (d)
		closedir(d);
	say(t, "closed every listed descriptor above 2: %d, failed %d", closed, failed);
	list_dir(t, "/proc/self/fd");
	alive(t, "closing what /proc/self/fd lists");
}

/* ---- clone with a shared descriptor table (stress-ng's dup race) ---- */

static char clone_stack[CLONE_STACK] __attribute__((aligned(16)));
static volatile int clone_target;

static int clone_child(void *arg)
{
	(void)arg;
	int fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		_exit(1);
	dup2(fd, clone_target);
	close(fd);
	_exit(0);
}

static int clone_closer(void *arg)
{
	(void)arg;
	/* a child sharing the table closes what it does not know */
	for (int fd = 3; fd < FD_SWEEP; fd++)
		close(fd);
	_exit(4);
}

static void clone_files(struct transcript *t)
{
	int fd = open("/dev/null", O_RDONLY);
	clone_target = fd + 1;
	pid_t c = clone(clone_child, clone_stack + CLONE_STACK, CLONE_VM | CLONE_FILES | SIGCHLD, NULL);
	say(t, "clone(CLONE_VM | CLONE_FILES): %s, %s", c > 0 ? "ok" : err_name(errno), ended(c));
	c = clone(clone_closer, clone_stack + CLONE_STACK, CLONE_FILES | SIGCHLD, NULL);
	say(t, "clone(CLONE_FILES) closing 3..%d: %s, %s", FD_SWEEP - 1, c > 0 ? "ok" : err_name(errno),
	    ended(c));
	c = clone(clone_closer, clone_stack + CLONE_STACK, SIGCHLD, NULL);
	say(t, "clone() closing 3..%d: %s, %s", FD_SWEEP - 1, c > 0 ? "ok" : err_name(errno), ended(c));
	alive(t, "clones sharing the table");
}

/* ---- invalid arguments get the kernel's own errno ---- */

/* A message queue: a length that wraps around is too long for it. Not
 * in dunebox's tests: POSIX queue names are the host's, and the monitor
 * (without the outer layer's IPC namespace) refuses mq_open. */
static void mq_bad_args(struct transcript *t)
{
	unsigned char vec[4];
	char name[64];
	snprintf(name, sizeof(name), "conform-%d", (int)getpid());
	struct { long flags, maxmsg, msgsize, curmsgs, pad[4]; } attr = { 0, 4, 64, 0, { 0 } };
	long mq = syscall(SYS_mq_open, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
	if (mq >= 0) {
		say(t, "mq_timedsend(len ~0): %s",
		    outcome(syscall(SYS_mq_timedsend, mq, "x", ~0UL, 0, NULL)));
		say(t, "mq_timedsend(len 65): %s", outcome(syscall(SYS_mq_timedsend, mq, "x", 65, 0, NULL)));
		say(t, "mq_timedreceive(len 1): %s",
		    outcome(syscall(SYS_mq_timedreceive, mq, vec, 1, NULL, NULL)));
		close((int)mq);
		syscall(SYS_mq_unlink, name);
	} else {
		say(t, "mq_open: %s", err_name(errno));
	}

}

static void bad_args(struct transcript *t)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char vec[4];
	char *m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[0] = 1;
	say(t, "mincore(NULL, 0, NULL): %s", outcome(syscall(SYS_mincore, 0, 0, 0)));
	say(t, "mincore(page, 0, vec): %s", outcome(syscall(SYS_mincore, m, 0, vec)));
	say(t, "mincore(page + 1, 0, vec): %s", outcome(syscall(SYS_mincore, m + 1, 0, vec)));
	say(t, "mincore(NULL, page, vec): %s", outcome(syscall(SYS_mincore, 0, pg, vec)));
	say(t, "mincore(page, page, NULL): %s", outcome(syscall(SYS_mincore, m, pg, 0)));
	say(t, "mprotect(page + 1, page): %s", outcome(syscall(SYS_mprotect, m + 1, pg, PROT_READ)));
	say(t, "madvise(NULL, 0): %s", outcome(syscall(SYS_madvise, 0, 0, MADV_NORMAL)));

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev[2];
	say(t, "epoll_pwait(count -1): %s", outcome(syscall(SYS_epoll_pwait, ep, ev, -1, 0, NULL, 8)));
	say(t, "epoll_wait(count 0): %s", outcome(syscall(SYS_epoll_wait, ep, ev, 0, 0)));
	say(t, "epoll_wait(bad fd, count -1): %s", outcome(syscall(SYS_epoll_wait, 999, ev, -1, 0)));
	close(ep);

	/* ioctls on a regular file: known ones work, unknown ones are ENOTTY */
	char path[64];
	snprintf(path, sizeof(path), "conform-ioctl.%d", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		struct fiemap_head fm;
		int bsz = 0;
		if (write(fd, "data", 4) != 4)
			say(t, "write failed");
		fsync(fd);
		memset(&fm, 0, sizeof(fm));
		fm.fm_length = ~0ULL;
		long r = ioctl(fd, FS_IOC_FIEMAP_REQ, &fm);
		say(t, "ioctl FS_IOC_FIEMAP (count only): %s", outcome(r));
		struct { struct fiemap_head h; uint64_t extents[4][7]; } fm4;
		memset(&fm4, 0, sizeof(fm4));
		fm4.h.fm_length = ~0ULL;
		fm4.h.fm_extent_count = 4;
		r = ioctl(fd, FS_IOC_FIEMAP_REQ, &fm4);
		say(t, "ioctl FS_IOC_FIEMAP (4 extents): %s, %u mapped, first at logical %llu", outcome(r),
		    fm4.h.fm_mapped_extents, (unsigned long long)fm4.extents[0][0]);
		say(t, "ioctl FIGETBSZ: %s", outcome(ioctl(fd, FIGETBSZ_REQ, &bsz)));
		say(t, "ioctl request 0x1: %s", outcome(syscall(SYS_ioctl, fd, 0x1, 0)));
		say(t, "ioctl TCGETS on a file: %s", outcome(ioctl(fd, TCGETS, vec)));
		close(fd);
		unlink(path);
	} else {
		say(t, "open %s: %s", path, err_name(errno));
	}
	int p[2];
	if (pipe(p) == 0) {
		if (write(p[1], "x", 1) != 1)
			say(t, "pipe write failed");
		say(t, "read into an unmapped page: %s", outcome(syscall(SYS_read, p[0], (void *)8, 1)));
		close(p[0]);
		close(p[1]);
	}
	munmap(m, pg);
}

/* ---- the tid word: stress-ng's pthread reads it back and puts it back ---- */

static void *tid_address_thread(void *arg)
{
	struct transcript *t = arg;
	int *orig = NULL, *got = NULL, word = 0;

	say(t, "PR_GET_TID_ADDRESS: %s, set: %s",
	    outcome(syscall(SYS_prctl, PR_GET_TID_ADDRESS, &orig)), orig ? "yes" : "no");
	syscall(SYS_set_tid_address, &word);
	syscall(SYS_prctl, PR_GET_TID_ADDRESS, &got);
	say(t, "after set_tid_address(&word): PR_GET_TID_ADDRESS gives &word: %s",
	    got == &word ? "yes" : "no");
	say(t, "PR_GET_TID_ADDRESS into an unmapped page: %s",
	    outcome(syscall(SYS_prctl, PR_GET_TID_ADDRESS, (void *)8)));
	/* the libc's word back: its join waits for the kernel to clear it */
	syscall(SYS_set_tid_address, orig);
	return NULL;
}

static void tid_address(struct transcript *t)
{
	pthread_t th;
	struct timespec deadline;

	if (!conform_threads || pthread_create(&th, NULL, tid_address_thread, t) != 0) {
		say(t, "no thread");
		return;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 20;
	int r = pthread_timedjoin_np(th, NULL, &deadline);
	say(t, "join after the word was put back: %s", r == 0 ? "done" : "timed out");
}

/* ---- alternate signal stacks the kernel cannot use (stress-ng's bad-altstack) ---- */

enum { ALT_UNMAPPED, ALT_READ_ONLY, ALT_NULL, ALT_KINDS };
static const char *const alt_kind_names[] = { "unmapped", "read-only", "NULL" };

static void on_segv_exit(int sig)
{
	(void)sig;
	_exit(3); /* the handler ran: it should not have */
}

static void bad_altstack_child(struct transcript *t, int kind)
{
	size_t size = 64 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = { .ss_sp = stack, .ss_size = size };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv_exit;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	if (kind == ALT_NULL)
		ss.ss_sp = NULL;
	say(t, "%s: sigaltstack: %s", alt_kind_names[kind], outcome(sigaltstack(&ss, NULL)));
	if (kind == ALT_UNMAPPED)
		munmap(stack, size);
	if (kind == ALT_READ_ONLY)
		mprotect(stack, size, PROT_READ);
	int *volatile nowhere = (int *)8; /* volatile: no compile-time bounds check */
	*nowhere = 1;
	_exit(4);
}

static void bad_altstack(struct transcript *t)
{
	for (int kind = 0; kind < ALT_KINDS; kind++) {
		pid_t p = fork();
		if (p == 0)
			bad_altstack_child(t, kind);
		say(t, "%s: the child ended: %s", alt_kind_names[kind], ended(p));
	}
}

/* ---- a file mapping touched past the file's end ---- */

/* Linux: SIGBUS, BUS_ADRERR, si_addr the byte touched, for the program's
 * handler. libdune finds the address itself where the host does not give
 * it (PVM); before 2026-12-04 it ended the process with SIGSEGV. Not in
 * dunebox's tests: the box's program gets no SIGBUS there yet
 * (docs/conformance.md, Open). */
static sigjmp_buf past_eof_jump;
static volatile uintptr_t past_eof_addr;
static volatile int past_eof_code;

static void on_past_eof(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	past_eof_addr = (uintptr_t)si->si_addr;
	past_eof_code = si->si_code;
	siglongjmp(past_eof_jump, sig);
}

static void past_eof(struct transcript *t)
{
	char path[] = "/var/tmp/conform-eof-XXXXXX";
	struct sigaction sa, old;
	int fd = mkstemp(path);
	if (fd < 0) {
		say(t, "past-eof: mkstemp %s", err_name(errno));
		return;
	}
	unlink(path);
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_past_eof;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, &old);
	for (int i = 0; i < 2 && p != MAP_FAILED; i++) {
		volatile char *at = p + i * 4096 + 100 * i; /* a page start, then inside one */
		int sig = sigsetjmp(past_eof_jump, 1);
		if (!sig) {
			*at = 1;
			say(t, "touch %d past the end: no signal", i);
		} else {
			say(t, "touch %d past the end: signal %d, code %s, at the byte touched: %s", i,
			    sig, past_eof_code == BUS_ADRERR ? "BUS_ADRERR" : "other",
			    past_eof_addr == (uintptr_t)at ? "yes" : "no");
		}
	}
	sigaction(SIGBUS, &old, NULL);
	if (p != MAP_FAILED)
		munmap(p, 2 * 4096);
	close(fd);
	alive(t, "past-eof");
}

const struct conform_loop conform_loops[] = {
	{ "fork-storm", fork_storm },
	{ "timers", timers },
	{ "timer-storm", timer_storm },
	{ "timer-storm-loop", timer_storm_loop },
	{ "signal-children", signal_children },
	{ "dup2-all", dup2_all },
	{ "close-all", close_all },
	{ "fd-listing", fd_listing },
	{ "clone-files", clone_files },
	{ "bad-args", bad_args },
	{ "tid-address", tid_address },
	{ "bad-altstack", bad_altstack },
	{ "mq-bad-args", mq_bad_args },
	{ "past-eof", past_eof },
	{ NULL, NULL },
};

const struct conform_loop *conform_loop_find(const char *name)
{
	for (const struct conform_loop *l = conform_loops; l->name; l++)
		if (!strcmp(l->name, name))
			return l;
	return NULL;
}
