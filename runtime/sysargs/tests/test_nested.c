/* Calls whose pointers lead to more pointers or whose sizes come from
 * other arguments: each nested pointer aimed outside program memory is
 * named by its path from the argument. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "fake_memory.h"

#define PROG_PAGES 4
static char *prog;
static char *prog_end;

static int setup(void **state)
{
	(void)state;
	fake_reset();
	prog = fake_pages(PROG_PAGES);
	prog_end = prog + PROG_PAGES * 4096;
	return prog ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static void readv_iovecs(void **state)
{
	struct iovec *iov = (struct iovec *)prog;

	(void)state;
	iov[0] = (struct iovec){ prog + 1024, 100 };
	iov[1] = (struct iovec){ prog + 2048, 100 };
	assert_int_equal(CHECK(SYS_readv, 0, (long)iov, 2), 0);
	assert_int_equal(CHECK(SYS_readv, 0, MON, 2), -EFAULT);
	assert_string_equal(why, "readv: arg 1 (iov, 32 bytes) not program memory");
	iov[1].iov_base = monitor;
	assert_int_equal(CHECK(SYS_readv, 0, (long)iov, 2), -EFAULT);
	assert_string_equal(why, "readv: arg 1 (iov[1].iov_base, 100 bytes) "
			    "not writable program memory");
	/* an empty buffer is not touched, wherever it points */
	iov[1].iov_len = 0;
	assert_int_equal(CHECK(SYS_readv, 0, (long)iov, 2), 0);
	assert_int_equal(CHECK(SYS_readv, 0, (long)iov, 1025), -EINVAL);
}

static void recvmsg_parts(void **state)
{
	struct msghdr *m = (struct msghdr *)prog;
	struct iovec *iov = (struct iovec *)(prog + 512);

	(void)state;
	iov[0] = (struct iovec){ prog + 1024, 512 };
	*m = (struct msghdr){ .msg_name = prog + 2048, .msg_namelen = 16, .msg_iov = iov,
			      .msg_iovlen = 1, .msg_control = prog + 3072, .msg_controllen = 64 };
	assert_int_equal(CHECK(SYS_recvmsg, 3, (long)m, 0), 0);
	assert_int_equal(CHECK(SYS_sendmsg, 3, (long)m, 0), 0);

	assert_int_equal(CHECK(SYS_recvmsg, 3, MON, 0), -EFAULT);
	assert_string_equal(why, "recvmsg: arg 1 (msg, 56 bytes) not writable program memory");

	m->msg_name = monitor;
	assert_int_equal(CHECK(SYS_recvmsg, 3, (long)m, 0), -EFAULT);
	assert_string_equal(why, "recvmsg: arg 1 (msg->msg_name, 16 bytes) not writable program memory");
	m->msg_name = prog + 2048;

	m->msg_iov = (struct iovec *)monitor;
	assert_int_equal(CHECK(SYS_recvmsg, 3, (long)m, 0), -EFAULT);
	assert_string_equal(why, "recvmsg: arg 1 (msg->msg_iov, 16 bytes) not program memory");
	m->msg_iov = iov;

	iov[0].iov_base = monitor;
	assert_int_equal(CHECK(SYS_recvmsg, 3, (long)m, 0), -EFAULT);
	assert_why("(msg->msg_iov[0].iov_base, 512 bytes)");
	iov[0].iov_base = prog + 1024;

	m->msg_control = monitor;
	assert_int_equal(CHECK(SYS_recvmsg, 3, (long)m, 0), -EFAULT);
	assert_string_equal(why, "recvmsg: arg 1 (msg->msg_control, 64 bytes) "
			    "not writable program memory");
}

static void poll_fds_sized_by_nfds(void **state)
{
	struct pollfd *fds = (struct pollfd *)(prog_end - 2 * sizeof(struct pollfd));

	(void)state;
	assert_int_equal(CHECK(SYS_poll, (long)fds, 2, -1), 0);
	assert_int_equal(CHECK(SYS_poll, (long)fds, 3, -1), -EFAULT);
	assert_string_equal(why, "poll: arg 0 (fds, 24 bytes) not writable program memory");
}

static void ppoll_sigmask(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_ppoll, (long)prog, 1, 0, 0, 8), 0);
	assert_int_equal(CHECK(SYS_ppoll, (long)prog, 1, 0, (long)prog + 64, 8), 0);
	assert_int_equal(CHECK(SYS_ppoll, (long)prog, 1, 0, MON, 8), -EFAULT);
	assert_string_equal(why, "ppoll: arg 3 (sigmask, 8 bytes) not program memory");
	assert_int_equal(CHECK(SYS_ppoll, (long)prog, 1, MON, 0, 8), -EFAULT);
	assert_why("ppoll: arg 2 (tmo_p, 16 bytes)");
}

static void select_sets_sized_by_nfds(void **state)
{
	long set = (long)(prog_end - 8);

	(void)state;
	assert_int_equal(CHECK(SYS_select, 64, set, 0, 0, 0), 0);
	assert_int_equal(CHECK(SYS_select, 65, set, 0, 0, 0), -EFAULT);
	assert_string_equal(why, "select: arg 1 (readfds, 16 bytes) not writable program memory");
	assert_int_equal(CHECK(SYS_select, 1, 0, 0, MON, 0), -EFAULT);
	assert_why("arg 3 (exceptfds, 8 bytes)");
	assert_int_equal(CHECK(SYS_select, 1, 0, 0, 0, MON), -EFAULT);
	assert_why("arg 4 (timeout, 16 bytes)");
}

static void futex_timeout_by_op(void **state)
{
	long word = (long)prog;

	(void)state;
	assert_int_equal(CHECK(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, (long)prog + 64, 0, 0), 0);
	assert_int_equal(CHECK(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0), 0);
	assert_int_equal(CHECK(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, MON, 0, 0), -EFAULT);
	assert_string_equal(why, "futex: arg 3 (timeout, 16 bytes) not program memory");
	/* FUTEX_WAKE has no timeout: a[3] is not a pointer */
	assert_int_equal(CHECK(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, MON, MON, 0), 0);
	assert_int_equal(CHECK(SYS_futex, MON, FUTEX_WAKE, 1, 0, 0, 0), -EFAULT);
	assert_why("futex: arg 0 (uaddr, 4 bytes)");
	/* WAKE_OP writes uaddr2 */
	assert_int_equal(CHECK(SYS_futex, word, FUTEX_WAKE_OP, 1, 1, MON, 0), -EFAULT);
	assert_why("arg 4 (uaddr2, 4 bytes) not writable");
	assert_int_equal(CHECK(SYS_futex, word, 99, 0, 0, 0, 0), -ENOSYS);
}

static void clone3_args(void **state)
{
	struct clone_args *args = (struct clone_args *)prog;

	(void)state;
	memset(args, 0, sizeof(*args));
	args->flags = CLONE_VM;
	assert_int_equal(CHECK(SYS_clone3, (long)args, sizeof(*args)), 0);
	assert_int_equal(CHECK(SYS_clone3, MON, sizeof(*args)), -EFAULT);
	assert_string_equal(why, "clone3: arg 0 (cl_args, 88 bytes) not program memory");
	args->flags = CLONE_PARENT_SETTID;
	args->parent_tid = (uintptr_t)monitor;
	assert_int_equal(CHECK(SYS_clone3, (long)args, sizeof(*args)), -EFAULT);
	assert_why("(cl_args->parent_tid, 4 bytes) not writable");
	args->flags = 0;
	args->set_tid = (uintptr_t)monitor;
	args->set_tid_size = 2;
	assert_int_equal(CHECK(SYS_clone3, (long)args, sizeof(*args)), -EFAULT);
	assert_why("(cl_args->set_tid, 8 bytes)");
	assert_int_equal(CHECK(SYS_clone3, (long)args, 32), -EINVAL);
}

static void openat2_how(void **state)
{
	(void)state;
	strcpy(prog, "/tmp");
	assert_int_equal(CHECK(SYS_openat2, AT_FDCWD, (long)prog, (long)prog + 64,
			       sizeof(struct open_how)), 0);
	assert_int_equal(CHECK(SYS_openat2, AT_FDCWD, (long)prog, MON, sizeof(struct open_how)),
			 -EFAULT);
	assert_string_equal(why, "openat2: arg 2 (how, 24 bytes) not program memory");
}

static void sigaction_act_oact(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_rt_sigaction, SIGINT, (long)prog, (long)prog + 64, 8), 0);
	assert_int_equal(CHECK(SYS_rt_sigaction, SIGINT, 0, 0, 8), 0);
	assert_int_equal(fake_questions(), 2);
	assert_int_equal(CHECK(SYS_rt_sigaction, SIGINT, MON, 0, 8), -EFAULT);
	assert_string_equal(why, "rt_sigaction: arg 1 (act, 32 bytes) not program memory");
	assert_int_equal(CHECK(SYS_rt_sigaction, SIGINT, 0, MON, 8), -EFAULT);
	assert_string_equal(why, "rt_sigaction: arg 2 (oact, 32 bytes) not writable program memory");
}

static void sigprocmask_set(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_rt_sigprocmask, SIG_BLOCK, (long)prog, (long)prog + 8, 8), 0);
	assert_int_equal(CHECK(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)prog, 8), 0);
	assert_int_equal(CHECK(SYS_rt_sigprocmask, SIG_BLOCK, MON, 0, 8), -EFAULT);
	assert_string_equal(why, "rt_sigprocmask: arg 1 (set, 8 bytes) not program memory");
	assert_int_equal(CHECK(SYS_rt_sigprocmask, SIG_BLOCK, 0, MON, 8), -EFAULT);
	assert_why("arg 2 (oldset, 8 bytes)");
}

static void sockaddr_in_out(void **state)
{
	socklen_t *len = (socklen_t *)prog;

	(void)state;
	*len = 16;
	assert_int_equal(CHECK(SYS_accept4, 3, (long)prog + 64, (long)len, 0), 0);
	assert_int_equal(CHECK(SYS_accept4, 3, 0, MON, 0), 0);
	assert_int_equal(CHECK(SYS_accept4, 3, MON, (long)len, 0), -EFAULT);
	assert_string_equal(why, "accept4: arg 1 (addr, 16 bytes) not writable program memory");
	assert_int_equal(CHECK(SYS_getsockname, 3, (long)prog + 64, MON), -EFAULT);
	assert_why("getsockname: arg 2 (addrlen, 4 bytes)");
	/* the length the kernel will use is the one read from *addrlen */
	*len = 5000;
	assert_int_equal(CHECK(SYS_getpeername, 3, (long)prog_end - 4096, (long)len), -EFAULT);
	assert_int_equal(CHECK(SYS_connect, 3, MON, 16), -EFAULT);
	assert_string_equal(why, "connect: arg 1 (addr, 16 bytes) not program memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(readv_iovecs, setup, teardown),
		cmocka_unit_test_setup_teardown(recvmsg_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(poll_fds_sized_by_nfds, setup, teardown),
		cmocka_unit_test_setup_teardown(ppoll_sigmask, setup, teardown),
		cmocka_unit_test_setup_teardown(select_sets_sized_by_nfds, setup, teardown),
		cmocka_unit_test_setup_teardown(futex_timeout_by_op, setup, teardown),
		cmocka_unit_test_setup_teardown(clone3_args, setup, teardown),
		cmocka_unit_test_setup_teardown(openat2_how, setup, teardown),
		cmocka_unit_test_setup_teardown(sigaction_act_oact, setup, teardown),
		cmocka_unit_test_setup_teardown(sigprocmask_set, setup, teardown),
		cmocka_unit_test_setup_teardown(sockaddr_in_out, setup, teardown),
	};
	return cmocka_run_group_tests_name("sysargs nested pointers", tests, NULL, NULL);
}
