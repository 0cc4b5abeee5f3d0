/* What the outer layer (runtime/jail) reads from a policy: the file rules
 * (for the bind mounts and Landlock) and which system calls the policy
 * lets through at all (for the seccomp filter; arguments aside). */
#include <string.h>

#include "policy.h"

bool policy_syscall_allowed(const struct policy *p, long nr)
{
	const struct syscall_rule *rule;

	if (nr < 0 || nr >= SYSCALL_NR_MAX)
		return false;
	rule = &p->sys[nr];
	if (rule->action == RULE_UNSET)
		rule = &p->fallback;
	return rule->action == RULE_ALLOW;
}

unsigned policy_path_count(const struct policy *p)
{
	return p->npaths;
}

int policy_path_at(const struct policy *p, unsigned i, char *out, size_t outlen,
		   enum fs_mode *mode)
{
	const struct path_rule *r;

	if (i >= p->npaths)
		return -1;
	r = &p->paths[i];
	if (r->len >= outlen)
		return -1;
	memcpy(out, p->pool + r->off, r->len);
	out[r->len] = 0;
	*mode = (enum fs_mode)r->mode;
	return 0;
}
