/* Decisions for the monitor: one per system call, one per path it names. */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "policy.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define CLONE_NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
			CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define CLONE_EXIT_SIGNAL 0xff	/* clone()'s low byte; CLONE_NEWTIME's bit there */

static const char tmp_dir_name[] = "/tmp";

static struct decision decide(const struct policy *p, enum decision_kind kind, int err)
{
	struct decision d = { .kind = kind, .err = err };

	d.log = p->log == LOG_ALL || (p->log == LOG_DENIED && kind == DECISION_DENY);
	return d;
}

struct decision policy_check_namespaces(const struct policy *p, unsigned long flags)
{
	if (flags & (CLONE_NS_FLAGS | CLONE_NEWTIME))
		return decide(p, DECISION_DENY, EPERM);
	return decide(p, DECISION_ALLOW, 0);
}

struct decision policy_check_socket_family(const struct policy *p, long family)
{
	if (p->net == NET_ALL || (p->net == NET_UNIX && family == AF_UNIX))
		return decide(p, DECISION_ALLOW, 0);
	return decide(p, DECISION_DENY, EPERM);
}

struct decision policy_check_syscall(const struct policy *p, long nr, const long args[6])
{
	static const long no_args[6];

	if (nr < 0 || nr >= SYSCALL_NR_MAX)	/* includes x32 numbers */
		return decide(p, DECISION_DENY, ENOSYS);
	if (!args)
		args = no_args;

	const struct syscall_rule *rule = &p->sys[nr];
	if (rule->action == RULE_UNSET)
		rule = &p->fallback;
	if (rule->action != RULE_ALLOW)
		return decide(p, DECISION_DENY, rule->err ? rule->err : EPERM);

	switch (nr) {
	case SYS_socket:
	case SYS_socketpair:
		return policy_check_socket_family(p, args[0]);
	case SYS_clone:
		return policy_check_namespaces(p, args[0] & ~(unsigned long)CLONE_EXIT_SIGNAL);
	case SYS_unshare:
		return policy_check_namespaces(p, args[0]);
	}
	return decide(p, DECISION_ALLOW, 0);
}

/* Longest matching fs rule; -1 when none. */
static int longest_rule(const struct policy *p, const char *path, unsigned *len)
{
	int best = -1;

	*len = 0;
	for (unsigned i = 0; i < p->npaths; i++) {
		const struct path_rule *r = &p->paths[i];
		if ((best < 0 || r->len > *len) && path_is_under(path, p->pool + r->off, r->len)) {
			best = i;
			*len = r->len;
		}
	}
	return best;
}

/* The private directory path lies in (its view name and where it really
 * is), if a private one covers it and no longer rule beats it. */
static const char *private_dir(const struct policy *p, const char *path, unsigned rule_len,
			       const char **view)
{
	static const char shm_dir_name[] = "/dev/shm";

	if (p->tmp != TMP_PRIVATE)
		return NULL;
	if (rule_len <= strlen(tmp_dir_name) && path_is_under(path, tmp_dir_name, strlen(tmp_dir_name))) {
		*view = tmp_dir_name;
		return p->tmp_dir;
	}
	if (rule_len <= strlen(shm_dir_name) && path_is_under(path, shm_dir_name, strlen(shm_dir_name))) {
		*view = shm_dir_name;
		return p->shm_dir;
	}
	return NULL;
}

/* Is some rule that lets the program see something below path? */
static bool above_visible_rule(const struct policy *p, const char *path, size_t len)
{
	for (unsigned i = 0; i < p->npaths; i++) {
		const struct path_rule *r = &p->paths[i];
		if (r->mode != FS_NONE && r->len > len &&
		    path_is_under(p->pool + r->off, path, len))
			return true;
	}
	return false;
}

bool policy_path_visible(const struct policy *p, const char *abs_path)
{
	char path[POLICY_PATH_MAX];
	const char *view;
	unsigned len;
	int n;

	if (!abs_path || abs_path[0] != '/' ||
	    (n = path_normalize(NULL, abs_path, path, sizeof(path))) < 0)
		return false;
	int rule = longest_rule(p, path, &len);
	if (private_dir(p, path, len, &view))
		return true;
	if (rule >= 0 && p->paths[rule].mode != FS_NONE)
		return true;
	return above_visible_rule(p, path, (size_t)n);
}

struct decision policy_check_path(const struct policy *p, const char *abs_path, int access)
{
	char path[POLICY_PATH_MAX];
	const char *view, *real;
	unsigned len;
	int n;

	if (!abs_path || abs_path[0] != '/')
		return decide(p, DECISION_DENY, EACCES);
	if ((n = path_normalize(NULL, abs_path, path, sizeof(path))) < 0)
		return decide(p, DECISION_DENY, -n);

	int rule = longest_rule(p, path, &len);
	/* a private /tmp (and /dev/shm) counts as a rule for it: longer rules beat it */
	if ((real = private_dir(p, path, len, &view))) {
		if (!real[0])	/* the monitor never said where: fail closed */
			return decide(p, DECISION_DENY, EACCES);
		struct decision d = decide(p, DECISION_REWRITE, 0);
		d.strip = strlen(view);
		d.prefix = real;
		return d;
	}
	int mode = rule < 0 ? FS_NONE : p->paths[rule].mode;
	if (mode == FS_RW || (mode == FS_RO && !(access & (ACC_WRITE | ACC_CREATE | ACC_DELETE))))
		return decide(p, DECISION_ALLOW, 0);
	/* looking at a directory above a rule: allowed, so the way there works */
	if (!(access & ~ACC_LOOKUP) && above_visible_rule(p, path, (size_t)n))
		return decide(p, DECISION_ALLOW, 0);
	return decide(p, DECISION_DENY, EACCES);
}

int decision_rewrite(const struct decision *d, const char *abs_path, char *out, size_t outlen)
{
	char path[POLICY_PATH_MAX];
	int n = path_normalize(NULL, abs_path, path, sizeof(path));

	if (n < 0)
		return n;
	if (d->kind != DECISION_REWRITE || !d->prefix) {
		if ((size_t)n >= outlen)
			return -ENAMETOOLONG;
		memcpy(out, path, n + 1);
		return n;
	}
	if (d->strip > (unsigned)n)
		return -EINVAL;
	size_t head = strlen(d->prefix), tail = n - d->strip;
	if (head + tail >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, d->prefix, head);
	memcpy(out + head, path + d->strip, tail + 1);
	return (int)(head + tail);
}
