/* Building a policy in code: the empty and the default policy, and the
 * changes the command-line flags make on top of a file. */
#include <errno.h>
#include <string.h>

#include "policy.h"
#include "syscalls.h"

/* Calls a sandboxed program has no business making: other processes'
 * memory, the kernel, mounts and namespaces, the clock, the host's name,
 * and io_uring, whose operations would bypass the monitor entirely. */
static const char *const default_denied[] = {
	"ptrace", "process_vm_readv", "process_vm_writev", "process_madvise",
	"pidfd_getfd", "kcmp", "bpf", "perf_event_open", "userfaultfd",
	"mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig",
	"fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
	"setns", "init_module", "finit_module", "delete_module", "kexec_load",
	"kexec_file_load", "reboot", "swapon", "swapoff", "syslog", "acct",
	"keyctl", "add_key", "request_key", "settimeofday", "clock_settime",
	"adjtimex", "clock_adjtime", "sethostname", "setdomainname", "iopl",
	"ioperm", "open_by_handle_at", "name_to_handle_at", "lookup_dcookie",
	"quotactl", "quotactl_fd", "nfsservctl", "vhangup",
	"io_uring_setup", "io_uring_enter", "io_uring_register",
};

/* Devices every program writes to; writing them changes nothing. */
static const char *const default_rw_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/tty",
};

void policy_empty(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->fallback.action = RULE_DENY;
	p->fallback.err = EPERM;
	p->net = NET_NONE;
	p->tmp = TMP_SHARED;
	p->log = LOG_DENIED;
}

static void deny_by_name(struct policy *p, const char *name, int err)
{
	long nr = syscall_number(name, strlen(name));

	if (nr >= 0) {
		p->sys[nr].action = RULE_DENY;
		p->sys[nr].err = err;
	}
}

void policy_default(struct policy *p)
{
	policy_empty(p);
	p->fallback.action = RULE_ALLOW;
	p->fallback.err = 0;
	for (size_t i = 0; i < sizeof(default_denied) / sizeof(default_denied[0]); i++)
		deny_by_name(p, default_denied[i], EPERM);
	/* its flags are in memory we do not read; libc falls back to clone */
	deny_by_name(p, "clone3", ENOSYS);
	p->net = NET_UNIX;
	policy_add_path(p, "/", FS_RO);
	for (size_t i = 0; i < sizeof(default_rw_devices) / sizeof(default_rw_devices[0]); i++)
		policy_add_path(p, default_rw_devices[i], FS_RW);
	p->tmp = TMP_PRIVATE;
	p->log = LOG_DENIED;
}

void policy_allow_net(struct policy *p)
{
	p->net = NET_ALL;
}

/* A call denied whatever the file said (the outer layer's refusals) */
void policy_deny_syscall(struct policy *p, long nr, int err)
{
	if (nr >= 0 && nr < SYSCALL_NR_MAX)
		p->sys[nr] = (struct syscall_rule){RULE_DENY, (unsigned short)err};
}

/* A rule for a path already named is replaced: flags override the file. */
int policy_add_path(struct policy *p, const char *path, enum fs_mode mode)
{
	char norm[POLICY_PATH_MAX];
	int len;

	if (mode != FS_NONE && mode != FS_RO && mode != FS_RW)
		return -EINVAL;
	if ((len = path_normalize(NULL, path, norm, sizeof(norm))) < 0)
		return len;
	for (unsigned i = 0; i < p->npaths; i++) {
		struct path_rule *r = &p->paths[i];
		if (r->len == (unsigned)len && !memcmp(p->pool + r->off, norm, len)) {
			r->mode = mode;
			return 0;
		}
	}
	if (p->npaths == POLICY_MAX_PATHS || p->pool_used + len > POLICY_POOL_SIZE)
		return -ENOSPC;
	memcpy(p->pool + p->pool_used, norm, len);
	p->paths[p->npaths++] = (struct path_rule){ p->pool_used, len, mode };
	p->pool_used += len;
	return 0;
}

int policy_set_tmp_dir(struct policy *p, const char *dir)
{
	int len = path_normalize(NULL, dir, p->tmp_dir, sizeof(p->tmp_dir));

	if (len < 0)
		p->tmp_dir[0] = '\0';
	return len < 0 ? len : 0;
}

int policy_set_shm_dir(struct policy *p, const char *dir)
{
	int len = path_normalize(NULL, dir, p->shm_dir, sizeof(p->shm_dir));

	if (len < 0)
		p->shm_dir[0] = '\0';
	return len < 0 ? len : 0;
}

static int find_path(const struct policy *p, const char *s, unsigned len)
{
	for (unsigned i = 0; i < p->npaths; i++)
		if (p->paths[i].len == len && !memcmp(p->pool + p->paths[i].off, s, len))
			return p->paths[i].mode;
	return -1;
}

static bool same_rule(const struct syscall_rule *a, const struct syscall_rule *b)
{
	return a->action == b->action && (a->action != RULE_DENY || a->err == b->err);
}

/* Same rules, whatever order the fs rules were given in. */
bool policy_equal(const struct policy *a, const struct policy *b)
{
	for (int nr = 0; nr < SYSCALL_NR_MAX; nr++)
		if (!same_rule(&a->sys[nr], &b->sys[nr]))
			return false;
	if (!same_rule(&a->fallback, &b->fallback) || a->net != b->net || a->tmp != b->tmp || a->log != b->log ||
	    a->npaths != b->npaths || strcmp(a->tmp_dir, b->tmp_dir) ||
	    strcmp(a->shm_dir, b->shm_dir))
		return false;
	for (unsigned i = 0; i < a->npaths; i++) {
		const struct path_rule *r = &a->paths[i];
		if (find_path(b, a->pool + r->off, r->len) != r->mode)
			return false;
	}
	return true;
}
