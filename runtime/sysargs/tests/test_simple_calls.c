/* Calls whose arguments are flat buffers, paths and optional pointers:
 * good ones pass, each pointer aimed outside program memory is named,
 * NULL passes where the call allows it without ok() being asked, and
 * ranges that wrap around fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "fake_memory.h"

#define PROG_PAGES 16
static char *prog;

static int setup(void **state)
{
	(void)state;
	fake_reset();
	prog = fake_pages(PROG_PAGES);
	return prog ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	fake_reset();
	return 0;
}

static void read_buf(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_read, 0, (long)prog, 4096), 0);
	assert_int_equal(CHECK(SYS_read, 0, MON, 4096), -EFAULT);
	assert_string_equal(why, "read: arg 1 (buf, 4096 bytes) not writable program memory");
	/* up to the last byte of program memory, and one past it */
	assert_int_equal(CHECK(SYS_read, 0, (long)prog + PROG_PAGES * 4096 - 100, 100), 0);
	assert_int_equal(CHECK(SYS_read, 0, (long)prog + PROG_PAGES * 4096 - 100, 101), -EFAULT);
	/* count 0 touches nothing */
	assert_int_equal(CHECK(SYS_read, 0, MON, 0), 0);
}

static void write_buf(void **state)
{
	(void)state;
	fake_add(monitor, 64, 0);	/* read-only program memory */
	assert_int_equal(CHECK(SYS_write, 1, MON, 64), 0);
	assert_int_equal(CHECK(SYS_read, 0, MON, 64), -EFAULT);
	assert_int_equal(CHECK(SYS_write, 1, MON + 64, 10), -EFAULT);
	assert_string_equal(why, "write: arg 1 (buf, 10 bytes) not program memory");
}

static void openat_path(void **state)
{
	(void)state;
	strcpy(prog, "/etc/passwd");
	assert_int_equal(CHECK(SYS_openat, AT_FDCWD, (long)prog, O_RDONLY), 0);
	strcpy(monitor, "/etc/shadow");
	assert_int_equal(CHECK(SYS_openat, AT_FDCWD, MON, O_RDONLY), -EFAULT);
	assert_why("openat: arg 1 (path, string) not program memory");
}

static void stat_buf(void **state)
{
	(void)state;
	strcpy(prog, "/");
	assert_int_equal(CHECK(SYS_stat, (long)prog, (long)prog + 4096), 0);
	assert_int_equal(CHECK(SYS_stat, (long)prog, MON), -EFAULT);
	assert_string_equal(why, "stat: arg 1 (statbuf, 144 bytes) not writable program memory");
	assert_int_equal(CHECK(SYS_newfstatat, AT_FDCWD, (long)prog, MON, 0), -EFAULT);
	assert_why("arg 2 (statbuf, 144 bytes)");
	assert_int_equal(CHECK(SYS_statx, AT_FDCWD, (long)prog, 0, 0xfff, MON), -EFAULT);
	assert_why("statx: arg 4 (statxbuf, 256 bytes)");
	assert_int_equal(CHECK(SYS_fstat, 3, (long)prog + 4096), 0);
}

static void wait4_status_and_rusage(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_wait4, -1, 0, 0, 0), 0);
	assert_int_equal(fake_questions(), 0);
	assert_int_equal(CHECK(SYS_wait4, -1, (long)prog, 0, (long)prog + 64), 0);
	assert_int_equal(CHECK(SYS_wait4, -1, MON, 0, 0), -EFAULT);
	assert_why("wait4: arg 1 (wstatus, 4 bytes)");
	assert_int_equal(CHECK(SYS_wait4, -1, (long)prog, 0, MON), -EFAULT);
	assert_why("wait4: arg 3 (rusage, 144 bytes)");
}

static void null_where_allowed(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_nanosleep, (long)prog, 0), 0);
	assert_int_equal(fake_questions(), 1);
	assert_false(fake_asked(0));
	assert_int_equal(CHECK(SYS_gettimeofday, (long)prog, 0), 0);
	assert_int_equal(CHECK(SYS_gettimeofday, 0, 0), 0);
	assert_false(fake_asked(0));
	/* where NULL is not allowed, ok() is asked and says no */
	assert_int_equal(CHECK(SYS_nanosleep, 0, 0), -EFAULT);
	assert_why("nanosleep: arg 0 (req, 16 bytes)");
}

static void getdents64_buf(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_getdents64, 3, (long)prog, 32768), 0);
	assert_int_equal(CHECK(SYS_getdents64, 3, MON, 4096), -EFAULT);
	assert_string_equal(why, "getdents64: arg 1 (dirp, 4096 bytes) not writable program memory");
	/* the count is an unsigned int: the upper half is not the kernel's */
	assert_int_equal(CHECK(SYS_getdents64, 3, (long)prog, (1L << 32) | 4096), 0);
}

static void ranges_that_wrap(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_read, 0, (long)prog, -1L), -EFAULT);
	assert_why("wraps around");
	assert_int_equal(CHECK(SYS_write, 1, -4096L, 8192), -EFAULT);
	assert_why("write: arg 1 (buf, 8192 bytes at 0xfffffffffffff000) wraps around");
	/* count * element size overflows */
	assert_int_equal(CHECK(SYS_io_getevents, 1, 0, LONG_MAX / 8, (long)prog, 0), -EFAULT);
	assert_why("arg 3 (events");
	/* a negative int count is refused before memory is looked at */
	assert_int_equal(CHECK(SYS_readlink, (long)prog, (long)prog, -1), -EINVAL);
	assert_why("negative");
}

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static void address_space_calls(void **state)
{
	(void)state;
	assert_int_equal(CHECK(SYS_munmap, (long)prog, 8192), 0);
	assert_int_equal(CHECK(SYS_munmap, MON & ~4095L, 4096), -EFAULT);
	assert_why("munmap: arg 0 (addr, 4096 bytes) not inside program memory");
	/* the kernel rounds the length up to a page */
	assert_int_equal(CHECK(SYS_mprotect, (long)prog + (PROG_PAGES - 1) * 4096, 4097), -EFAULT);
	/* mmap replaces memory only at a fixed address */
	assert_int_equal(CHECK(SYS_mmap, MON & ~4095L, 4096, PROT_READ, ANON, -1, 0), 0);
	assert_int_equal(CHECK(SYS_mmap, MON & ~4095L, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0),
			 -EFAULT);
	assert_why("mmap: arg 0 (addr");
	assert_int_equal(CHECK(SYS_mmap, (long)prog, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(read_buf, setup, teardown),
		cmocka_unit_test_setup_teardown(write_buf, setup, teardown),
		cmocka_unit_test_setup_teardown(openat_path, setup, teardown),
		cmocka_unit_test_setup_teardown(stat_buf, setup, teardown),
		cmocka_unit_test_setup_teardown(wait4_status_and_rusage, setup, teardown),
		cmocka_unit_test_setup_teardown(null_where_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(getdents64_buf, setup, teardown),
		cmocka_unit_test_setup_teardown(ranges_that_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(address_space_calls, setup, teardown),
	};
	return cmocka_run_group_tests_name("sysargs simple calls", tests, NULL, NULL);
}
