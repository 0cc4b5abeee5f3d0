/*
 * jail.c - the order in which the outer layer is set up (jail.h).
 *
 *   caller          descriptors sorted out, the host's listening sockets
 *                   noted, a cgroup made if we may; a user namespace, then
 *                   mount, pid, ipc, uts (and net) namespaces owned by it
 *   fork ->  jailed (pid 1 of the new pid namespace): dies with the caller
 *                   (PR_SET_PDEATHSIG); cgroup namespace; the new root;
 *                   loopback up; rlimits; Landlock (with no_new_privs);
 *                   capabilities dropped; the seccomp filter. Returns.
 *   caller          drops its capabilities, takes a filter that lets it
 *                   only wait, waits, removes the cgroup, exits with the
 *                   jailed process's status. When it goes, the jailed one
 *                   goes, and with pid 1 the whole pid namespace: nothing
 *                   of the box outlives dunebox.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <sched.h>
#include <unistd.h>

#include "jail_internal.h"

static const struct {
	enum jail_layer layer;
	const char *name;
} layer_names[] = {
	{JAIL_NAMESPACES, "namespaces"},
	{JAIL_LANDLOCK, "landlock"},
	{JAIL_SECCOMP, "seccomp"},
};

void jail_config_init(struct jail_config *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < JAIL_MAX_KEEP_FDS; i++)
		c->keep_fds[i] = -1;
	c->device_fd = -1;
}

int jail_parse_layers(const char *list)
{
	int bits = 0;
	while (*list) {
		size_t n = strcspn(list, ",");
		int found = 0;
		for (size_t i = 0; i < sizeof(layer_names) / sizeof(layer_names[0]); i++)
			if (strlen(layer_names[i].name) == n && !strncmp(list, layer_names[i].name, n)) {
				bits |= layer_names[i].layer;
				found = 1;
			}
		if (!found)
			return -1;
		list += n;
		if (*list == ',')
			list++;
	}
	return bits;
}

const char *jail_layer_flag(enum jail_layer layer)
{
	for (size_t i = 0; i < sizeof(layer_names) / sizeof(layer_names[0]); i++)
		if (layer_names[i].layer == layer)
			return layer_names[i].name;
	return "?";
}

int jail_fail(struct jail_state *s, int r, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(s->err, s->errlen, "%s: %s", what, strerror(r < 0 ? -r : r));
	return r < 0 ? r : -r;
}

/* Parts that cannot be turned off: only --inner-only goes without them. */
static int part_failed(struct jail_state *s, const char *part)
{
	char cause[600];
	snprintf(cause, sizeof(cause), "%s", s->err);
	snprintf(s->err, s->errlen, "%s: %s; dunebox cannot run without it but with "
		 "--inner-only", part, cause);
	return -1;
}

/* err becomes: "LAYER: CAUSE; to run without it: --without LAYER" */
static int layer_failed(struct jail_state *s, enum jail_layer layer)
{
	char cause[600];
	snprintf(cause, sizeof(cause), "%s", s->err);
	snprintf(s->err, s->errlen, "%s: %s; to run without it: --without %s (or --inner-only)",
		 jail_layer_flag(layer), cause, jail_layer_flag(layer));
	return -1;
}

static void report(struct jail_state *s)
{
	const struct jail_config *c = s->c;
	char *p = s->rep->line;
	size_t left = sizeof(s->rep->line);
	int n;

#define ADD(...) do { n = snprintf(p, left, __VA_ARGS__); \
		      if (n > 0 && (size_t)n < left) { p += n; left -= n; } } while (0)
	ADD("outer layer:");
	if (c->without & JAIL_NAMESPACES)
		ADD(" no namespaces (--without namespaces);");
	else
		ADD(" user (uid %u), mount, pid, ipc, uts, cgroup%s namespaces; root of %u binds, "
		    "/dev with %u nodes, %u host sockets covered%s, pivot_root%s;",
		    s->uid, c->net == JAIL_NET_ALL ? "" : ", net", s->mounts, s->dev_nodes,
		    s->hidden_sockets, c->private_tmp ? ", private /tmp" : "",
		    s->used_chroot_fallback ? " (over the initramfs)" : "");
	if (c->without & JAIL_LANDLOCK)
		ADD(" no landlock (--without landlock);");
	else
		ADD(" landlock ABI %d, %u rules%s;", s->landlock_abi, s->landlock_rules,
		    landlock_extras(s->landlock_abi, c->net));
	ADD(" no_new_privs, no capabilities;");
	if (c->without & JAIL_SECCOMP)
		ADD(" no seccomp (--without seccomp);");
	else
		ADD(" seccomp: %u calls allowed (+ioctl, clone, socket, prctl by argument), "
		    "%u kill;", s->seccomp_allowed, s->seccomp_killed);
	if (s->cgroup_active)
		ADD(" cgroup v2 %s: memory.max %llu MiB, pids.max %llu (and rlimits)", s->cgroup_name,
		    (unsigned long long)(s->memory_limit >> 20), (unsigned long long)s->pids_limit);
	else if (s->pids_v1_active)
		ADD(" rlimits: data %llu MiB; cgroup v1 pids.max %llu (no cgroup v2 delegated here)",
		    (unsigned long long)(s->memory_limit >> 20), (unsigned long long)s->pids_limit);
	else
		ADD(" rlimits: data %llu MiB, nproc %llu (no cgroup v2 delegated here%s)",
		    (unsigned long long)(s->memory_limit >> 20), (unsigned long long)s->pids_limit,
		    s->uid == 0 ? "; the kernel exempts uid 0 from nproc" : "");
	if (s->closed_fds)
		ADD("; %u inherited descriptors closed", s->closed_fds);
#undef ADD
}

static volatile pid_t jailed_pid;

static void kill_jailed(int sig)
{
	(void)sig;
	if (jailed_pid > 0)
		kill(jailed_pid, SIGKILL);
}

/* The caller's process from here on: wait, clean up, pass the status on. */
static void __attribute__((noreturn)) wait_outside(struct jail_state *s, pid_t pid, int go_fd)
{
	struct sigaction sa = {.sa_handler = kill_jailed};
	char verdict;
	int status;

	jailed_pid = pid;
	signal(SIGINT, SIG_IGN); /* the terminal sends them to the box too */
	signal(SIGQUIT, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* all before the jailed process goes on (it changes the root under us) */
	verdict = limits_cgroup_enter(s, pid) > 0 ? '1' : limits_pids_v1_enter(s, pid) > 0 ? 'p' : '0';
	/* the cgroup's directory sits in one only root may write (mode 0555) */
	if (privs_drop_but(s, verdict == '0' ? -1 : CAP_DAC_OVERRIDE) < 0 ||
	    seccomp_apply_waiter(s) < 0 || write(go_fd, &verdict, 1) != 1) {
		kill(pid, SIGKILL);
		fprintf(stderr, "dunebox: outer layer: the waiting process: %s\n", s->err);
		_exit(125);
	}
	close(go_fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(125);
	limits_cgroup_remove(s);
	limits_pids_v1_remove(s);
	_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}

static int enter_namespaces(struct jail_state *s)
{
	int go[2];
	char verdict = 0;
	pid_t pid;

	root_read_sockets(s);
	limits_cgroup_prepare(s);
	limits_pids_v1_prepare(s);
	if (ns_user(s) < 0 || ns_unshare_rest(s) < 0)
		return layer_failed(s, JAIL_NAMESPACES);
	if (pipe2(go, O_CLOEXEC) < 0) {
		jail_fail(s, -errno, "pipe");
		return layer_failed(s, JAIL_NAMESPACES);
	}
	pid = fork();
	if (pid < 0) {
		jail_fail(s, -errno, "fork into the new pid namespace");
		return layer_failed(s, JAIL_NAMESPACES);
	}
	if (pid > 0) {
		close(go[0]);
		wait_outside(s, pid, go[1]);
	}
	close(go[1]);
	/* the caller may already be gone: then the read sees the pipe closed */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (read(go[0], &verdict, 1) != 1)
		_exit(125);
	close(go[0]);
	/* the cgroup's directory is the caller's to remove; a descriptor of
	 * the host's cgroup tree has no place in the box */
	s->cgroup_active = verdict == '1';
	s->pids_v1_active = verdict == 'p';
	if (s->cgroup_dir_fd >= 0)
		close(s->cgroup_dir_fd);
	if (s->pids_v1_fd >= 0)
		close(s->pids_v1_fd);
	s->cgroup_dir_fd = s->pids_v1_fd = -1;
	if (unshare(CLONE_NEWCGROUP) < 0) {
		jail_fail(s, -errno, "unshare(CLONE_NEWCGROUP)");
		return layer_failed(s, JAIL_NAMESPACES);
	}
	if (root_build(s) < 0 || ns_loopback_up(s) < 0)
		return layer_failed(s, JAIL_NAMESPACES);
	return 0;
}

int jail_enter(const struct jail_config *c, struct jail_report *rep, char *err, size_t errlen)
{
	struct jail_state s = {.c = c, .rep = rep, .err = err, .errlen = errlen,
			       .cgroup_dir_fd = -1, .pids_v1_fd = -1};
	struct sysinfo si;

	s.memory_limit = c->memory_limit;
	if (!s.memory_limit && sysinfo(&si) == 0)
		s.memory_limit = (uint64_t)si.totalram * si.mem_unit / 2;
	s.pids_limit = c->pids_limit ? c->pids_limit : JAIL_DEFAULT_PIDS;
	if (!getcwd(s.cwd, sizeof(s.cwd)))
		strcpy(s.cwd, "/");
	if (fds_prepare(&s) < 0)
		return -1; /* bad input, not a missing layer */
	if (!(c->without & JAIL_NAMESPACES) && enter_namespaces(&s) < 0)
		return -1;
	if (limits_rlimits(&s) < 0)
		return part_failed(&s, "limits");
	if (!(c->without & JAIL_LANDLOCK) && landlock_apply(&s) < 0)
		return layer_failed(&s, JAIL_LANDLOCK);
	if (privs_drop(&s) < 0)
		return part_failed(&s, "privileges");
	if (!(c->without & JAIL_SECCOMP) && seccomp_apply(&s) < 0)
		return layer_failed(&s, JAIL_SECCOMP);
	report(&s);
	return 0;
}
