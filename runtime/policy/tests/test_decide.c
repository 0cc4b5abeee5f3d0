/* Decisions of the default policy, and of the flags applied on top. */
#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "testutil.h"
#include "policy.h"

static struct policy pol;

static int setup(void **state)
{
	(void)state;
	policy_default(&pol);
	assert_int_equal(policy_set_tmp_dir(&pol, "/var/tmp/dunebox.42"), 0);
	return 0;
}

static struct decision call(long nr, long a0, long a1)
{
	long args[6] = { a0, a1 };
	return policy_check_syscall(&pol, nr, args);
}

static void assert_denied(struct decision d, int err)
{
	assert_int_equal(d.kind, DECISION_DENY);
	assert_int_equal(d.err, err);
	assert_true(d.log);	/* log denied */
}

static void assert_allowed(struct decision d)
{
	assert_int_equal(d.kind, DECISION_ALLOW);
	assert_false(d.log);
}

static void network_denied_unix_allowed(void **state)
{
	(void)state;
	assert_denied(call(SYS_socket, AF_INET, SOCK_STREAM), EPERM);
	assert_denied(call(SYS_socket, AF_INET6, SOCK_DGRAM), EPERM);
	assert_denied(call(SYS_socket, AF_PACKET, SOCK_RAW), EPERM);
	assert_denied(call(SYS_socket, AF_NETLINK, SOCK_RAW), EPERM);
	assert_allowed(call(SYS_socket, AF_UNIX, SOCK_STREAM));
	assert_allowed(call(SYS_socketpair, AF_UNIX, SOCK_STREAM));
	assert_denied(call(SYS_socketpair, AF_INET, SOCK_STREAM), EPERM);
	/* connect, sendto... are not socket creation: allowed */
	assert_allowed(call(SYS_connect, 3, 0));

	policy_allow_net(&pol);
	assert_allowed(call(SYS_socket, AF_INET, SOCK_STREAM));
	assert_allowed(call(SYS_socket, AF_NETLINK, SOCK_RAW));
}

static void dangerous_calls_denied(void **state)
{
	(void)state;
	static const long denied[] = {
		SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev, SYS_bpf,
		SYS_mount, SYS_umount2, SYS_pivot_root, SYS_init_module,
		SYS_finit_module, SYS_delete_module, SYS_kexec_load,
		SYS_kexec_file_load, SYS_reboot, SYS_swapon, SYS_swapoff, SYS_syslog,
		SYS_perf_event_open, SYS_userfaultfd, SYS_keyctl, SYS_add_key,
		SYS_request_key, SYS_setns, SYS_chroot, SYS_acct, SYS_settimeofday,
		SYS_clock_settime, SYS_adjtimex, SYS_sethostname, SYS_setdomainname,
		SYS_iopl, SYS_ioperm, SYS_open_by_handle_at, SYS_name_to_handle_at,
		SYS_lookup_dcookie, SYS_quotactl, SYS_nfsservctl, SYS_vhangup,
		SYS_io_uring_setup,
	};
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		assert_denied(call(denied[i], 0, 0), EPERM);
	assert_denied(call(SYS_clone3, 0, 0), ENOSYS);
}

static void ordinary_calls_allowed(void **state)
{
	(void)state;
	assert_allowed(call(SYS_read, 0, 0));
	assert_allowed(call(SYS_ioctl, 1, 0x5401));
	assert_allowed(call(SYS_kill, 1, 9));	/* the monitor's business */
	assert_allowed(call(SYS_mmap, 0, 4096));
	assert_allowed(call(SYS_unshare, CLONE_FILES, 0));
	assert_allowed(call(SYS_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | 17, 0));
	/* clone's exit signal shares CLONE_NEWTIME's bit: not a namespace */
	assert_allowed(call(SYS_clone, 0x80 | 0x11, 0));
}

static void namespaces_denied(void **state)
{
	(void)state;
	assert_denied(call(SYS_unshare, CLONE_NEWUSER, 0), EPERM);
	assert_denied(call(SYS_unshare, CLONE_NEWNS | CLONE_FILES, 0), EPERM);
	assert_denied(call(SYS_unshare, 0x80 /* CLONE_NEWTIME */, 0), EPERM);
	assert_denied(call(SYS_clone, CLONE_NEWPID | 17, 0), EPERM);
	assert_denied(call(SYS_clone, CLONE_NEWNET, 0), EPERM);
	assert_int_equal(policy_check_namespaces(&pol, CLONE_NEWCGROUP).kind, DECISION_DENY);
	assert_int_equal(policy_check_namespaces(&pol, CLONE_VM).kind, DECISION_ALLOW);
}

static void unknown_numbers_fail_enosys(void **state)
{
	(void)state;
	assert_denied(call(-1, 0, 0), ENOSYS);
	assert_denied(call(SYSCALL_NR_MAX, 0, 0), ENOSYS);
	assert_denied(call(0x40000000 | SYS_read, 0, 0), ENOSYS);	/* x32 */
	assert_allowed(policy_check_syscall(&pol, SYS_getpid, NULL));
}

static struct decision path(const char *p, int access)
{
	return policy_check_path(&pol, p, access);
}

static void files_readable_not_writable(void **state)
{
	(void)state;
	assert_allowed(path("/etc/passwd", ACC_READ));
	assert_allowed(path("/usr/bin/ls", ACC_EXEC | ACC_READ));
	assert_allowed(path("/", ACC_READ));
	assert_denied(path("/etc/passwd", ACC_WRITE), EACCES);
	assert_denied(path("/etc/new", ACC_CREATE | ACC_WRITE), EACCES);
	assert_denied(path("/home/u/f", ACC_DELETE), EACCES);
	assert_allowed(path("/dev/null", ACC_WRITE));
	assert_denied(path("/dev/sda", ACC_WRITE), EACCES);
	assert_denied(path("relative/path", ACC_READ), EACCES);
	assert_denied(path(NULL, ACC_READ), EACCES);
}

static void rw_subtree_writable(void **state)
{
	(void)state;
	assert_int_equal(policy_add_path(&pol, "/work/data/", FS_RW), 0);
	assert_allowed(path("/work/data", ACC_WRITE));
	assert_allowed(path("/work/data/x/y", ACC_CREATE | ACC_WRITE));
	assert_allowed(path("/work/data/x", ACC_DELETE));
	assert_denied(path("/work/database", ACC_WRITE), EACCES);	/* not a prefix */
	assert_denied(path("/work", ACC_WRITE), EACCES);
}

static void longest_prefix_wins(void **state)
{
	(void)state;
	assert_int_equal(policy_add_path(&pol, "/work/data", FS_RW), 0);
	assert_int_equal(policy_add_path(&pol, "/work/data/frozen", FS_RO), 0);
	assert_int_equal(policy_add_path(&pol, "/work/data/frozen/scratch", FS_RW), 0);
	assert_int_equal(policy_add_path(&pol, "/home", FS_NONE), 0);
	assert_int_equal(policy_add_path(&pol, "/home/u/shared", FS_RO), 0);
	assert_allowed(path("/work/data/a", ACC_WRITE));
	assert_denied(path("/work/data/frozen/a", ACC_WRITE), EACCES);
	assert_allowed(path("/work/data/frozen/a", ACC_READ));
	assert_allowed(path("/work/data/frozen/scratch/a", ACC_WRITE));
	assert_denied(path("/home/u/.ssh/id_rsa", ACC_READ), EACCES);
	assert_allowed(path("/home/u/shared/doc", ACC_READ));
	/* a flag on the same path replaces the rule */
	assert_int_equal(policy_add_path(&pol, "/work/data/frozen", FS_RW), 0);
	assert_allowed(path("/work/data/frozen/a", ACC_WRITE));
	assert_int_equal(policy_add_path(&pol, "relative", FS_RO), -EINVAL);
}

static void dotdot_cannot_escape_rw(void **state)
{
	(void)state;
	assert_int_equal(policy_add_path(&pol, "/work/data", FS_RW), 0);
	assert_denied(path("/work/data/../../etc/passwd", ACC_WRITE), EACCES);
	assert_denied(path("/work/data/..", ACC_WRITE), EACCES);
	assert_denied(path("/work/data/x/../../data2/f", ACC_WRITE), EACCES);
	assert_denied(path("/work/data/../../../../../etc/shadow", ACC_WRITE), EACCES);
	assert_allowed(path("/work/data/x/../y", ACC_WRITE));
	assert_allowed(path("//work/./data//y/", ACC_WRITE));
	/* and a none subtree cannot be reached around */
	assert_int_equal(policy_add_path(&pol, "/secret", FS_NONE), 0);
	assert_denied(path("/tmp/../secret/key", ACC_READ), EACCES);
}

static void tmp_is_rewritten(void **state)
{
	(void)state;
	char out[POLICY_PATH_MAX];
	struct decision d = path("/tmp/build/x.o", ACC_CREATE | ACC_WRITE);

	assert_int_equal(d.kind, DECISION_REWRITE);
	assert_false(d.log);
	assert_int_equal(decision_rewrite(&d, "/tmp/build/x.o", out, sizeof(out)),
			 (int)strlen("/var/tmp/dunebox.42/build/x.o"));
	assert_string_equal(out, "/var/tmp/dunebox.42/build/x.o");

	d = path("/tmp", ACC_READ);
	assert_int_equal(d.kind, DECISION_REWRITE);
	assert_int_equal(decision_rewrite(&d, "/tmp/", out, sizeof(out)), 19);
	assert_string_equal(out, "/var/tmp/dunebox.42");
	d = path("/tmp//a/../b", ACC_DELETE);
	decision_rewrite(&d, "/tmp//a/../b", out, sizeof(out));
	assert_string_equal(out, "/var/tmp/dunebox.42/b");
	assert_int_equal(decision_rewrite(&d, "/tmp/b", out, 10), -ENAMETOOLONG);

	/* not /tmp */
	assert_denied(path("/tmpfoo", ACC_WRITE), EACCES);
	assert_allowed(path("/var/tmp/dunebox.42/x", ACC_READ));
	/* allow decisions rewrite to the normalized path itself */
	d = path("/etc//passwd", ACC_READ);
	decision_rewrite(&d, "/etc//passwd", out, sizeof(out));
	assert_string_equal(out, "/etc/passwd");

	/* a longer fs rule reaches the host's file */
	assert_int_equal(policy_add_path(&pol, "/tmp/.X11-unix", FS_RW), 0);
	assert_allowed(path("/tmp/.X11-unix/X0", ACC_WRITE));
	assert_int_equal(path("/tmp/other", ACC_WRITE).kind, DECISION_REWRITE);
}

static void tmp_without_dir_fails_closed(void **state)
{
	(void)state;
	policy_default(&pol);
	assert_denied(path("/tmp/x", ACC_READ), EACCES);
	pol.tmp = TMP_SHARED;
	assert_allowed(path("/tmp/x", ACC_READ));
	assert_denied(path("/tmp/x", ACC_WRITE), EACCES);
}

/* Directories above a visible rule may be looked at (a tool walks up to
 * its --rw directory), not listed or changed; what `fs none` hides stays
 * hidden, and so does what no rule names. */
static void ancestors_of_rules_visible(void **state)
{
	(void)state;
	policy_empty(&pol);
	assert_int_equal(policy_add_path(&pol, "/home", FS_NONE), 0);
	assert_int_equal(policy_add_path(&pol, "/home/ann/src", FS_RW), 0);
	assert_true(policy_path_visible(&pol, "/"));
	assert_true(policy_path_visible(&pol, "/home"));
	assert_true(policy_path_visible(&pol, "/home/ann"));
	assert_true(policy_path_visible(&pol, "/home/ann/src/x/y"));
	assert_false(policy_path_visible(&pol, "/home/bob"));
	assert_false(policy_path_visible(&pol, "/home/ann/.ssh"));
	assert_false(policy_path_visible(&pol, "/etc"));
	assert_false(policy_path_visible(&pol, "/home/an"));
	assert_allowed(path("/home/ann", ACC_LOOKUP));
	assert_denied(path("/home/ann", ACC_READ), EACCES);
	assert_denied(path("/home/ann/x", ACC_CREATE), EACCES);
	assert_denied(path("/home/bob", ACC_LOOKUP), EACCES);
	assert_allowed(path("/home/ann/src/f", ACC_WRITE));
}

/* tmp private makes /dev/shm the box's own too */
static void shm_is_private(void **state)
{
	(void)state;
	assert_int_equal(path("/dev/shm/sem.x", ACC_CREATE).kind, DECISION_DENY); /* no dir yet */
	assert_int_equal(policy_set_shm_dir(&pol, "/dev/shm/dunebox.7"), 0);
	struct decision d = path("/dev/shm/sem.x", ACC_CREATE | ACC_WRITE);
	assert_int_equal(d.kind, DECISION_REWRITE);
	assert_string_equal(d.prefix, "/dev/shm/dunebox.7");
	assert_true(policy_path_visible(&pol, "/dev/shm"));
	assert_denied(path("/dev/shmx", ACC_WRITE), EACCES);
}

static void log_modes(void **state)
{
	(void)state;
	pol.log = LOG_ALL;
	assert_true(call(SYS_read, 0, 0).log);
	assert_true(path("/tmp/x", ACC_READ).log);
	pol.log = LOG_NONE;
	assert_false(call(SYS_ptrace, 0, 0).log);
}

static void rules_from_a_file(void **state)
{
	(void)state;
	char err[200];
	assert_int_equal(policy_parse(&pol,
		"default deny errno=ENOSYS\n"
		"allow read write exit_group socket\n"
		"deny openat errno=EACCES\n"
		"net none\n", "f", err, sizeof(err)), 0);
	assert_allowed(call(SYS_read, 0, 0));
	assert_denied(call(SYS_mmap, 0, 0), ENOSYS);
	assert_denied(call(SYS_openat, 0, 0), EACCES);
	assert_denied(call(SYS_socket, AF_UNIX, 0), EPERM);	/* net none */
	assert_denied(path("/etc/passwd", ACC_READ), EACCES);	/* no fs rules */
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(network_denied_unix_allowed),
		T(ancestors_of_rules_visible),
		T(shm_is_private),
		T(dangerous_calls_denied),
		T(ordinary_calls_allowed),
		T(namespaces_denied),
		T(unknown_numbers_fail_enosys),
		T(files_readable_not_writable),
		T(rw_subtree_writable),
		T(longest_prefix_wins),
		T(dotdot_cannot_escape_rw),
		T(tmp_is_rewritten),
		T(tmp_without_dir_fails_closed),
		T(log_modes),
		T(rules_from_a_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
