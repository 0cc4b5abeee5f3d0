/*
 * outer.c - dunebox's hook for the outer layer (runtime/jail): the policy
 * turned into a jail configuration, libdune's device opened while /dev is
 * still in sight, the jail entered. Returns in the jailed process; the
 * process that called it stays outside and waits (jail.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "box.h"
#include "dune.h"
#include "jail/jail.h"
#include "outer.h"
#include "sysargs/sysargs.h"

static char rule_text[POLICY_MAX_PATHS][POLICY_PATH_MAX];

/* The monitor does a path call the program makes through the call on the
 * right (on the path it resolved: a directory descriptor and a name, or
 * the object's /proc/self/fd name; files.c): allowed for the program, it
 * is allowed for the monitor too. */
static const struct {
	int program, monitor;
} done_as[] = {
	{SYS_stat, SYS_newfstatat}, {SYS_lstat, SYS_newfstatat}, {SYS_stat, SYS_statx},
	{SYS_lstat, SYS_statx}, {SYS_newfstatat, SYS_statx}, {SYS_statx, SYS_newfstatat},
	{SYS_access, SYS_faccessat2}, {SYS_faccessat, SYS_faccessat2},
	{SYS_readlink, SYS_readlinkat}, {SYS_chdir, SYS_fchdir},
	{SYS_chown, SYS_fchownat}, {SYS_lchown, SYS_fchownat},
	{SYS_fchmodat, SYS_chmod}, {452 /* fchmodat2 */, SYS_chmod},
	{SYS_mkdir, SYS_mkdirat}, {SYS_mknod, SYS_mknodat}, {SYS_symlink, SYS_symlinkat},
	{SYS_unlink, SYS_unlinkat}, {SYS_rmdir, SYS_unlinkat},
	{SYS_rename, SYS_renameat2}, {SYS_renameat, SYS_renameat2},
	{SYS_link, SYS_linkat}, {SYS_utime, SYS_utimensat}, {SYS_utimes, SYS_utimensat},
	{SYS_futimesat, SYS_utimensat},
	{SYS_lsetxattr, SYS_setxattr}, {SYS_setxattr, SYS_lsetxattr},
	{SYS_lgetxattr, SYS_getxattr}, {SYS_getxattr, SYS_lgetxattr},
	{SYS_llistxattr, SYS_listxattr}, {SYS_listxattr, SYS_llistxattr},
	{SYS_lremovexattr, SYS_removexattr}, {SYS_removexattr, SYS_lremovexattr},
};

static void forward(struct jail_config *c, int nr)
{
	c->forwarded[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

static void policy_to_jail(struct jail_config *c)
{
	static const enum jail_access access[] = {[FS_NONE] = JAIL_NONE, [FS_RO] = JAIL_RO,
						  [FS_RW] = JAIL_RW};
	static const enum jail_net net[] = {[NET_NONE] = JAIL_NET_NONE, [NET_UNIX] = JAIL_NET_UNIX,
					    [NET_ALL] = JAIL_NET_ALL};
	enum fs_mode mode;

	for (unsigned i = 0; i < policy_path_count(&box.policy) && c->npaths < JAIL_MAX_PATHS; i++)
		if (policy_path_at(&box.policy, i, rule_text[i], sizeof(rule_text[i]), &mode) == 0)
			c->paths[c->npaths++] = (struct jail_path){rule_text[i], access[mode]};
	c->private_tmp = box.policy.tmp == TMP_PRIVATE;
	c->net = net[box.policy.net];
	/* what the program's calls may take to the kernel: allowed by the
	 * policy and known to the monitor's argument checks */
	for (int nr = 0; nr < JAIL_SYSCALLS; nr++)
		if (policy_syscall_allowed(&box.policy, nr) && sysargs_known(nr) &&
		    !jail_filter_kills(c, nr))
			forward(c, nr);
	for (unsigned i = 0; i < sizeof(done_as) / sizeof(done_as[0]); i++)
		if (policy_syscall_allowed(&box.policy, done_as[i].program) &&
		    sysargs_known(done_as[i].program) && !jail_filter_kills(c, done_as[i].monitor))
			forward(c, done_as[i].monitor);
}

/* A call the filter would kill the process for gets EPERM from the
 * monitor instead, as if the policy denied it: a program probing for
 * fanotify or userfaultfd learns "not here" and goes on, as natively
 * without the privilege. execve is the monitor's own (its loader). */
static void refuse_killed_calls(const struct jail_config *c)
{
	for (int nr = 0; nr < JAIL_SYSCALLS; nr++)
		if (nr != SYS_execve && nr != SYS_execveat && jail_filter_kills(c, nr) &&
		    policy_syscall_allowed(&box.policy, nr))
			policy_deny_syscall(&box.policy, nr, EPERM);
}

int outer_enter(const struct outer_options *o)
{
	struct jail_config c;
	struct jail_report rep;
	char err[1024];
	int fd;

	if (o->inner_only) {
		box_msg("warning: --inner-only: no namespaces, Landlock or seccomp around the box; "
			"only the monitor's own checks keep the program in");
		return 0;
	}
	jail_config_init(&c);
	c.without = (unsigned)o->without;
	c.native_exec = o->native;
	refuse_killed_calls(&c);
	policy_to_jail(&c);
	c.memory_limit = o->memory_limit;
	c.pids_limit = o->pids_limit;
	c.keep_fds[0] = box.audit_fd;
	c.keep_fds[1] = box.err_fd;
	if (!o->native) {
		/* the jail's /dev has no /dev/kvm: libdune keeps this descriptor */
		if ((fd = dune_preopen()) < 0) {
			box_msg("cannot open the virtualization device (see the line above)");
			return -1;
		}
		c.device_fd = fd;
	}
	if (jail_enter(&c, &rep, err, sizeof(err)) < 0) {
		box_msg("outer layer: %s", err);
		return -1;
	}
	if (box.trace_fd >= 0)
		box_msg("%s", rep.line);
	return 0;
}
