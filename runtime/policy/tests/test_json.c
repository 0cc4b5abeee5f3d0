/* JSON strings from arbitrary bytes, and whole audit lines. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "testutil.h"
#include "audit.h"

static char out[AUDIT_LINE_MAX];

static const char *quoted(const char *s, size_t n)
{
	assert_true(json_quote(s, n, out, sizeof(out)) >= 0);
	return out;
}

static void escapes(void **state)
{
	(void)state;
	assert_string_equal(quoted("/etc/passwd", 11), "\"/etc/passwd\"");
	assert_string_equal(quoted("", 0), "\"\"");
	assert_string_equal(quoted("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	assert_string_equal(quoted("\n\t\r\b\f\x01\x1f\x7f", 8),
			    "\"\\n\\t\\r\\u0008\\u000c\\u0001\\u001f\\u007f\"");
	assert_string_equal(quoted("a\0b", 3), "\"a\\u0000b\"");
	/* valid UTF-8 stays */
	assert_string_equal(quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* invalid: lone continuation, bad lead, overlong, surrogate, past
	 * U+10FFFF, cut short at the end */
	assert_string_equal(quoted("\x80", 1), "\"\\u0080\"");
	assert_string_equal(quoted("\xff\xfe", 2), "\"\\u00ff\\u00fe\"");
	assert_string_equal(quoted("\xc0\xaf", 2), "\"\\u00c0\\u00af\"");
	assert_string_equal(quoted("\xe0\x80\xaf", 3), "\"\\u00e0\\u0080\\u00af\"");
	assert_string_equal(quoted("\xed\xa0\x80", 3), "\"\\u00ed\\u00a0\\u0080\"");
	assert_string_equal(quoted("\xf4\x90\x80\x80", 4), "\"\\u00f4\\u0090\\u0080\\u0080\"");
	assert_string_equal(quoted("a\xe2\x82", 3), "\"a\\u00e2\\u0082\"");
	/* a bad lead byte does not swallow the valid character after it */
	assert_string_equal(quoted("\xc3\xc3\xa9", 3), "\"\\u00c3\xc3\xa9\"");
}

static void small_buffers(void **state)
{
	(void)state;
	char small[8];

	memset(small, 'x', sizeof(small));
	assert_int_equal(json_quote("abcdefgh", 8, small, sizeof(small)), -ENOSPC);
	assert_true(memchr(small, '\0', sizeof(small)) != NULL);
	assert_int_equal(json_quote("abcde", 5, small, sizeof(small)), 7);
	assert_int_equal(json_quote("abcde", 5, NULL, 0), -ENOSPC);
}

/* Undoes json_quote, taking \u00XX back to byte XX. */
static size_t unquote(const char *j, char *bytes)
{
	size_t n = 0;

	assert_int_equal(*j++, '"');
	while (*j != '"') {
		unsigned char c = *j++;
		assert_true(c >= 0x20);
		if (c != '\\') {
			bytes[n++] = c;
			continue;
		}
		switch (*j++) {
		case 'n': bytes[n++] = '\n'; break;
		case 't': bytes[n++] = '\t'; break;
		case 'r': bytes[n++] = '\r'; break;
		case '"': bytes[n++] = '"'; break;
		case '\\': bytes[n++] = '\\'; break;
		case 'u': {
			unsigned v;
			assert_int_equal(sscanf(j, "%4x", &v), 1);
			assert_true(v < 0x100);
			bytes[n++] = v;
			j += 4;
			break;
		}
		default:
			fail_msg("bad escape in %s", j - 2);
		}
	}
	assert_int_equal(j[1], '\0');
	return n;
}

static void random_bytes_round_trip(void **state)
{
	(void)state;
	static char in[300], back[300];
	unsigned seed = 7;

	for (int round = 0; round < 20000; round++) {
		size_t n = rand_r(&seed) % sizeof(in);
		for (size_t i = 0; i < n; i++)
			in[i] = rand_r(&seed) % 3 ? rand_r(&seed) : "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"[rand_r(&seed) % 9];
		quoted(in, n);
		assert_int_equal(unquote(out, back), n);
		assert_memory_equal(in, back, n);
	}
}

static struct syscall_event openat_event(void)
{
	struct syscall_event ev = {
		.time = { 1700000000, 123456789 },
		.pid = 41, .tid = 42, .nr = SYS_openat,
		.args = { AT_FDCWD, 0x7ffd1000, O_RDONLY, 0, 0, 0 },
	};
	ev.str[1] = (struct str_arg){ "/etc/sh\"adow", 12 };
	return ev;
}

static void audit_line_denied(void **state)
{
	(void)state;
	struct syscall_event ev = openat_event();

	ev.decision = (struct decision){ .kind = DECISION_DENY, .err = EACCES };
	ev.has_result = true;
	ev.result = -EACCES;
	int n = audit_format(&ev, out, sizeof(out));
	assert_string_equal(out,
		"{\"time\": 1700000000.123456, \"pid\": 41, \"tid\": 42, \"syscall\": \"openat\", "
		"\"nr\": 257, \"args\": [-100, \"/etc/sh\\\"adow\", 0, 0, 0, 0], "
		"\"decision\": \"deny\", \"errno\": \"EACCES\", \"result\": -13}\n");
	assert_int_equal(n, (int)strlen(out));
}

static void audit_line_variants(void **state)
{
	(void)state;
	struct syscall_event ev = openat_event();

	ev.time.tv_nsec = 5000;
	ev.decision.kind = DECISION_REWRITE;
	audit_format(&ev, out, sizeof(out));
	assert_non_null(strstr(out, "\"time\": 1700000000.000005,"));
	assert_non_null(strstr(out, "\"decision\": \"rewrite\"}"));
	assert_null(strstr(out, "errno"));
	assert_null(strstr(out, "result"));

	ev.decision.kind = DECISION_EMULATE;
	ev.has_result = true;
	ev.result = 0x7f0000000000;
	audit_format(&ev, out, sizeof(out));
	assert_non_null(strstr(out, "\"decision\": \"emulate\", \"result\": 139637976727552}"));

	ev.nr = 999;
	ev.str[1].ptr = NULL;
	audit_format(&ev, out, sizeof(out));
	assert_non_null(strstr(out, "\"syscall\": null, \"nr\": 999, \"args\": [-100, 2147291136, 0"));
}

static void audit_long_strings(void **state)
{
	(void)state;
	static char path[AUDIT_STR_MAX + 100];
	struct syscall_event ev = openat_event();

	memset(path, 1, sizeof(path));	/* worst case: six bytes each */
	for (int i = 0; i < 6; i++)
		ev.str[i] = (struct str_arg){ path, sizeof(path) };
	int n = audit_format(&ev, out, sizeof(out));
	assert_true(n > 6 * 6 * AUDIT_STR_MAX);
	assert_non_null(strstr(out, "\"truncated\": true}\n"));
	/* too small a buffer: an error, never a broken line */
	char small[100];
	assert_int_equal(audit_format(&ev, small, sizeof(small)), -ENOSPC);
}

static void emit_writes_one_line(void **state)
{
	(void)state;
	char path[] = "/tmp/audit-test-XXXXXX";
	int fd = mkstemp(path);
	struct syscall_event ev = openat_event();

	assert_true(fd >= 0);
	assert_int_equal(audit_emit(fd, &ev, out, sizeof(out)), 0);
	assert_int_equal(audit_emit(fd, &ev, out, 10), -ENOSPC);
	assert_int_equal(trace_emit(fd, &ev, out, sizeof(out)), 0);
	close(fd);
	char *text = read_whole_file(path);
	assert_non_null(strstr(text, "\"decision\": \"allow\"}\n[pid 42] openat(AT_FDCWD, "));
	free(text);
	unlink(path);
	assert_int_equal(audit_emit(-1, &ev, out, sizeof(out)), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes),
		cmocka_unit_test(small_buffers),
		cmocka_unit_test(random_bytes_round_trip),
		cmocka_unit_test(audit_line_denied),
		cmocka_unit_test(audit_line_variants),
		cmocka_unit_test(audit_long_strings),
		cmocka_unit_test(emit_writes_one_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
