// SPDX-License-Identifier: GPL-2.0
/*
 * A signal while in the guest: DUNE_RUN returns EINTR, the guest state is
 * kept and the next DUNE_RUN resumes. Another thread may not run the vCPU.
 */
#include <pthread.h>
#include "dtest.h"

DT_GUEST(counter,
	"1: incq 0x5000\n"
	"jmp 1b\n");

static volatile int got;
static pthread_t runner;
static struct dt_vm vm;

static void on_usr1(int sig)
{
	(void)sig;
	got++;
}

static void *kicker(void *arg)
{
	struct dune_exit ex;
	int i;

	(void)arg;
	/* not the vCPU's thread */
	DT_CHECK(ioctl(vm.vcpu, DUNE_RUN, &ex) < 0 && errno == EPERM, "foreign RUN not EPERM");
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &ex) < 0 && errno == EPERM, "foreign GET_REGS");
	for (i = 0; i < 3; i++) {
		usleep(200 * 1000);
		pthread_kill(runner, SIGUSR1);
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	struct dune_exit ex;
	struct dune_regs r;
	pthread_t t;
	uint64_t last = 0;
	int i;

	alarm(60);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	runner = pthread_self();
	dt_vm_create(&vm, counter_start, counter_end);
	pthread_create(&t, NULL, kicker, NULL);
	for (i = 0; i < 3; i++) {
		int ret = ioctl(vm.vcpu, DUNE_RUN, &ex);
		uint64_t now = *(volatile uint64_t *)(vm.mem + DT_DATA);

		DT_CHECK(ret < 0 && errno == EINTR, "RUN returned %d errno %d", ret, errno);
		DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &r) == 0, "GET_REGS");
		DT_CHECK(r.rip >= DT_CODE && r.rip < DT_CODE + 16, "rip %#llx", (unsigned long long)r.rip);
		DT_CHECK(now > last, "counter did not advance: %llu", (unsigned long long)now);
		printf("t_signal: round %d counter %llu\n", i, (unsigned long long)now);
		last = now;
	}
	pthread_join(t, NULL);
	DT_CHECK(got == 3, "handler ran %d times", got);
	dt_vm_destroy(&vm);
	printf("t_signal: ok\n");
	return 0;
}
