// SPDX-License-Identifier: GPL-2.0
/*
 * Another thread closes the vCPU and VM fds and unmaps guest memory while
 * the vCPU runs; the running thread is then interrupted and finds its fd
 * gone. Also: a thread exits while its vCPU fd stays open.
 */
#include <pthread.h>
#include "dtest.h"

DT_GUEST(spin,
	"1: incq 0x5000\n"
	"jmp 1b\n");

static struct dt_vm vm;
static pthread_t runner;
static volatile int closed;

static void on_usr1(int sig)
{
	(void)sig;
}

static void *closer(void *arg)
{
	(void)arg;
	usleep(200 * 1000);
	close(vm.vcpu);
	close(vm.fd);
	munmap(vm.mem, DT_MEM_SIZE);	/* notifier zaps while the guest runs */
	closed = 1;
	usleep(100 * 1000);
	pthread_kill(runner, SIGUSR1);
	return NULL;
}

static int orphan_fd = -1;

static void *orphan(void *arg)
{
	struct dune_exit ex;
	struct dt_vm *v = arg;

	dt_vm_create(v, spin_start, spin_end);
	orphan_fd = v->vcpu;
	(void)ex;
	return NULL;	/* thread exits; its vCPU fd stays open */
}

int main(void)
{
	struct sigaction sa;
	struct dune_exit ex;
	struct dt_vm v2;
	pthread_t t;
	int ret;

	alarm(60);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	runner = pthread_self();
	dt_vm_create(&vm, spin_start, spin_end);
	pthread_create(&t, NULL, closer, NULL);
	/* the guest spins; after munmap it may get an EPT fault exit */
	for (;;) {
		ret = ioctl(vm.vcpu, DUNE_RUN, &ex);
		if (ret < 0 && errno == EINTR)
			break;
		if (ret == 0 && ex.reason == DUNE_EXIT_EPT_FAULT && closed) {
			/* the memory is gone: wait for the signal outside */
			while (!closed)
				;
			pause();
			break;
		}
		DT_CHECK(ret == 0, "RUN: %s", strerror(errno));
		dt_print_exit(&ex);
		DT_FAIL("unexpected exit");
	}
	pthread_join(t, NULL);
	DT_CHECK(ioctl(vm.vcpu, DUNE_RUN, &ex) < 0 && errno == EBADF, "fd still open");

	pthread_create(&t, NULL, orphan, &v2);
	pthread_join(t, NULL);
	DT_CHECK(ioctl(orphan_fd, DUNE_RUN, &ex) < 0 && errno == EPERM,
		 "RUN of an exited thread's vCPU not EPERM");
	dt_vm_destroy(&v2);
	printf("t_close: ok\n");
	return 0;
}
