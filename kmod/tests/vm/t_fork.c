// SPDX-License-Identifier: GPL-2.0
/*
 * fork() while the guest maps the parent's memory writable: the pages turn
 * copy-on-write, the mmu_notifier drops the EPT entries, and the guest's
 * next writes go to the parent's own copy, never to the child's.
 */
#include <sys/wait.h>
#include "dtest.h"

DT_GUEST(guest,
	"1: incq 0x5000\n"
	"mov 0x5000, %rax\n"
	"out %eax, $0x70\n"
	"jmp 1b\n");

int main(void)
{
	struct dt_vm vm;
	struct dune_exit ex;
	int round, i, status;

	alarm(120);
	dt_vm_create(&vm, guest_start, guest_end);
	for (round = 0; round < 3; round++) {
		int go[2];
		char c;
		pid_t pid;

		for (i = 0; i < 3; i++) {
			dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x70);
			DT_CHECK(ex.io.value == *(volatile uint32_t *)(vm.mem + DT_DATA),
				 "host sees %u, guest %u", *(uint32_t *)(vm.mem + DT_DATA), ex.io.value);
		}
		DT_CHECK(pipe(go) == 0, "pipe");
		pid = fork();
		DT_CHECK(pid >= 0, "fork");
		if (pid == 0) {
			uint64_t before = *(volatile uint64_t *)(vm.mem + DT_DATA);

			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(3);
			/* the parent's guest ran meanwhile: our copy must not move */
			_exit(*(volatile uint64_t *)(vm.mem + DT_DATA) == before ? 0 : 1);
		}
		close(go[0]);
		for (i = 0; i < 5; i++) {
			dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x70);
			DT_CHECK(ex.io.value == *(volatile uint32_t *)(vm.mem + DT_DATA),
				 "after fork: host sees %u, guest %u",
				 *(uint32_t *)(vm.mem + DT_DATA), ex.io.value);
		}
		DT_CHECK(write(go[1], "x", 1) == 1, "write");
		close(go[1]);
		DT_CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
		DT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "child's copy changed under it (status %#x)", status);
		printf("t_fork: round %d ok\n", round);
	}
	dt_vm_destroy(&vm);
	printf("t_fork: ok\n");
	return 0;
}
