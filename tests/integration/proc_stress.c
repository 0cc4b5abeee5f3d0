/* 8 threads in dune mode for a fixed time: mixed system calls, page
 * faults handled by the program, signals between threads; every result is
 * checked. Then exit_group from one thread ends them all. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"

#define NTHREADS 8

static volatile int stop;
static volatile long sig_count[NTHREADS + 1];
static __thread int my_index;
static long errors[NTHREADS];
static pthread_t threads[NTHREADS];
static pthread_barrier_t start, done; /* all pthread_t valid while anyone signals */

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_add_fetch(&sig_count[my_index], 1, __ATOMIC_RELAXED);
}

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	if (dune_vm_mprotect(pgroot, (void *)(addr & ~4095UL), 4096, PERM_R | PERM_W | PERM_U)) {
		dune_printf("FAIL unexpected page fault at 0x%lx (error 0x%lx) rip 0x%lx\n",
			    (unsigned long)addr, (unsigned long)fec, (unsigned long)tf->rip);
		dune_die();
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	long id = (long)arg, iter = 0;
	char path[64];
	my_index = (int)id + 1;
	pthread_barrier_wait(&start);
	snprintf(path, sizeof(path), "/tmp/dune-stress-%d-%ld", getpid(), id);
	while (!stop) {
		iter++;
		/* memory: map, fault on a protected page, unmap */
		volatile char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			errors[id]++;
			continue;
		}
		p[0] = (char)iter;
		dune_vm_mprotect(pgroot, (void *)p, 4096, PERM_R | PERM_U);
		p[1] = 1; /* faults, the handler unprotects */
		if (p[0] != (char)iter || p[1] != 1)
			errors[id]++;
		munmap((void *)p, 8192);
		/* files */
		FILE *f = fopen(path, "w");
		if (!f || fprintf(f, "%ld", iter) < 0) {
			errors[id]++;
		} else {
			fclose(f);
			long back = -1;
			f = fopen(path, "r");
			if (!f || fscanf(f, "%ld", &back) != 1 || back != iter)
				errors[id]++;
			if (f)
				fclose(f);
		}
		/* signals to a neighbour */
		pthread_kill(threads[(id + 1) % NTHREADS], SIGUSR1);
		if (getppid() <= 0)
			errors[id]++;
	}
	unlink(path);
	/* nobody exits while a neighbour may still signal it */
	pthread_barrier_wait(&done);
	return (void *)iter;
}

int main(void)
{
	double end;
	long total = 0;
	int status;
	pid_t pid;

	tl_watchdog(120);
	tl_enter();
	signal(SIGUSR1, on_usr1);
	dune_register_pgflt_handler(on_pf);
	end = now() + (getenv("DUNE_IN_EMULATOR") ? 2.0 : 3.0);
	pthread_barrier_init(&start, NULL, NTHREADS + 1);
	pthread_barrier_init(&done, NULL, NTHREADS);
	for (long i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_create(&threads[i], NULL, worker, (void *)i), 0);
	pthread_barrier_wait(&start);
	while (now() < end)
		usleep(10000);
	stop = 1;
	for (long i = 0; i < NTHREADS; i++) {
		void *ret;
		pthread_join(threads[i], &ret);
		total += (long)ret;
		CHECK_EQ(errors[i], 0);
		CHECK((long)ret > 0);
	}
	long sigs = 0;
	for (int i = 0; i <= NTHREADS; i++)
		sigs += sig_count[i];
	CHECK(sigs > 0);
	printf("stress: %ld iterations, %ld signals handled over %d threads\n", total, sigs, NTHREADS);

	/* exit_group from one thread ends every thread */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		stop = 0; /* the workers stay busy in the guest */
		pthread_barrier_init(&done, NULL, NTHREADS);
		pthread_barrier_init(&start, NULL, NTHREADS + 1);
		for (long i = 0; i < NTHREADS; i++)
			pthread_create(&threads[i], NULL, worker, (void *)i);
		pthread_barrier_wait(&start);
		usleep(50000);
		exit(3); /* while the workers run in the guest */
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	return tl_finish("proc_stress");
}
