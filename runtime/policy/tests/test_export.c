/* What the outer layer reads from a policy (policy_export.c). */
#include <string.h>
#include <sys/syscall.h>

#include "testutil.h"
#include "policy.h"

static struct policy pol;

static void syscalls_as_the_rules_say(void **state)
{
	char err[256];
	(void)state;
	policy_default(&pol);
	assert_true(policy_syscall_allowed(&pol, SYS_read));
	assert_true(policy_syscall_allowed(&pol, SYS_socket)); /* families aside */
	assert_false(policy_syscall_allowed(&pol, SYS_ptrace));
	assert_false(policy_syscall_allowed(&pol, SYS_clone3)); /* denied with ENOSYS */
	assert_false(policy_syscall_allowed(&pol, -1));
	assert_false(policy_syscall_allowed(&pol, SYSCALL_NR_MAX));
	assert_int_equal(policy_parse(&pol, "default deny\nallow read write\n", "t", err,
				      sizeof(err)), 0);
	assert_true(policy_syscall_allowed(&pol, SYS_write));
	assert_false(policy_syscall_allowed(&pol, SYS_open));
}

static void paths_in_order_given(void **state)
{
	char path[64], err[256];
	enum fs_mode mode;
	(void)state;
	assert_int_equal(policy_parse(&pol, "fs ro /usr\nfs rw /home/a/out/\nfs none /x\n", "t",
				      err, sizeof(err)), 0);
	assert_int_equal(policy_path_count(&pol), 3);
	assert_int_equal(policy_path_at(&pol, 1, path, sizeof(path), &mode), 0);
	assert_string_equal(path, "/home/a/out"); /* normalized */
	assert_int_equal(mode, FS_RW);
	assert_int_equal(policy_path_at(&pol, 2, path, sizeof(path), &mode), 0);
	assert_int_equal(mode, FS_NONE);
	assert_int_equal(policy_path_at(&pol, 3, path, sizeof(path), &mode), -1);
	assert_int_equal(policy_path_at(&pol, 0, path, 4, &mode), -1); /* "/usr" needs 5 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syscalls_as_the_rules_say),
		cmocka_unit_test(paths_in_order_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
