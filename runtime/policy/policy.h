/* policy.h - what dunebox lets a sandboxed program do.
 *
 * The monitor owns one struct policy, built by policy_default() or
 * policy_load_file() and then adjusted by the command-line flags. For each
 * system call it asks policy_check_syscall(), then, for every path the call
 * names (see syscalls.h), policy_check_path(), and acts on the decision.
 * Nothing here allocates; the check functions only read the policy, so any
 * number of threads may call them at once. Text format: POLICY.md.
 */
#ifndef DUNEBOX_POLICY_H
#define DUNEBOX_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#define SYSCALL_NR_MAX 512	/* x86-64 numbers are below this */
#define POLICY_PATH_MAX 4096	/* like PATH_MAX, counting the NUL */
#define POLICY_MAX_PATHS 128	/* fs rules, file and flags together */
#define POLICY_POOL_SIZE 32768	/* bytes for the text of the fs rules */

enum rule_action { RULE_UNSET, RULE_ALLOW, RULE_DENY };
enum fs_mode { FS_NONE, FS_RO, FS_RW };
enum net_mode { NET_NONE, NET_UNIX, NET_ALL };
enum tmp_mode { TMP_SHARED, TMP_PRIVATE };
enum log_mode { LOG_NONE, LOG_DENIED, LOG_ALL };

/* Access a path-taking call needs; a call may need several (bits). */
enum access {
	ACC_READ = 1,	/* open for reading, stat, list, readlink, chdir */
	ACC_WRITE = 2,	/* change contents or metadata of what exists */
	ACC_CREATE = 4,	/* make a new name: O_CREAT, mkdir, link target */
	ACC_EXEC = 8,	/* execve */
	ACC_DELETE = 16, /* remove a name: unlink, rmdir, rename source */
	ACC_LOOKUP = 32, /* only look at it: stat, access, readlink, chdir, O_PATH */
};

struct syscall_rule {
	unsigned char action;	/* enum rule_action */
	unsigned short err;	/* errno when denied */
};

struct path_rule {
	unsigned off, len;	/* text in policy.pool, normalized, no NUL */
	unsigned char mode;	/* enum fs_mode */
};

/* Fields are for this library; callers use the functions below. */
struct policy {
	struct syscall_rule sys[SYSCALL_NR_MAX];
	struct syscall_rule fallback;	/* the `default` line */
	unsigned char net, tmp, log;	/* enum net_mode, tmp_mode, log_mode */
	unsigned npaths;
	struct path_rule paths[POLICY_MAX_PATHS];
	unsigned pool_used;
	char pool[POLICY_POOL_SIZE];
	char tmp_dir[POLICY_PATH_MAX];	/* where a private /tmp really is */
	char shm_dir[POLICY_PATH_MAX];	/* ... and the private /dev/shm that goes with it */
};

enum decision_kind {
	DECISION_ALLOW,		/* run the call as it is */
	DECISION_DENY,		/* fail it with -err, do not run it */
	DECISION_REWRITE,	/* run it on the path decision_rewrite() gives */
	DECISION_EMULATE,	/* never returned here: the monitor's own, for audit */
};

struct decision {
	enum decision_kind kind;
	int err;		/* DENY: positive errno */
	bool log;		/* the `log` rule wants this one audited */
	unsigned strip;		/* REWRITE: replace this many leading bytes ... */
	const char *prefix;	/* ... with this directory (lives in the policy) */
};

/* Building a policy. Each returns 0 or -errno. */
void policy_empty(struct policy *p);	/* denies everything */
void policy_default(struct policy *p);	/* the safe default, = default.policy */
int policy_parse(struct policy *p, const char *text, const char *name,
		 char *err, size_t errlen);
int policy_load_file(struct policy *p, const char *file, char *err, size_t errlen);
void policy_allow_net(struct policy *p);	/* --allow-net */
void policy_deny_syscall(struct policy *p, long nr, int err);
/* path must be absolute: make a flag's path so with path_normalize(cwd, ...) */
int policy_add_path(struct policy *p, const char *path, enum fs_mode mode);
int policy_set_tmp_dir(struct policy *p, const char *dir);	/* the private /tmp */
int policy_set_shm_dir(struct policy *p, const char *dir);	/* the private /dev/shm */
bool policy_equal(const struct policy *a, const struct policy *b);

/* Deciding. */
struct decision policy_check_syscall(const struct policy *p, long nr, const long args[6]);
struct decision policy_check_path(const struct policy *p, const char *abs_path, int access);
/* May the program look at abs_path at all (ACC_LOOKUP)? Paths under an `fs
 * ro`/`rw` rule or a private directory, and the directories above any such
 * rule (so a tool can walk up to its --rw directory), but not what `fs
 * none` or no rule covers. */
bool policy_path_visible(const struct policy *p, const char *abs_path);
struct decision policy_check_namespaces(const struct policy *p, unsigned long clone_flags);
struct decision policy_check_socket_family(const struct policy *p, long family);
int decision_rewrite(const struct decision *d, const char *abs_path, char *out, size_t outlen);

/* For the outer layer (policy_export.c). policy_path_at copies rule i's
 * path into out (0, or -1 past the end or when out is too small). */
bool policy_syscall_allowed(const struct policy *p, long nr);
unsigned policy_path_count(const struct policy *p);
int policy_path_at(const struct policy *p, unsigned i, char *out, size_t outlen,
		   enum fs_mode *mode);

/* Paths: both return the length written, or -ENAMETOOLONG / -EINVAL /
 * -ENOENT (empty path). */
int path_normalize(const char *cwd, const char *path, char *out, size_t outlen);
bool path_is_under(const char *path, const char *dir, size_t dirlen);

/* Names. Both return NULL / -1 when unknown. */
const char *errno_name(int err);
int errno_from_name(const char *name, size_t len);

#endif
