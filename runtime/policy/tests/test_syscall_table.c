/* The syscall name table against the installed <asm/unistd_64.h>, and the
 * errno name table against the kernel's errno headers. */
#include <errno.h>

#include "testutil.h"
#include "policy.h"
#include "syscalls.h"

/* Calls "#define PREFIXname number" lines of a header; returns how many. */
static int each_define(const char *header, const char *prefix,
		       void (*check)(const char *name, long number))
{
	FILE *f = fopen(header, "r");
	char buf[512], name[128];
	long number;
	int count = 0;

	if (!f)
		fail_msg("cannot read %s", header);
	while (fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "#define %127s %ld", name, &number) != 2)
			continue;
		if (strncmp(name, prefix, strlen(prefix)))
			continue;
		check(name + (strcmp(prefix, "__NR_") ? 0 : 5), number);
		count++;
	}
	fclose(f);
	return count;
}

static void check_syscall(const char *name, long nr)
{
	const char *ours = syscall_name(nr);

	if (!ours || strcmp(ours, name))
		fail_msg("%ld: header says %s, table says %s", nr, name, ours ? ours : "nothing");
	assert_int_equal(syscall_number(name, strlen(name)), nr);
}

static void table_matches_header(void **state)
{
	(void)state;
	int n = each_define(UNISTD_64_H, "__NR_", check_syscall);
	assert_true(n >= 330);	/* the header was really read */
}

static void table_is_consistent(void **state)
{
	(void)state;
	int named = 0;

	for (long nr = 0; nr < SYSCALL_NR_MAX; nr++) {
		const char *name = syscall_name(nr);
		if (!name)
			continue;
		named++;
		assert_int_equal(syscall_number(name, strlen(name)), nr);	/* unique */
	}
	assert_true(named >= 370);
	assert_string_equal(syscall_name(0), "read");
	assert_string_equal(syscall_name(452), "fchmodat2");
	assert_null(syscall_name(-1));
	assert_null(syscall_name(SYSCALL_NR_MAX));
	assert_int_equal(syscall_number("read", 4), 0);
	assert_int_equal(syscall_number("readx", 4), 0);	/* length counts */
	assert_int_equal(syscall_number("rea", 3), -1);
	assert_int_equal(syscall_number("", 0), -1);
}

static void check_errno(const char *name, long num)
{
	assert_int_equal(errno_from_name(name, strlen(name)), num);
	assert_non_null(errno_name(num));
	assert_int_equal(errno_from_name(errno_name(num), strlen(errno_name(num))), num);
}

static void errno_names_match_headers(void **state)
{
	(void)state;
	static const char *const headers[] = { ERRNO_HEADERS };
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(headers); i++)
		n += each_define(headers[i], "E", check_errno);
	assert_true(n >= 130);
	assert_string_equal(errno_name(EPERM), "EPERM");
	assert_string_equal(errno_name(EAGAIN), "EAGAIN");
	assert_int_equal(errno_from_name("EWOULDBLOCK", 11), EAGAIN);
	assert_int_equal(errno_from_name("ENOTSUP", 7), EOPNOTSUPP);
	assert_null(errno_name(0));
	assert_null(errno_name(4096));
	assert_int_equal(errno_from_name("EPERMX", 5), EPERM);
	assert_int_equal(errno_from_name("E", 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_matches_header),
		cmocka_unit_test(table_is_consistent),
		cmocka_unit_test(errno_names_match_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
