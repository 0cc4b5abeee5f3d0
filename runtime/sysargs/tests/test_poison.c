/* sysargs_check_arg: which argument a refusal is about, when the call may
 * carry SYSARGS_POISON in its place (buffers, arrays, iovecs), and that a
 * poisoned argument passes unread, so the kernel can give its own answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "fake_memory.h"

static char *prog;

static int setup(void **state)
{
	(void)state;
	fake_reset();
	prog = fake_pages(4);
	return prog ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static int check_arg(long nr, const long a[6], int *bad)
{
	return sysargs_check_arg(nr, a, fake_ok, NULL, why, sizeof(why), bad);
}

static void buffer_into_the_monitor(void **state)
{
	long a[6] = { 0, MON, 64 };
	int bad;
	(void)state;
	assert_int_equal(check_arg(SYS_read, a, &bad), -EFAULT);
	assert_int_equal(bad, 1);
	a[1] = (long)SYSARGS_POISON;
	assert_int_equal(check_arg(SYS_read, a, &bad), 0);
	assert_int_equal(bad, -1);
	assert_false(fake_asked(SYSARGS_POISON)); /* never looked at */
}

static void count_the_kernel_refuses(void **state)
{
	/* epoll_pwait(epfd, events, -1, ...): the count is the array's */
	long a[6] = { 3, (long)prog, -1, 0, 0, 8 };
	int bad;
	(void)state;
	assert_int_equal(check_arg(SYS_epoll_pwait, a, &bad), -EINVAL);
	assert_int_equal(bad, 1);
	a[1] = (long)SYSARGS_POISON;
	assert_int_equal(check_arg(SYS_epoll_pwait, a, &bad), 0);
}

static void length_that_wraps(void **state)
{
	/* mq_timedsend(mqd, msg, ~0, prio, NULL) */
	long a[6] = { 3, (long)prog, -1L, 0, 0 };
	int bad;
	(void)state;
	assert_int_equal(check_arg(SYS_mq_timedsend, a, &bad), -EFAULT);
	assert_int_equal(bad, 1);
	a[1] = (long)SYSARGS_POISON;
	assert_int_equal(check_arg(SYS_mq_timedsend, a, &bad), 0);
}

static void strings_are_never_poisoned(void **state)
{
	long a[6] = { MON, 0, 0 };
	int bad;
	(void)state;
	/* a path is read by the monitor itself: no stand-in for it */
	assert_int_equal(check_arg(SYS_open, a, &bad), -EFAULT);
	assert_int_equal(bad, -1);
}

static void unknown_ioctl_is_not_poisoned(void **state)
{
	long a[6] = { 3, 0x1234, (long)prog };
	int bad;
	(void)state;
	assert_int_equal(check_arg(SYS_ioctl, a, &bad), -ENOTTY);
	assert_int_equal(bad, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(buffer_into_the_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(count_the_kernel_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(length_that_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(strings_are_never_poisoned, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_ioctl_is_not_poisoned, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
