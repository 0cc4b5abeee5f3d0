/* Nothing forgotten silently: every x86-64 system call number is either in
 * the table or in the list below of calls left out on purpose. And no call
 * makes the checker read memory ok() did not approve: arguments and the
 * structures they lead to point at PROT_NONE pages, where such a read
 * would crash this test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/unistd_64.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_memory.h"

#define HIGHEST_NR __NR_set_mempolicy_home_node

/* Left out on purpose; sysargs_table.c says why for each. */
static const long left_out[] = {
	__NR_brk, __NR_rt_sigreturn, __NR_ptrace, __NR_uselib, __NR_sysfs,
	__NR_modify_ldt, __NR__sysctl, __NR_create_module, __NR_get_kernel_syms,
	__NR_query_module, __NR_nfsservctl, __NR_getpmsg, __NR_putpmsg,
	__NR_afs_syscall, __NR_tuxcall, __NR_security, __NR_epoll_ctl_old,
	__NR_epoll_wait_old, __NR_restart_syscall, __NR_vserver, __NR_kexec_load,
	__NR_keyctl, __NR_perf_event_open, __NR_process_vm_readv,
	__NR_process_vm_writev, __NR_bpf, __NR_userfaultfd, __NR_io_uring_setup,
	__NR_io_uring_enter, __NR_io_uring_register,
	335,	/* no system call has this number on x86-64 */
};

static int is_left_out(long nr)
{
	for (size_t i = 0; i < sizeof(left_out) / sizeof(left_out[0]); i++)
		if (left_out[i] == nr)
			return 1;
	return 0;
}

static void every_number_known_or_left_out(void **state)
{
	int forgotten = 0;

	(void)state;
	for (long nr = 0; nr <= HIGHEST_NR; nr++) {
		if (nr > 335 && nr < 424)
			continue;
		if (sysargs_known(nr) == is_left_out(nr)) {
			printf("system call %ld: %s\n", nr,
			       sysargs_known(nr) ? "known but listed as left out" : "forgotten");
			forgotten++;
		}
	}
	assert_int_equal(forgotten, 0);
}

static void left_out_says_why(void **state)
{
	const long args[6] = { 0 };

	(void)state;
	assert_int_equal(check(__NR_io_uring_setup, args), -ENOSYS);
	assert_string_equal(why, "io_uring_setup: left out: shared rings the kernel keeps "
			    "reading and writing after the call: cannot be checked per call");
	assert_int_equal(check(__NR_brk, args), -ENOSYS);
	assert_int_equal(check(335, args), -ENOSYS);
	assert_string_equal(why, "system call 335: not in the table");
	assert_int_equal(check(-1, args), -ENOSYS);
	assert_int_equal(check(100000, args), -ENOSYS);
	assert_false(sysargs_known(-1));
}

/* Fills program memory with words that are addresses of the hole, of
 * program memory, small numbers or junk, as nested pointers, lengths and
 * commands. */
static void scramble(long *words, size_t n, long prog, long hole, unsigned int *seed)
{
	for (size_t i = 0; i < n; i++) {
		switch (rand_r(seed) % 5) {
		case 0: words[i] = hole + rand_r(seed) % 4096; break;
		case 1: words[i] = prog + rand_r(seed) % 8192; break;
		case 2: words[i] = rand_r(seed) % 64; break;
		case 3: words[i] = 0; break;
		default: words[i] = ((long)rand_r(seed) << 32) | rand_r(seed);
		}
	}
}

static void no_read_without_approval(void **state)
{
	unsigned int seed = 1;
	long *prog;
	long hole;

	(void)state;
	fake_reset();
	prog = fake_pages(4);
	hole = (long)fake_inaccessible(2);
	assert_non_null(prog);
	for (int round = 0; round < 200; round++) {
		scramble(prog, 4 * 4096 / sizeof(long), (long)prog, hole, &seed);
		for (long nr = 0; nr <= HIGHEST_NR; nr++) {
			long args[6];
			int r;

			scramble(args, 6, (long)prog, hole, &seed);
			r = check(nr, args);
			assert_true(r <= 0);
			if (r)
				assert_true(why[0] != '\0');
		}
	}
	fake_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_number_known_or_left_out),
		cmocka_unit_test(left_out_says_why),
		cmocka_unit_test(no_read_without_approval),
	};
	return cmocka_run_group_tests_name("sysargs coverage", tests, NULL, NULL);
}
