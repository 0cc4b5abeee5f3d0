/* st_bench - what privilege separation costs here, beside what a program
 * would use without it:
 *   create+join   an sthread (a worker kept warm), the first sthread on a
 *                 new worker, a pthread, fork+waitpid of a child that exits
 *   round trip    a callgate call from an sthread, the same call from the
 *                 program, a one-byte pipe round trip between two
 *                 processes; a system call from an sthread (checked in
 *                 ring 0) and natively
 * The native rows run before the process enters dune mode (fork there
 * would be libdune's). Prints "key<TAB>ns per operation" lines (the mean
 * of the best of REPS repetitions); apps/privsep/bench/run.sh puts them
 * beside the floors and the servers' numbers. DUNE_ITERS_SCALE scales the
 * iterations. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "sthread.h"

#define REPS 3

static void row(const char *key, double ns)
{
	printf("%s\t%.0f\n", key, ns);
	fflush(stdout);
}

/* the best of REPS runs of fn(n), per operation */
static double best(void (*fn)(long), long n)
{
	double min = 0;
	for (int r = 0; r < REPS; r++) {
		double t0 = bench_now_ns(), t;
		fn(n);
		t = (bench_now_ns() - t0) / n;
		if (!r || t < min)
			min = t;
	}
	return min;
}

/* ---- native ---- */

static void *nothing(void *arg)
{
	return arg;
}

static void pthreads(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, nothing, NULL) || pthread_join(t, NULL))
			exit(1);
	}
}

static void forks(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) != pid)
			exit(1);
	}
}

static int to_child[2], from_child[2];

static void pipe_round_trips(long n)
{
	char b = 0;
	for (long i = 0; i < n; i++)
		if (write(to_child[1], &b, 1) != 1 || read(from_child[0], &b, 1) != 1)
			exit(1);
}

static void native_getpids(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
}

/* ---- sthreads ---- */

static struct sc *plain_sc, *gate_user_sc;
static struct cgate *echo;
static tag_t args_tag;

/* what the calling sthread reads (it sees globals as before main()) */
struct loop {
	long n;
	struct cgate *gate;
};
static struct loop *loop; /* in args_tag */

static void sthreads(long n)
{
	for (long i = 0; i < n; i++) {
		sthread_t *st;
		if (sthread_create(&st, plain_sc, nothing, NULL) ||
		    sthread_join(st, NULL) != STHREAD_RETURNED)
			exit(1);
	}
}

static void *echo_fn(void *trusted, void *arg)
{
	(void)trusted;
	return arg;
}

/* n gate calls from one sthread */
static void *gate_caller(void *arg)
{
	const struct loop *l = arg;
	for (long i = 0; i < l->n; i++) {
		void *ret;
		if (cgate_call(l->gate, NULL, 0, (void *)i, &ret) || (long)ret != i)
			return (void *)1;
	}
	return NULL;
}

static void *getpid_caller(void *arg)
{
	const struct loop *l = arg;
	for (long i = 0; i < l->n; i++)
		syscall(SYS_getpid);
	return NULL;
}

/* the time of an sthread doing n of something, less one doing none */
static double per_call_in_sthread(sthread_fn fn, long n)
{
	double with = 0, without = 0;
	for (int r = 0; r < REPS; r++) {
		for (int k = 0; k < 2; k++) {
			sthread_t *st;
			struct sthread_end end;
			double t0, t;
			loop->n = k ? n : 0;
			t0 = bench_now_ns();
			if (sthread_create(&st, gate_user_sc, fn, loop) ||
			    sthread_join(st, &end) != STHREAD_RETURNED || end.ret) {
				fprintf(stderr, "st_bench: the calling sthread failed\n");
				exit(1);
			}
			t = bench_now_ns() - t0;
			if (k && (!r || t < with))
				with = t;
			if (!k && (!r || t < without))
				without = t;
		}
	}
	return (with - without) / n;
}

static void gates_from_program(long n)
{
	for (long i = 0; i < n; i++) {
		void *ret;
		if (cgate_call(echo, NULL, 0, (void *)i, &ret) || (long)ret != i)
			exit(1);
	}
}

int main(void)
{
	struct sc *none;
	pid_t child;
	double t0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* native, before dune mode */
	row("pthread_create_join", best(pthreads, bench_iters(2000)));
	row("fork_wait", best(forks, bench_iters(200)));
	if (pipe(to_child) || pipe(from_child))
		return 1;
	if ((child = fork()) == 0) {
		char b;
		close(to_child[1]);
		close(from_child[0]);
		while (read(to_child[0], &b, 1) == 1 && write(from_child[1], &b, 1) == 1)
			;
		_exit(0);
	}
	close(to_child[0]);
	close(from_child[1]);
	row("pipe_round_trip", best(pipe_round_trips, bench_iters(5000)));
	close(to_child[1]);
	close(from_child[0]);
	waitpid(child, NULL, 0);
	row("getpid_native", best(native_getpids, bench_iters(100000)));

	if (sthread_init())
		return 1;
	sthread_set_max(1); /* every sthread on the same worker */
	plain_sc = sc_new();
	args_tag = tag_new(4096);
	loop = args_tag ? smalloc(args_tag, sizeof(*loop)) : NULL;
	none = sc_new();
	echo = none ? cgate_new(none, echo_fn, NULL) : NULL;
	gate_user_sc = sc_new();
	if (!plain_sc || !loop || !echo || !gate_user_sc ||
	    sc_mem_add(gate_user_sc, args_tag, SC_READ) || sc_cgate_add(gate_user_sc, echo) ||
	    sc_sys_allow(gate_user_sc, "getpid"))
		return 1;
	loop->gate = echo;
	/* the first sthread makes the worker, its domain and table */
	t0 = bench_now_ns();
	sthreads(1);
	row("sthread_first", bench_now_ns() - t0);
	row("sthread_create_join", best(sthreads, bench_iters(2000)));
	row("cgate_round_trip", per_call_in_sthread(gate_caller, bench_iters(2000)));
	row("cgate_from_program", best(gates_from_program, bench_iters(2000)));
	row("getpid_sthread", per_call_in_sthread(getpid_caller, bench_iters(5000)));
	return 0;
}
