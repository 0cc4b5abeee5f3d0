// SPDX-License-Identifier: GPL-2.0
/*
 * SIGKILL while in guest mode: a single-threaded process, then a process
 * whose second thread is in the guest; both die and leave nothing behind.
 */
#include <pthread.h>
#include <sys/wait.h>
#include "dtest.h"

DT_GUEST(spin,
	"1: incq 0x5000\n"
	"jmp 1b\n");

static int ready[2];

static void *guest_thread(void *arg)
{
	struct dt_vm vm;
	struct dune_exit ex;

	(void)arg;
	dt_vm_create(&vm, spin_start, spin_end);
	DT_CHECK(write(ready[1], "x", 1) == 1, "write");
	for (;;)
		ioctl(vm.vcpu, DUNE_RUN, &ex);
	return NULL;
}

static void child(int threaded)
{
	if (threaded) {
		pthread_t t;

		pthread_create(&t, NULL, guest_thread, NULL);
		for (;;)
			pause();
	}
	guest_thread(NULL);
}

int main(void)
{
	int round;

	alarm(90);
	for (round = 0; round < 6; round++) {
		int threaded = round & 1, status;
		char c;
		pid_t pid;

		DT_CHECK(pipe(ready) == 0, "pipe");
		pid = fork();
		DT_CHECK(pid >= 0, "fork");
		if (pid == 0) {
			close(ready[0]);
			child(threaded);
			_exit(0);
		}
		close(ready[1]);
		DT_CHECK(read(ready[0], &c, 1) == 1, "child did not get ready");
		close(ready[0]);
		usleep(100 * 1000 * (round + 1));
		kill(pid, SIGKILL);
		DT_CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
		DT_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
		printf("t_sigkill: round %d (%s) ok\n", round, threaded ? "thread" : "process");
	}
	printf("t_sigkill: ok\n");
	return 0;
}
