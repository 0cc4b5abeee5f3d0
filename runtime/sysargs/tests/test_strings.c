/* Strings and argv: read page by page, each page approved before it is
 * read, so a string running into memory that is not the program's fails
 * cleanly instead of crashing the checker. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "fake_memory.h"

#define PAGE 4096

static int setup(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

/* One program page, then a PROT_NONE page ok() does not accept. */
static char *page_before_hole(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + PAGE, PAGE, PROT_NONE), 0);
	fake_add(p, PAGE, 1);
	return p;
}

static void string_into_unmapped_page(void **state)
{
	char *p = page_before_hole();
	char expect[128];

	(void)state;
	memset(p, 'a', PAGE);	/* no NUL in the program's page */
	assert_int_equal(CHECK(SYS_openat, AT_FDCWD, (long)(p + 100), O_RDONLY), -EFAULT);
	snprintf(expect, sizeof(expect), "openat: arg 1 (path, string) not program memory at %p",
		 (void *)(p + PAGE));
	assert_string_equal(why, expect);
	/* a NUL in the last byte ends the string in time */
	p[PAGE - 1] = '\0';
	assert_int_equal(CHECK(SYS_openat, AT_FDCWD, (long)(p + 100), O_RDONLY), 0);
	munmap(p, 2 * PAGE);
}

static void string_on_unmapped_page(void **state)
{
	char *hole = fake_inaccessible(1);

	(void)state;
	assert_int_equal(CHECK(SYS_unlink, (long)hole), -EFAULT);
	assert_why("unlink: arg 0 (path, string) not program memory");
	assert_int_equal(CHECK(SYS_rename, (long)hole, (long)hole), -EFAULT);
	assert_why("rename: arg 0 (oldpath");
}

static void path_limit(void **state)
{
	char *p = fake_pages(3);

	(void)state;
	/* no NUL within PATH_MAX: the kernel stops reading there, so do we */
	memset(p, 'a', 3 * PAGE);
	assert_int_equal(CHECK(SYS_chdir, (long)(p + 10)), 0);
	for (size_t i = 0; i < fake_questions(); i++) {
		const struct ok_question *q = fake_question(i);

		assert_true(q->addr + q->len <= (uintptr_t)p + 10 + 4096);
	}
}

static void execve_argv(void **state)
{
	char *p = fake_pages(2);
	char **argv = (char **)p;
	char *hole = fake_inaccessible(1);

	(void)state;
	strcpy(p + 1024, "/bin/sh");
	strcpy(p + 1100, "-c");
	argv[0] = p + 1024;
	argv[1] = p + 1100;
	argv[2] = NULL;
	assert_int_equal(CHECK(SYS_execve, (long)(p + 1024), (long)argv, 0), 0);
	assert_int_equal(CHECK(SYS_execve, (long)(p + 1024), (long)argv, (long)argv), 0);

	strcpy(monitor, "secret");
	argv[1] = monitor;
	assert_int_equal(CHECK(SYS_execve, (long)(p + 1024), (long)argv, 0), -EFAULT);
	assert_why("execve: arg 1 (argv[1], string) not program memory");

	argv[1] = hole;
	assert_int_equal(CHECK(SYS_execve, (long)(p + 1024), 0, (long)argv), -EFAULT);
	assert_why("execve: arg 2 (envp[1], string)");

	/* the array itself outside, and an array running off its page */
	assert_int_equal(CHECK(SYS_execve, (long)(p + 1024), (long)hole, 0), -EFAULT);
	assert_why("execve: arg 1 (argv[0], pointer) not program memory");
	argv = (char **)(p + 2 * PAGE - 16);
	argv[0] = p + 1024;
	argv[1] = p + 1100;
	assert_int_equal(CHECK(SYS_execve, (long)(p + 1024), (long)argv, 0), -EFAULT);
	assert_why("argv[2], pointer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(string_into_unmapped_page, setup, teardown),
		cmocka_unit_test_setup_teardown(string_on_unmapped_page, setup, teardown),
		cmocka_unit_test_setup_teardown(path_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(execve_argv, setup, teardown),
	};
	return cmocka_run_group_tests_name("sysargs strings", tests, NULL, NULL);
}
