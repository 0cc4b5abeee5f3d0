/* The filter (seccomp.c), loaded in a child: what passes, what fails with
 * which errno, what kills. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "jailtest.h"

#define X32_BIT 0x40000000

static struct jail_config c;

static void allow(long nr)
{
	c.forwarded[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

static int setup(void **state)
{
	(void)state;
	jail_config_init(&c);
	c.net = JAIL_NET_UNIX;
	for (long nr = 0; nr < JAIL_SYSCALLS; nr++)
		allow(nr); /* a policy that allows everything */
	c.forwarded[SYS_chmod / 8] &= (uint8_t)~(1u << (SYS_chmod % 8));
	return 0;
}

static void load(void)
{
	char err[512];
	struct jail_state s;
	state_for(&s, &c, err, sizeof(err));
	if (seccomp_apply(&s) < 0) {
		fprintf(stderr, "%s\n", err);
		_exit(100);
	}
}

static void errnos(void *arg)
{
	char ch = 'x';
	int fd, sv[2];
	(void)arg;
	load();
	fd = open("/dev/null", O_RDWR);
	CHILD_CHECK(1, fd >= 0);
	CHILD_CHECK(2, ioctl(fd, TIOCSTI, &ch) < 0 && errno == EPERM);
	CHILD_CHECK(3, ioctl(fd, TIOCGWINSZ, &ch) < 0 && errno == ENOTTY); /* reached the kernel */
	/* a request with garbage above the 32 bits the kernel reads */
	CHILD_CHECK(4, syscall(SYS_ioctl, fd, 0xdead000000000000UL | TIOCSTI, &ch) < 0 && errno == EPERM);
	CHILD_CHECK(5, socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM);
	CHILD_CHECK(6, socket(AF_UNIX, SOCK_STREAM, 0) >= 0);
	CHILD_CHECK(7, socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHILD_CHECK(8, syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0) < 0 && errno == EPERM);
	CHILD_CHECK(9, syscall(SYS_clone3, NULL, 0) < 0 && errno == ENOSYS);
	CHILD_CHECK(10, mknod("/tmp/jail-test-dev", S_IFCHR | 0600, makedev(1, 3)) < 0 && errno == EPERM);
	CHILD_CHECK(11, chmod("/tmp", 01777) < 0 && errno == EPERM); /* not in the policy */
	CHILD_CHECK(12, prctl(PR_SET_MM, PR_SET_MM_START_CODE, 0, 0, 0) < 0 && errno == EPERM);
	CHILD_CHECK(13, prctl(PR_SET_NAME, "ok", 0, 0, 0) == 0);
	CHILD_CHECK(14, syscall(SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */) < 0 && errno == EPERM);
	CHILD_CHECK(15, getpid() > 0);
}

static void errnos_as_expected(void **state)
{
	(void)state;
	int status = in_child(errnos, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

struct attempt {
	const char *name;
	long nr, a0, a1;
};

static void one_attempt(void *arg)
{
	const struct attempt *a = arg;
	load();
	syscall(a->nr, a->a0, a->a1, 0, 0, 0, 0);
	_exit(99); /* survived */
}

/* each of these must end the process by SIGSYS */
static void never_calls_kill(void **state)
{
	static const struct attempt attempts[] = {
		{"seccomp", SYS_seccomp, 1, 0},
		{"prctl(PR_SET_SECCOMP)", SYS_prctl, PR_SET_SECCOMP, 2},
		{"prctl(PR_SET_SYSCALL_USER_DISPATCH)", SYS_prctl, 59, 0},
		{"ptrace", SYS_ptrace, 0, 1},
		{"bpf", SYS_bpf, 0, 0},
		{"unshare", SYS_unshare, CLONE_NEWUSER, 0},
		{"mount", SYS_mount, 0, 0},
		{"keyctl", SYS_keyctl, 0, 0},
		{"fanotify_init", SYS_fanotify_init, 0, 0},
		{"io_uring_setup", SYS_io_uring_setup, 1, 0},
		{"execve", SYS_execve, 0, 0},
		{"x32 getpid", SYS_getpid | X32_BIT, 0, 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		int status = in_child(one_attempt, (void *)&attempts[i]);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
			fail_msg("%s: status 0x%x, not killed by SIGSYS", attempts[i].name, status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(errnos_as_expected, setup),
		cmocka_unit_test_setup(never_calls_kill, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
