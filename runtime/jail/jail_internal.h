/* jail_internal.h - the parts of the outer layer, one file each. Every
 * function returns 0 or -errno and, on failure, leaves one line in err
 * saying what failed and why (jail.c adds the layer and the remedy). */
#ifndef DUNEBOX_JAIL_INTERNAL_H
#define DUNEBOX_JAIL_INTERNAL_H

#include <stdarg.h>

#include "jail.h"

#define JAIL_MAX_SOCKETS 512
#define JAIL_OLDROOT "/oldroot"   /* the host's tree while the root is built */
#define JAIL_NEWROOT "/newroot"

/* Built in the caller's process before anything changes, used later. */
struct jail_state {
	const struct jail_config *c;
	struct jail_report *rep;
	char *err;
	size_t errlen;
	char cwd[4096];
	/* pathname unix sockets listening on the host (/proc/net/unix) */
	char *sockets[JAIL_MAX_SOCKETS];
	unsigned nsockets;
	unsigned uid, gid;
	int cgroup_dir_fd;      /* the parent of the box's cgroup (v2), -1: none */
	int cgroup_active;      /* the box is in it: no rlimits for memory, pids */
	char cgroup_name[64];
	int pids_v1_fd;         /* cgroup v1 pids: our cgroup there, -1: none */
	char pids_v1_name[64];
	int pids_v1_active;
	/* what was done, for the report */
	unsigned mounts, dev_nodes, hidden_sockets, closed_fds;
	int landlock_abi;
	unsigned landlock_rules;
	unsigned seccomp_allowed, seccomp_killed;
	int used_chroot_fallback; /* "/" was the initramfs: MS_MOVE before pivot_root */
	uint64_t memory_limit, pids_limit;
};

int jail_fail(struct jail_state *s, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* paths.c: pure logic over the policy's rules (unit tested) */
enum jail_access jail_access_of(const struct jail_config *c, const char *path);
int jail_path_is_under(const char *path, const char *dir);
/* the rules in mount order: parents before children (indexes into c->paths) */
unsigned jail_mount_order(const struct jail_config *c, unsigned order[JAIL_MAX_PATHS]);
/* a rule that lies inside a less strict one: Landlock cannot subtract */
int jail_rule_narrows(const struct jail_config *c, unsigned outer, unsigned inner);
/* /proc/net/unix: the paths of bound pathname sockets, one call per line */
int jail_parse_unix_line(const char *line, char *path, size_t pathlen);

/* fds.c */
int fds_prepare(struct jail_state *s);
int jail_write_text(int dirfd, const char *name, const char *text); /* 0 or -errno */

/* ns.c */
int ns_user(struct jail_state *s);
int ns_unshare_rest(struct jail_state *s);
int ns_loopback_up(struct jail_state *s);

/* root.c: runs in the jailed process, in the new mount namespace */
int root_build(struct jail_state *s);
int root_read_sockets(struct jail_state *s);

/* landlock.c */
int landlock_apply(struct jail_state *s);
const char *landlock_extras(int abi, enum jail_net net);

/* privs.c */
int privs_drop(struct jail_state *s);
int privs_drop_but(struct jail_state *s, int keep);

/* seccomp.c */
int seccomp_apply(struct jail_state *s);
int seccomp_apply_waiter(struct jail_state *s);

/* limits.c */
int limits_cgroup_prepare(struct jail_state *s);
int limits_cgroup_enter(struct jail_state *s, int pid);
void limits_cgroup_remove(struct jail_state *s);
int limits_rlimits(struct jail_state *s);
int limits_pids_v1_prepare(struct jail_state *s);
int limits_pids_v1_enter(struct jail_state *s, int pid);
void limits_pids_v1_remove(struct jail_state *s);

#endif
