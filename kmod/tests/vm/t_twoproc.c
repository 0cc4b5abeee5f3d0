// SPDX-License-Identifier: GPL-2.0
/*
 * Two processes with their own VMs at once; the child may not use the
 * parent's VM or vCPU fds (EIO).
 */
#include <sys/wait.h>
#include "dtest.h"

/* rbx counts up; each step reported through port 0x30 */
DT_GUEST(count,
	"xor %ebx, %ebx\n"
	"1: inc %ebx\n"
	"mov %ebx, %eax\n"
	"out %eax, $0x30\n"
	"jmp 1b\n");

static void run_count(struct dt_vm *vm, int n)
{
	struct dune_exit ex;
	int i;

	for (i = 1; i <= n; i++) {
		dt_expect(vm, &ex, DUNE_EXIT_IO, 0x30);
		DT_CHECK(ex.io.value == (uint32_t)i, "pid %d: step %d got %u", getpid(), i, ex.io.value);
	}
}

int main(void)
{
	struct dt_vm vm;
	struct dune_info info;
	struct dune_exit ex;
	int status, i;
	pid_t pid[2];

	alarm(120);
	dt_vm_create(&vm, count_start, count_end);
	run_count(&vm, 10);

	pid[0] = fork();
	DT_CHECK(pid[0] >= 0, "fork");
	if (pid[0] == 0) {
		struct dt_vm mine;

		DT_CHECK(ioctl(vm.fd, DUNE_GET_INFO, &info) < 0 && errno == EIO, "parent VM fd usable");
		DT_CHECK(ioctl(vm.vcpu, DUNE_RUN, &ex) < 0 && errno == EIO, "parent vCPU usable");
		dt_vm_create(&mine, count_start, count_end);
		run_count(&mine, 2000);
		dt_vm_destroy(&mine);
		_exit(0);
	}
	pid[1] = fork();
	DT_CHECK(pid[1] >= 0, "fork");
	if (pid[1] == 0) {
		struct dt_vm mine;

		dt_vm_create(&mine, count_start, count_end);
		run_count(&mine, 2000);
		/* exit with the VM still open */
		_exit(0);
	}
	/* the parent's VM keeps going meanwhile (its counter continues at 11) */
	for (i = 11; i <= 2000; i++) {
		dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x30);
		DT_CHECK(ex.io.value == (uint32_t)i, "parent step %d got %u", i, ex.io.value);
	}
	for (i = 0; i < 2; i++) {
		DT_CHECK(waitpid(pid[i], &status, 0) == pid[i], "waitpid");
		DT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d status %#x", i, status);
	}
	dt_vm_destroy(&vm);
	printf("t_twoproc: ok\n");
	return 0;
}
