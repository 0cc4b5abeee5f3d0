/* Calls whose memory depends on a request, command or option: ioctl,
 * fcntl, prctl, socket options. Unknown ones are refused with what the
 * kernel says for them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "fake_memory.h"

static char *prog;

static int setup(void **state)
{
	(void)state;
	fake_reset();
	prog = fake_pages(2);
	return prog ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static void ioctl_requests(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_ioctl, 0, TCGETS, (long)prog), 0);
	assert_int_equal(CHECK(SYS_ioctl, 0, TCGETS, MON), -EFAULT);
	/* the kernel's struct termios, not glibc's 60-byte one */
	assert_string_equal(why, "ioctl: arg 2 (struct termios, 36 bytes) not writable program memory");
	assert_int_equal(CHECK(SYS_ioctl, 0, TIOCGWINSZ, MON), -EFAULT);
	assert_why("struct winsize, 8 bytes");
	assert_int_equal(CHECK(SYS_ioctl, 0, FIONREAD, (long)prog), 0);
	/* integer arguments are not pointers */
	assert_int_equal(CHECK(SYS_ioctl, 0, FIOCLEX, MON), 0);
	assert_int_equal(CHECK(SYS_ioctl, 0, TCFLSH, 2), 0);
	assert_int_equal(CHECK(SYS_ioctl, 0, 0xdeadbeef, (long)prog), -ENOTTY);
	assert_string_equal(why, "ioctl: request 0xdeadbeef unknown");
	/* the kernel takes the request as 32 bits */
	assert_int_equal(CHECK(SYS_ioctl, 0, (1L << 32) | TCGETS, (long)prog), 0);
}

static void fcntl_commands(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_fcntl, 3, F_GETLK, (long)prog), 0);
	assert_int_equal(CHECK(SYS_fcntl, 3, F_GETLK, MON), -EFAULT);
	assert_string_equal(why, "fcntl: arg 2 (struct flock, 32 bytes) not writable program memory");
	assert_int_equal(CHECK(SYS_fcntl, 3, F_OFD_SETLKW, MON), -EFAULT);
	assert_int_equal(CHECK(SYS_fcntl, 3, F_GETFL, MON), 0);
	assert_int_equal(fake_questions(), 3);
	assert_int_equal(CHECK(SYS_fcntl, 3, F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(CHECK(SYS_fcntl, 3, 12345, 0), -EINVAL);
	assert_why("fcntl: command 12345 unknown");
}

static void prctl_options(void **state)
{
	(void)state;
	strcpy(prog, "worker");
	assert_int_equal(CHECK(SYS_prctl, PR_SET_NAME, (long)prog), 0);
	assert_int_equal(CHECK(SYS_prctl, PR_GET_NAME, MON), -EFAULT);
	assert_string_equal(why, "prctl: arg 1 (name, 16 bytes) not writable program memory");
	assert_int_equal(CHECK(SYS_prctl, PR_SET_DUMPABLE, 0), 0);
	assert_int_equal(CHECK(SYS_prctl, PR_SET_MM, 1, 0, 0, 0), -EINVAL);
	assert_int_equal(CHECK(SYS_prctl, 999, 0), -EINVAL);
}

static void socket_options(void **state)
{
	int *len = (int *)prog;

	(void)state;
	assert_int_equal(CHECK(SYS_setsockopt, 3, SOL_SOCKET, SO_REUSEADDR, (long)prog, 4), 0);
	assert_int_equal(CHECK(SYS_setsockopt, 3, SOL_SOCKET, SO_REUSEADDR, MON, 4), -EFAULT);
	assert_why("setsockopt: arg 3 (optval, 4 bytes) not program memory");
	*len = 4;
	assert_int_equal(CHECK(SYS_getsockopt, 3, IPPROTO_TCP, TCP_NODELAY, (long)prog + 8,
			       (long)len), 0);
	assert_int_equal(CHECK(SYS_getsockopt, 3, IPPROTO_TCP, TCP_NODELAY, MON, (long)len),
			 -EFAULT);
	assert_int_equal(CHECK(SYS_setsockopt, 3, 9999, 1, (long)prog, 4), -ENOPROTOOPT);
	/* iptables' table replacement carries a pointer the kernel writes */
	assert_int_equal(CHECK(SYS_setsockopt, 3, IPPROTO_IP, 64, (long)prog, 4), -ENOPROTOOPT);
}

static void ipc_commands(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_shmctl, 1, 2 /* IPC_STAT */, (long)prog), 0);
	assert_int_equal(CHECK(SYS_shmctl, 1, 2, MON), -EFAULT);
	assert_int_equal(CHECK(SYS_shmctl, 1, 0 /* IPC_RMID */, MON), 0);
	/* GETALL: the array length is known only to the kernel */
	assert_int_equal(CHECK(SYS_semctl, 1, 0, 13, (long)prog), -EINVAL);
	assert_int_equal(CHECK(SYS_msgsnd, 1, (long)prog, 8192, 0), -EFAULT);
	assert_why("msgsnd: arg 1 (msgp, 8200 bytes)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ioctl_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(fcntl_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(prctl_options, setup, teardown),
		cmocka_unit_test_setup_teardown(socket_options, setup, teardown),
		cmocka_unit_test_setup_teardown(ipc_commands, setup, teardown),
	};
	return cmocka_run_group_tests_name("sysargs requests", tests, NULL, NULL);
}
