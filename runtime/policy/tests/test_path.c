/* Paths: lexical normalization, subtree tests, which call arguments are
 * paths and what access open flags ask for. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "testutil.h"
#include "policy.h"
#include "syscalls.h"

static void normalizes(void **state)
{
	(void)state;
	static const struct { const char *cwd, *in, *out; } cases[] = {
		{ NULL, "/", "/" },
		{ NULL, "//", "/" },
		{ NULL, "/a//b///c/", "/a/b/c" },
		{ NULL, "/a/./b/.", "/a/b" },
		{ NULL, "/a/b/../c", "/a/c" },
		{ NULL, "/..", "/" },
		{ NULL, "/../../a/..", "/" },
		{ NULL, "/a/b/../../..", "/" },
		{ NULL, "/a/..b/.c", "/a/..b/.c" },
		{ NULL, "/a/.../b", "/a/.../b" },
		{ "/home/u", "x", "/home/u/x" },
		{ "/home/u", "../v/./y", "/home/v/y" },
		{ "/home/u/", ".", "/home/u" },
		{ "/", "..", "/" },
		{ "/w", "/abs", "/abs" },
		{ "//w/../q", "r", "/q/r" },
	};
	char out[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = path_normalize(cases[i].cwd, cases[i].in, out, sizeof(out));
		if (n < 0 || strcmp(out, cases[i].out) || (size_t)n != strlen(out))
			fail_msg("'%s' + '%s': got %d '%s', want '%s'", cases[i].cwd,
				 cases[i].in, n, n >= 0 ? out : "", cases[i].out);
	}
}

static void normalize_errors(void **state)
{
	(void)state;
	char out[8];

	assert_int_equal(path_normalize(NULL, "", out, sizeof(out)), -ENOENT);
	assert_int_equal(path_normalize(NULL, "rel", out, sizeof(out)), -EINVAL);
	assert_int_equal(path_normalize("rel", "x", out, sizeof(out)), -EINVAL);
	assert_int_equal(path_normalize(NULL, NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(path_normalize(NULL, "/", out, 1), -EINVAL);
	assert_int_equal(path_normalize(NULL, "/1234567", out, sizeof(out)), -ENAMETOOLONG);
	assert_int_equal(path_normalize(NULL, "/123456", out, sizeof(out)), 7);
	/* long inputs that shrink are fine while each step fits; the kernel
	 * refuses paths longer than PATH_MAX anyway */
	assert_int_equal(path_normalize(NULL, "/aaaa/../b//////////./././.", out, sizeof(out)), 2);
	assert_string_equal(out, "/b");
	assert_int_equal(path_normalize(NULL, "/aaaaaaaaaaaa/../b", out, sizeof(out)), -ENAMETOOLONG);
}

/* Random paths of '/', '.' and 'a': the result is always canonical, and
 * normalizing it again changes nothing. */
static void random_paths_come_out_canonical(void **state)
{
	(void)state;
	char in[40], out[64], again[64];
	unsigned seed = 99;

	for (int round = 0; round < 100000; round++) {
		size_t n = rand_r(&seed) % (sizeof(in) - 1);
		for (size_t i = 0; i < n; i++)
			in[i] = "/.a"[rand_r(&seed) % 3];
		in[n] = '\0';
		int len = path_normalize("/c/d", in, out, sizeof(out));
		if (n == 0) {
			assert_int_equal(len, -ENOENT);
			continue;
		}
		assert_true(len > 0);
		assert_int_equal(out[0], '/');
		assert_null(strstr(out, "//"));
		assert_null(strstr(out, "/./"));
		assert_null(strstr(out, "/../"));
		assert_true(len == 1 || out[len - 1] != '/');
		assert_true(len < 3 || strcmp(out + len - 3, "/..") != 0);
		assert_true(len < 2 || strcmp(out + len - 2, "/.") != 0);
		assert_int_equal(path_normalize(NULL, out, again, sizeof(again)), len);
		assert_string_equal(out, again);
	}
}

static void under(void **state)
{
	(void)state;
	assert_true(path_is_under("/a", "/", 1));
	assert_true(path_is_under("/a/b", "/a", 2));
	assert_true(path_is_under("/a", "/a", 2));
	assert_false(path_is_under("/ab", "/a", 2));
	assert_false(path_is_under("/", "/a", 2));
	assert_false(path_is_under("/b/a", "/a", 2));
}

static struct path_arg pa[2];

static int paths_of(long nr, long a0, long a1, long a2, long a3, long a4)
{
	long args[6] = { a0, a1, a2, a3, a4, 0 };
	memset(pa, 0x55, sizeof(pa));
	return syscall_path_args(nr, args, pa);
}

static void open_family(void **state)
{
	(void)state;
	assert_int_equal(paths_of(SYS_open, 0, O_RDONLY, 0, 0, 0), 1);
	assert_int_equal(pa[0].arg, 0);
	assert_int_equal(pa[0].dirfd_arg, -1);
	assert_int_equal(pa[0].access, ACC_READ);
	assert_int_equal(paths_of(SYS_openat, AT_FDCWD, 0, O_WRONLY | O_CREAT, 0, 0), 1);
	assert_int_equal(pa[0].arg, 1);
	assert_int_equal(pa[0].dirfd_arg, 0);
	assert_int_equal(pa[0].access, ACC_WRITE | ACC_CREATE);
	assert_int_equal(paths_of(SYS_creat, 0, 0644, 0, 0, 0), 1);
	assert_int_equal(pa[0].access, ACC_WRITE | ACC_CREATE);
	assert_int_equal(paths_of(SYS_openat2, AT_FDCWD, 0, 0, 24, 0), 1);
	assert_true(pa[0].flags & PATH_OPEN_HOW);
	assert_true(pa[0].access & ACC_WRITE);	/* worst case until recomputed */
}

static void open_flags(void **state)
{
	(void)state;
	assert_int_equal(open_flags_access(O_RDONLY), ACC_READ);
	assert_int_equal(open_flags_access(O_RDONLY | O_CLOEXEC | O_DIRECTORY), ACC_READ);
	assert_int_equal(open_flags_access(O_WRONLY), ACC_WRITE);
	assert_int_equal(open_flags_access(O_RDWR), ACC_READ | ACC_WRITE);
	assert_int_equal(open_flags_access(O_RDONLY | O_TRUNC), ACC_READ | ACC_WRITE);
	assert_int_equal(open_flags_access(O_RDONLY | O_APPEND), ACC_READ | ACC_WRITE);
	assert_int_equal(open_flags_access(O_RDONLY | O_CREAT), ACC_READ | ACC_WRITE | ACC_CREATE);
	assert_int_equal(open_flags_access(O_WRONLY | O_TMPFILE), ACC_WRITE | ACC_CREATE);
	assert_int_equal(open_flags_access(O_PATH | O_WRONLY), ACC_LOOKUP);
	assert_int_equal(open_flags_access(3), ACC_READ | ACC_WRITE);
}

static void two_path_calls(void **state)
{
	(void)state;
	assert_int_equal(paths_of(SYS_rename, 0, 0, 0, 0, 0), 2);
	assert_int_equal(pa[0].arg, 0);
	assert_int_equal(pa[0].access, ACC_DELETE);
	assert_int_equal(pa[1].arg, 1);
	assert_true(pa[1].access & ACC_CREATE);
	assert_int_equal(paths_of(SYS_renameat2, 3, 0, 4, 0, 2 /* RENAME_EXCHANGE */), 2);
	assert_int_equal(pa[0].dirfd_arg, 0);
	assert_int_equal(pa[1].dirfd_arg, 2);
	assert_int_equal(pa[1].arg, 3);
	assert_true(pa[0].access & ACC_CREATE);
	assert_int_equal(paths_of(SYS_linkat, 3, 0, 4, 0, AT_SYMLINK_FOLLOW), 2);
	assert_int_equal(pa[0].access, ACC_WRITE);	/* a hard link writes its source */
	assert_false(pa[0].flags & PATH_NOFOLLOW);
	assert_int_equal(pa[1].access, ACC_CREATE);
	assert_int_equal(paths_of(SYS_link, 0, 0, 0, 0, 0), 2);
	assert_true(pa[0].flags & PATH_NOFOLLOW);
	/* only the new name of a symlink is a path */
	assert_int_equal(paths_of(SYS_symlinkat, 0, AT_FDCWD, 0, 0, 0), 1);
	assert_int_equal(pa[0].arg, 2);
	assert_int_equal(pa[0].dirfd_arg, 1);
}

static void other_path_calls(void **state)
{
	(void)state;
	static const struct { long nr; int arg, dirfd, access; } cases[] = {
		{ SYS_stat, 0, -1, ACC_LOOKUP }, { SYS_lstat, 0, -1, ACC_LOOKUP },
		{ SYS_newfstatat, 1, 0, ACC_LOOKUP }, { SYS_statx, 1, 0, ACC_LOOKUP },
		{ SYS_access, 0, -1, ACC_LOOKUP }, { SYS_faccessat, 1, 0, ACC_LOOKUP },
		{ SYS_faccessat2, 1, 0, ACC_LOOKUP }, { SYS_readlink, 0, -1, ACC_LOOKUP },
		{ SYS_readlinkat, 1, 0, ACC_LOOKUP }, { SYS_unlink, 0, -1, ACC_DELETE },
		{ SYS_unlinkat, 1, 0, ACC_DELETE }, { SYS_rmdir, 0, -1, ACC_DELETE },
		{ SYS_mkdir, 0, -1, ACC_CREATE }, { SYS_mkdirat, 1, 0, ACC_CREATE },
		{ SYS_mknod, 0, -1, ACC_CREATE }, { SYS_mknodat, 1, 0, ACC_CREATE },
		{ SYS_chmod, 0, -1, ACC_WRITE }, { SYS_fchmodat, 1, 0, ACC_WRITE },
		{ 452 /* fchmodat2 */, 1, 0, ACC_WRITE },
		{ SYS_chown, 0, -1, ACC_WRITE }, { SYS_lchown, 0, -1, ACC_WRITE },
		{ SYS_fchownat, 1, 0, ACC_WRITE }, { SYS_truncate, 0, -1, ACC_WRITE },
		{ SYS_utimensat, 1, 0, ACC_WRITE }, { SYS_utime, 0, -1, ACC_WRITE },
		{ SYS_execve, 0, -1, ACC_EXEC | ACC_READ },
		{ SYS_execveat, 1, 0, ACC_EXEC | ACC_READ }, { SYS_chdir, 0, -1, ACC_LOOKUP },
		{ SYS_getxattr, 0, -1, ACC_READ }, { SYS_lgetxattr, 0, -1, ACC_READ },
		{ SYS_listxattr, 0, -1, ACC_READ }, { SYS_setxattr, 0, -1, ACC_WRITE },
		{ SYS_lsetxattr, 0, -1, ACC_WRITE }, { SYS_removexattr, 0, -1, ACC_WRITE },
		{ SYS_statfs, 0, -1, ACC_LOOKUP }, { SYS_inotify_add_watch, 1, -1, ACC_READ },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = paths_of(cases[i].nr, 0, 0, 0, 0, 0);
		if (n != 1 || pa[0].arg != cases[i].arg || pa[0].dirfd_arg != cases[i].dirfd ||
		    pa[0].access != cases[i].access)
			fail_msg("%s: %d paths, arg %d dirfd %d access %d", syscall_name(cases[i].nr),
				 n, pa[0].arg, pa[0].dirfd_arg, pa[0].access);
	}
	assert_int_equal(paths_of(SYS_access, 0, W_OK, 0, 0, 0), 1);
	assert_int_equal(pa[0].access, ACC_WRITE);
	assert_int_equal(paths_of(SYS_newfstatat, 0, 0, 0, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, 0), 1);
	assert_int_equal(pa[0].flags, PATH_NOFOLLOW | PATH_EMPTY_OK);
	assert_int_equal(paths_of(SYS_utimensat, 0, 0, 0, 0, 0), 1);
	assert_true(pa[0].flags & PATH_MAY_BE_NULL);
	assert_int_equal(paths_of(SYS_read, 0, 0, 0, 0, 0), 0);
	assert_int_equal(paths_of(SYS_fchmod, 0, 0, 0, 0, 0), 0);
	assert_int_equal(paths_of(-1, 0, 0, 0, 0, 0), 0);
	assert_int_equal(syscall_path_args(SYS_openat, NULL, pa), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalizes),
		cmocka_unit_test(normalize_errors),
		cmocka_unit_test(random_paths_come_out_canonical),
		cmocka_unit_test(under),
		cmocka_unit_test(open_family),
		cmocka_unit_test(open_flags),
		cmocka_unit_test(two_path_calls),
		cmocka_unit_test(other_path_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
