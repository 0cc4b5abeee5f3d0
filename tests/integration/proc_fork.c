/* fork from dune mode: the child continues in dune mode with the same view
 * and is independent afterwards; exec, vfork and posix_spawn work; a lock
 * another thread held at the fork does not stay taken in the child. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "mm/mirror_lock.h" /* held by another thread across a fork */
#include "testlib.h"

extern char **environ;
static volatile int counter = 10;
static volatile int bp_hits;

static void on_bp(struct dune_tf *tf)
{
	(void)tf;
	bp_hits++;
}

static volatile int holding, release;

static void *hold_mirror_lock(void *arg)
{
	(void)arg;
	mirror_lock();
	holding = 1;
	while (!release)
		sched_yield();
	mirror_unlock();
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

/* Waits up to 20 s for pid; kills it if it hangs. Its exit status, or -1. */
static int wait_or_kill(pid_t pid)
{
	int status;
	for (int i = 0; i < 2000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Another thread holds the mirror lock when this one forks: the child has
 * only this thread, so the lock must be free there (the old child spun
 * forever on its first mmap), and it makes threads of its own. */
static void fork_while_locked(void)
{
	pthread_t t;
	pid_t pid;

	holding = release = 0;
	CHECK_EQ(pthread_create(&t, NULL, hold_mirror_lock, NULL), 0);
	while (!holding)
		sched_yield();
	pid = fork();
	if (pid == 0) {
		char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pthread_t u;
		int ok = m != MAP_FAILED;
		if (ok)
			m[4096] = 1;
		ok &= munmap(m, 8192) == 0;
		ok &= pthread_create(&u, NULL, nothing, NULL) == 0 && pthread_join(u, NULL) == 0;
		mirror_lock(); /* the child's own thread takes it, and again */
		mirror_lock();
		ok &= mirror_locked_by_me();
		mirror_unlock();
		mirror_unlock();
		_exit(ok ? 42 : 1);
	}
	CHECK(pid > 0);
	CHECK_EQ(wait_or_kill(pid), 42);
	release = 1;
	pthread_join(t, NULL);
}

int main(void)
{
	int status;
	pid_t pid;
	volatile char *page;

	tl_watchdog(120);
	tl_enter();
	dune_register_intr_handler(T_BRKPT, on_bp);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 'p';

	pid = fork();
	if (pid == 0) {
		int ok = dune_in_guest();
		asm volatile("int3"); /* the child's handlers are the parent's */
		ok &= bp_hits == 1;
		ok &= page[0] == 'p';
		page[0] = 'c';
		counter = 99;
		ok &= getppid() > 1;
		/* new memory in the child */
		char *m = malloc(4 << 20);
		memset(m, 1, 4 << 20);
		ok &= m[(4 << 20) - 1] == 1;
		_exit(ok ? 42 : 1);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	CHECK_EQ(page[0], 'p'); /* independent after the fork */
	CHECK_EQ(counter, 10);
	CHECK_EQ(bp_hits, 0);

	/* a child that dies by a fault shows the usual signal */
	pid = fork();
	if (pid == 0) {
		*tl_bad_ptr(8) = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);

	/* fork + exec */
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exit 7", (char *)NULL);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);

	/* vfork + exec */
	pid = vfork();
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* posix_spawn */
	{
		char *argv[] = { "sh", "-c", "exit 3", NULL };
		CHECK_EQ(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ), 0);
		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	}

	/* system() and popen() */
	CHECK_EQ(system("exit 5") >> 8, 5);
	{
		FILE *f = popen("echo piped", "r");
		char buf[32] = "";
		CHECK(f != NULL);
		if (f) {
			CHECK(fgets(buf, sizeof(buf), f) != NULL);
			CHECK(!strcmp(buf, "piped\n"));
			CHECK_EQ(pclose(f), 0);
		}
	}
	fork_while_locked();
	return tl_finish("proc_fork");
}
