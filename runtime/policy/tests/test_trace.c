/* strace-style lines for --trace. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "testutil.h"
#include "audit.h"

static char line[TRACE_LINE_MAX];

static struct syscall_event event(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	return (struct syscall_event){ .pid = 100, .tid = 123, .nr = nr,
				       .args = { a0, a1, a2, a3, a4, a5 } };
}

static const char *traced(const struct syscall_event *ev)
{
	int n = trace_format(ev, line, sizeof(line));
	assert_int_equal(n, (int)strlen(line));
	return line;
}

static void openat_allowed_and_denied(void **state)
{
	(void)state;
	struct syscall_event ev = event(SYS_openat, AT_FDCWD, 0x1000, O_RDONLY, 0, 0, 0);

	ev.str[1] = (struct str_arg){ "/etc/passwd", 11 };
	ev.has_result = true;
	ev.result = 3;
	assert_string_equal(traced(&ev), "[pid 123] openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY, 0) = 3\n");

	ev.args[2] = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
	ev.args[3] = 0644;
	ev.decision = (struct decision){ .kind = DECISION_DENY, .err = EACCES };
	ev.result = -EACCES;
	assert_string_equal(traced(&ev), "[pid 123] openat(AT_FDCWD, \"/etc/passwd\", "
			    "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = -1 EACCES (denied by policy)\n");
}

static void results(void **state)
{
	(void)state;
	struct syscall_event ev = event(SYS_openat, 5, 0, O_RDWR | O_DIRECTORY | O_NOFOLLOW, 0, 0, 0);

	assert_string_equal(traced(&ev), "[pid 123] openat(5, NULL, O_RDWR|O_DIRECTORY|O_NOFOLLOW, 0) = ?\n");
	ev.has_result = true;
	ev.result = -ENOENT;
	assert_string_equal(traced(&ev), "[pid 123] openat(5, NULL, O_RDWR|O_DIRECTORY|O_NOFOLLOW, 0) = -1 ENOENT\n");
	ev.result = -4000;
	assert_non_null(strstr(traced(&ev), " = -1 errno 4000\n"));
	ev.decision.kind = DECISION_REWRITE;
	ev.result = 4;
	assert_non_null(strstr(traced(&ev), " = 4 (/tmp made private)\n"));
	ev.decision.kind = DECISION_EMULATE;
	assert_non_null(strstr(traced(&ev), " = 4 (emulated)\n"));
	ev.tid = 0;
	assert_memory_equal(traced(&ev), "[pid 100] ", 10);
}

static void mmap_flags(void **state)
{
	(void)state;
	struct syscall_event ev = event(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ev.has_result = true;
	ev.result = 0x7f1234560000;
	assert_string_equal(traced(&ev), "[pid 123] mmap(NULL, 8192, PROT_READ|PROT_WRITE, "
			    "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x0) = 0x7f1234560000\n");
	ev = event(SYS_mmap, 0x400000, 4096, PROT_NONE, MAP_SHARED | MAP_FIXED | 0x8000000, 3, 4096);
	assert_string_equal(traced(&ev), "[pid 123] mmap(0x400000, 4096, PROT_NONE, "
			    "MAP_SHARED|MAP_FIXED|0x8000000, 3, 0x1000) = ?\n");
	ev = event(SYS_mprotect, 0x1000, 4096, PROT_READ | PROT_EXEC | 0x10, 0, 0, 0);
	assert_string_equal(traced(&ev), "[pid 123] mprotect(0x1000, 4096, PROT_READ|PROT_EXEC|0x10) = ?\n");
}

static void strings_escaped_and_cut(void **state)
{
	(void)state;
	struct syscall_event ev = event(SYS_write, 1, 0x1000, 80, 0, 0, 0);
	char data[80];

	memset(data, 'x', sizeof(data));
	memcpy(data, "a\"b\\c\n\t\x01\xff", 9);
	ev.str[1] = (struct str_arg){ data, sizeof(data) };
	ev.has_result = true;
	ev.result = 80;
	char want[200];
	snprintf(want, sizeof(want), "[pid 123] write(1, \"a\\\"b\\\\c\\n\\t\\001\\377%.*s\"..., 80) = 80\n",
		 64 - 9, data + 9);
	assert_string_equal(traced(&ev), want);
	/* exactly 64: no "..." */
	ev.str[1].len = 64;
	assert_null(strstr(traced(&ev), "\"..."));
}

static void other_decoders(void **state)
{
	(void)state;
	struct syscall_event ev = event(SYS_socket, AF_INET6, SOCK_STREAM, 0, 0, 0, 0);
	assert_string_equal(traced(&ev), "[pid 123] socket(AF_INET6, 0x1, 0) = ?\n");
	ev = event(SYS_kill, 55, SIGTERM, 0, 0, 0, 0);
	assert_string_equal(traced(&ev), "[pid 123] kill(55, SIGTERM) = ?\n");
	ev = event(SYS_tgkill, 1, 2, 34, 0, 0, 0);
	assert_string_equal(traced(&ev), "[pid 123] tgkill(1, 2, SIGRT_2) = ?\n");
	ev = event(SYS_unlinkat, AT_FDCWD, 0x10, AT_REMOVEDIR, 0, 0, 0);
	assert_string_equal(traced(&ev), "[pid 123] unlinkat(AT_FDCWD, 0x10, AT_REMOVEDIR) = ?\n");
	ev = event(SYS_newfstatat, 3, 0x10, 0x20, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, 0);
	ev.str[1] = (struct str_arg){ "", 0 };
	assert_string_equal(traced(&ev),
			    "[pid 123] newfstatat(3, \"\", 0x20, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH) = ?\n");
	ev = event(SYS_getpid, 0, 0, 0, 0, 0, 0);
	ev.has_result = true;
	ev.result = 100;
	assert_string_equal(traced(&ev), "[pid 123] getpid() = 100\n");
	/* a call without a signature: six hex arguments */
	ev = event(SYS_sched_setattr, 0, 16, 0, 0, 0, 0);
	assert_string_equal(traced(&ev), "[pid 123] sched_setattr(0x0, 0x10, 0x0, 0x0, 0x0, 0x0) = ?\n");
	ev = event(600, 1, 2, 3, 4, 5, 6);
	assert_string_equal(traced(&ev), "[pid 123] syscall_600(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = ?\n");
}

static void cut_lines_stay_lines(void **state)
{
	(void)state;
	struct syscall_event ev = event(SYS_openat, AT_FDCWD, 0x1000, O_RDONLY, 0, 0, 0);
	char small[32];

	ev.str[1] = (struct str_arg){ "/a/very/long/path/name/indeed", 29 };
	assert_int_equal(trace_format(&ev, small, sizeof(small)), -ENOSPC);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(small + sizeof(small) - 5, "...\n");
	assert_int_equal(trace_format(&ev, small, 3), -ENOSPC);
	assert_int_equal(trace_format(&ev, NULL, 0), -ENOSPC);
}

/* Random calls into random-sized buffers: the sanitizers watch the bounds. */
static void random_events_stay_in_bounds(void **state)
{
	(void)state;
	static char bytes[200], buf[AUDIT_LINE_MAX];
	unsigned seed = 3;

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = rand_r(&seed);
	for (int round = 0; round < 50000; round++) {
		struct syscall_event ev = event(rand_r(&seed) % 520 - 4, 0, 0, 0, 0, 0, 0);
		for (int i = 0; i < 6; i++) {
			ev.args[i] = (long)(((unsigned long)rand_r(&seed) << 33) ^ rand_r(&seed)) ^ -(long)(rand_r(&seed) % 2);
			if (rand_r(&seed) % 4 == 0) {
				size_t off = rand_r(&seed) % sizeof(bytes);
				ev.str[i] = (struct str_arg){ bytes + off, rand_r(&seed) % (sizeof(bytes) - off + 1) };
			}
		}
		ev.decision.kind = rand_r(&seed) % 5;
		ev.decision.err = rand_r(&seed) % 200;
		ev.has_result = rand_r(&seed) % 2;
		ev.result = -(long)(rand_r(&seed) % 5000);
		size_t len = rand_r(&seed) % 3 ? (size_t)rand_r(&seed) % 300 : sizeof(buf);
		/* exactly len bytes, so ASan sees any write past them */
		char *exact = malloc(len ? len : 1);
		int n = trace_format(&ev, exact, len);
		assert_true(n == -ENOSPC || (n > 0 && (size_t)n < len && exact[n - 1] == '\n'));
		n = audit_format(&ev, exact, len);
		assert_true(n == -ENOSPC || (n > 0 && (size_t)n < len && exact[n - 1] == '\n'));
		free(exact);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openat_allowed_and_denied),
		cmocka_unit_test(results),
		cmocka_unit_test(mmap_flags),
		cmocka_unit_test(strings_escaped_and_cut),
		cmocka_unit_test(other_decoders),
		cmocka_unit_test(cut_lines_stay_lines),
		cmocka_unit_test(random_events_stay_in_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
