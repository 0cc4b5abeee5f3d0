/* testlib.h - a few helpers for integration tests: each test program is one
 * scenario; it prints PASS/FAIL lines and exits 0 only if everything passed.
 * A watchdog alarm ends a hung guest. */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dune.h"

static int tl_failures;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			tl_failures++;                                           \
		}                                                                \
	} while (0)

#define CHECK_EQ(a, b)                                                           \
	do {                                                                     \
		long long _a = (long long)(a), _b = (long long)(b);              \
		if (_a != _b) {                                                  \
			fprintf(stderr, "FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__, \
				__LINE__, #a, #b, _a, _b);                       \
			tl_failures++;                                           \
		}                                                                \
	} while (0)

/* scales iteration counts down in emulators (DUNE_ITERS_SCALE=0.01) */
static inline long tl_iters(long n)
{
	const char *s = getenv("DUNE_ITERS_SCALE");
	double f = s ? atof(s) : 1.0;
	long r = (long)(n * f);
	return r < 1 ? 1 : r;
}

/* an address the compiler cannot see through, for deliberate faults */
static inline volatile int *tl_bad_ptr(unsigned long a)
{
	asm volatile("" : "+r"(a));
	return (volatile int *)a;
}

static inline void tl_watchdog(unsigned seconds)
{
	alarm(seconds);
}

/* Neither /dev/kvm nor /dev/dune: nothing to test here, a SKIP (77) for
 * tools/run-tests, not a failure. */
static inline void tl_require_vm(void)
{
	if (access("/dev/kvm", F_OK) == 0 || access("/dev/dune", F_OK) == 0)
		return;
	printf("neither /dev/kvm nor /dev/dune on this machine\n");
	exit(77);
}

static inline void tl_enter(void)
{
	tl_require_vm();
	int r = dune_init_and_enter();
	if (r) {
		fprintf(stderr, "FAIL dune_init_and_enter: %d\n", r);
		exit(2);
	}
}

/* Runs fn(arg) in a child process (which ends when fn returns, or is
 * killed after seconds) with its stderr in out (NUL-terminated); returns
 * the child's wait status. */
static inline int tl_child_for(void (*fn)(void *arg), void *arg, char *out, size_t outlen,
			       unsigned seconds)
{
	int p[2], status = 0;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (pipe(p))
		abort();
	fflush(NULL); /* nothing buffered is written twice */
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 2);
		alarm(seconds);
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	while (got + 1 < outlen && (n = read(p[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	return status;
}

static inline int tl_child(void (*fn)(void *arg), void *arg, char *out, size_t outlen)
{
	return tl_child_for(fn, arg, out, outlen, 20);
}

/* How often what occurs in text. */
static inline int tl_count(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* Runs fn in user mode (dune_jump_to_user) on the stack below stack_top,
 * with rdi, rsi, rdx; returns what dune_ret_from_user was given. */
static inline int tl_user(void (*fn)(void), void *stack_top, uint64_t rdi, uint64_t rsi,
			  uint64_t rdx)
{
	struct dune_tf tf;
	memset(&tf, 0, sizeof(tf));
	tf.rip = (uint64_t)fn;
	tf.rsp = (uint64_t)stack_top - 8;
	tf.rflags = 0x202;
	tf.rdi = rdi;
	tf.rsi = rsi;
	tf.rdx = rdx;
	return dune_jump_to_user(&tf);
}

static inline int tl_finish(const char *name)
{
	printf("%s %s\n", tl_failures ? "FAIL" : "PASS", name);
	fflush(stdout);
	return tl_failures ? 1 : 0;
}

#endif
