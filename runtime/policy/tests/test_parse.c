/* The policy parser: what a good file gives, every error with its line,
 * and random input that must give a policy or one error line, never a
 * crash (the tests run under ASan and UBSan). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "testutil.h"
#include "policy.h"

static struct policy pol;	/* 60 KiB: not on the stack */

static void good_file_gives_its_rules(void **state)
{
	(void)state;
	const char *text =
		"# comment line\n"
		"\n"
		"   default deny errno=ENOSYS   # trailing comment\n"
		"allow read write\topenat close\n"
		"deny ptrace errno=EACCES\n"
		"deny bpf\n"
		"net all\n"
		"fs ro /\n"
		"fs rw /work//data/./x/..\n"
		"fs none /home/\n"
		"tmp private\n"
		"log all\r\n";
	char err[256];

	assert_int_equal(policy_parse(&pol, text, "t.policy", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(pol.fallback.action, RULE_DENY);
	assert_int_equal(pol.fallback.err, ENOSYS);
	assert_int_equal(pol.sys[SYS_read].action, RULE_ALLOW);
	assert_int_equal(pol.sys[SYS_close].action, RULE_ALLOW);
	assert_int_equal(pol.sys[SYS_ptrace].action, RULE_DENY);
	assert_int_equal(pol.sys[SYS_ptrace].err, EACCES);
	assert_int_equal(pol.sys[SYS_bpf].err, EPERM);
	assert_int_equal(pol.sys[SYS_mmap].action, RULE_UNSET);
	assert_int_equal(pol.net, NET_ALL);
	assert_int_equal(pol.tmp, TMP_PRIVATE);
	assert_int_equal(pol.log, LOG_ALL);
	assert_int_equal(pol.npaths, 3);
	assert_int_equal(pol.paths[1].len, strlen("/work/data"));
	assert_memory_equal(pol.pool + pol.paths[1].off, "/work/data", strlen("/work/data"));
	assert_int_equal(pol.paths[1].mode, FS_RW);
	assert_memory_equal(pol.pool + pol.paths[2].off, "/home", 5);
}

static void empty_text_denies_everything(void **state)
{
	(void)state;
	char err[128];
	long args[6] = { 0 };

	assert_int_equal(policy_parse(&pol, "", "e", err, sizeof(err)), 0);
	assert_int_equal(policy_check_syscall(&pol, SYS_read, args).kind, DECISION_DENY);
	assert_int_equal(policy_check_path(&pol, "/etc/passwd", ACC_READ).kind, DECISION_DENY);
	assert_int_equal(pol.net, NET_NONE);
	assert_int_equal(pol.log, LOG_DENIED);
}

static const struct {
	const char *text;
	const char *error;	/* the whole line */
} bad_files[] = {
	{ "frobnicate all\n", "p:1: unknown keyword 'frobnicate'" },
	{ "\n\n# c\nallow read\nallow nosuchcall\n", "p:5: unknown system call 'nosuchcall'" },
	{ "allow\n", "p:1: allow: expected system call names" },
	{ "deny errno=EPERM\n", "p:1: deny: expected system call names" },
	{ "deny read errno=ENOPE\n", "p:1: unknown errno name 'ENOPE'" },
	{ "deny read errno=\n", "p:1: unknown errno name ''" },
	{ "deny read errno=EPERM errno=EACCES\n", "p:1: errno= given twice" },
	{ "allow read errno=EPERM\n", "p:1: errno= only goes with deny" },
	{ "default allow errno=EPERM\n", "p:1: errno= only goes with deny" },
	{ "allow read\n\ndeny read\n", "p:3: conflicting rule for 'read' (first on line 1)" },
	{ "allow read\nallow write read\n", "p:2: duplicate rule for 'read' (first on line 1)" },
	{ "deny bpf\ndeny bpf errno=EACCES\n", "p:2: conflicting rule for 'bpf' (first on line 1)" },
	{ "allow read read\n", "p:1: duplicate rule for 'read' (first on line 1)" },
	{ "default allow\ndefault deny\n", "p:2: 'default' given twice (first on line 1)" },
	{ "default\n", "p:1: default: expected allow or deny" },
	{ "default maybe\n", "p:1: default: expected allow or deny, not 'maybe'" },
	{ "default deny now\n", "p:1: default: unexpected 'now'" },
	{ "net\n", "p:1: net: expected none, unix or all" },
	{ "net some\n", "p:1: net: expected none, unix or all, not 'some'" },
	{ "net unix all\n", "p:1: net: unexpected 'all' after 'unix'" },
	{ "net unix\nnet unix\n", "p:2: 'net' given twice (first on line 1)" },
	{ "tmp public\n", "p:1: tmp: expected private or shared, not 'public'" },
	{ "tmp private\ntmp shared\n", "p:2: 'tmp' given twice (first on line 1)" },
	{ "log verbose\n", "p:1: log: expected denied, all or none, not 'verbose'" },
	{ "log all\nlog none\n", "p:2: 'log' given twice (first on line 1)" },
	{ "fs\n", "p:1: fs: expected ro, rw or none and a path" },
	{ "fs rx /\n", "p:1: fs: expected ro, rw or none, not 'rx'" },
	{ "fs ro\n", "p:1: fs ro: expected a path" },
	{ "fs ro etc\n", "p:1: bad path 'etc': must be absolute" },
	{ "fs rw ./x\n", "p:1: bad path './x': must be absolute" },
	{ "fs ro /a /b\n", "p:1: fs: unexpected '/b' after the path" },
	{ "fs ro /a\nfs ro /a/\n", "p:2: duplicate rule for '/a' (first on line 1)" },
	{ "fs ro /a\n\nfs rw /b/../a\n", "p:3: conflicting rule for '/a' (first on line 1)" },
	{ "allow re\001d\n", "p:1: unknown system call 're?d'" },
};

static void every_error_names_its_line(void **state)
{
	(void)state;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad_files); i++) {
		memset(err, 'x', sizeof(err));
		int r = policy_parse(&pol, bad_files[i].text, "p", err, sizeof(err));
		if (r != -EINVAL || strcmp(err, bad_files[i].error))
			fail_msg("case %zu: got %d '%s', want '%s'", i, r, err, bad_files[i].error);
		/* nothing half-read survives an error */
		assert_int_equal(pol.fallback.action, RULE_DENY);
		assert_int_equal(pol.npaths, 0);
	}
}

static void long_words_are_cut_in_messages(void **state)
{
	(void)state;
	char text[12000], err[200];

	memset(text, 'a', sizeof(text));
	memcpy(text, "fs ro /", 7);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(policy_parse(&pol, text, "long", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "long:1: bad path '/aaa"));
	assert_non_null(strstr(err, "...': too long"));

	memcpy(text, "allow ", 6);
	assert_int_equal(policy_parse(&pol, text, "long", err, sizeof(err)), -EINVAL);
	assert_null(strchr(err, '\n'));
	/* a tiny error buffer is still terminated */
	assert_int_equal(policy_parse(&pol, "bogus", "f", err, 4), -EINVAL);
	assert_string_equal(err, "f:1");
	assert_int_equal(policy_parse(&pol, "bogus", "f", NULL, 0), -EINVAL);
}

static void too_many_fs_rules(void **state)
{
	(void)state;
	static char text[POLICY_MAX_PATHS * 16 + 64];
	char err[200];
	size_t n = 0;

	for (int i = 0; i <= POLICY_MAX_PATHS; i++)
		n += sprintf(text + n, "fs ro /d%d\n", i);
	assert_int_equal(policy_parse(&pol, text, "many", err, sizeof(err)), -EINVAL);
	char want[100];
	sprintf(want, "many:%d: too many fs rules", POLICY_MAX_PATHS + 1);
	assert_memory_equal(err, want, strlen(want));
}

static void load_file_reports_file_errors(void **state)
{
	(void)state;
	char path[] = "/tmp/policy-test-XXXXXX", err[300];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "net unix\nlog all\0\nbad\n", 22), 22);
	close(fd);
	assert_int_equal(policy_load_file(&pol, path, err, sizeof(err)), -EINVAL);
	char want[400];
	snprintf(want, sizeof(want), "%s:2: NUL byte in the text", path);
	assert_string_equal(err, want);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "net unix\nfs ro /\nnet all\n", 25), 25);
	close(fd);
	assert_int_equal(policy_load_file(&pol, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:3: 'net' given twice (first on line 1)", path);
	assert_string_equal(err, want);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "net unix\nfs ro /\n", 17), 17);
	close(fd);
	assert_int_equal(policy_load_file(&pol, path, err, sizeof(err)), 0);
	assert_int_equal(pol.net, NET_UNIX);
	unlink(path);

	assert_int_equal(policy_load_file(&pol, "/nonexistent/p", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/p: No such file or directory");
}

/* Random bytes, and random sequences of real words, into the parser. */
static void random_input_never_crashes(void **state)
{
	(void)state;
	static const char *const words[] = {
		"default", "allow", "deny", "net", "fs", "tmp", "log", "ro", "rw",
		"none", "unix", "all", "private", "shared", "denied", "read",
		"openat", "errno=EPERM", "errno=", "/", "/a/../..", "//x/./y",
		"#", "\n", "\n", " ", "\t", "\r", "errno=ENOSYS", "x", "",
	};
	static char text[4096];
	char err[128];
	unsigned seed = 12345;
	int ok = 0;

	for (int round = 0; round < 20000; round++) {
		size_t n = 0, len = rand_r(&seed) % (sizeof(text) - 64);
		if (round % 2) {
			while (n < len)
				text[n++] = (char)(rand_r(&seed) % 255 + 1);
		} else {
			while (n < len) {
				const char *w = words[rand_r(&seed) % ARRAY_SIZE(words)];
				size_t wl = strlen(w);
				if (n + wl + 1 >= len)
					break;
				memcpy(text + n, w, wl);
				n += wl;
				text[n++] = rand_r(&seed) % 4 ? ' ' : '\n';
			}
		}
		text[n] = '\0';
		err[0] = '\0';
		int r = policy_parse(&pol, text, "fuzz", err, sizeof(err));
		if (r == 0) {
			ok++;
			assert_string_equal(err, "");
		} else {
			assert_int_equal(r, -EINVAL);
			assert_memory_equal(err, "fuzz:", 5);
			assert_null(strchr(err, '\n'));
		}
	}
	assert_true(ok > 0);	/* some of the word soup was a valid policy */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file_gives_its_rules),
		cmocka_unit_test(empty_text_denies_everything),
		cmocka_unit_test(every_error_names_its_line),
		cmocka_unit_test(long_words_are_cut_in_messages),
		cmocka_unit_test(too_many_fs_rules),
		cmocka_unit_test(load_file_reports_file_errors),
		cmocka_unit_test(random_input_never_crashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
