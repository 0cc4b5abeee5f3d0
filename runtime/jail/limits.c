/*
 * limits.c - how much of the machine the box may take. With cgroup v2
 * delegated to us (the process sits in the hierarchy's root, or its
 * parent cgroup has the memory and pids controllers on for its children
 * and lets us make one), the box gets a cgroup of its own with memory.max
 * and pids.max: a total over every process of the box. Always rlimits,
 * which hold per process: RLIMIT_DATA (the monitor reserves its address
 * space without writing it, so RLIMIT_AS would stop it; DATA counts what
 * can be written), RLIMIT_NPROC (counted per user namespace, so it is the
 * box's own count). The kernel never applies RLIMIT_NPROC to uid 0, so
 * for a root user without cgroup v2 the box's tasks are counted by the
 * cgroup v1 pids controller where it is mounted. Always: no core files,
 * no real-time priority, no raising of the nice value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jail_internal.h"

#define CGROUP2_SUPER_MAGIC_NAME "cgroup2"

static int read_text(int dirfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

/* the box's cgroup beside the parent's others: parent keeps its descriptor */
static int make_child(int parent, char *name, size_t len)
{
	snprintf(name, len, "dunebox-%d", (int)getpid());
	if (mkdirat(parent, name, 0755) < 0) {
		close(parent);
		return -1;
	}
	return parent;
}

/* settings (file, value) written in the child, then pid moved into it */
static int enter_child(int parent, const char *name, const char *const set[][2], int n, int pid)
{
	char text[32];
	int fd = openat(parent, name, O_PATH | O_DIRECTORY | O_CLOEXEC), r = fd < 0 ? -1 : 0;
	for (int i = 0; i < n && r == 0; i++)
		if ((r = jail_write_text(fd, set[i][0], set[i][1])) == -ENOENT &&
		    !strcmp(set[i][0], "memory.swap.max"))
			r = 0; /* not there without swap accounting */
	snprintf(text, sizeof(text), "%d", pid);
	if (r == 0)
		r = jail_write_text(fd, "cgroup.procs", text);
	if (fd >= 0)
		close(fd);
	return r;
}

static int has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = text; (p = strstr(p, word)); p += n)
		if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/* "rw,nosuid,pids" has the option "pids" */
static int has_option(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = opts; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, opt, n) && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

/* the cgroup v2 mount and this process's cgroup in it */
static int own_cgroup_dir(char *out, size_t len)
{
	char line[4096], mnt[1024] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char point[1024], type[64];
		const char *dash = strstr(line, " - ");
		if (dash && sscanf(dash, " - %63s", type) == 1 && !strcmp(type, "cgroup2") &&
		    sscanf(line, "%*s %*s %*s %*s %1023s", point) == 1) {
			snprintf(mnt, sizeof(mnt), "%s", point);
			break;
		}
	}
	if (f)
		fclose(f);
	if (!mnt[0])
		return -ENOENT;
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		fclose(f);
		return snprintf(out, len, "%s%s", mnt, strcmp(line + 3, "/") ? line + 3 : "") <
			       (int)len ? 0 : -ENAMETOOLONG;
	}
	if (f)
		fclose(f);
	return -ENOENT;
}

/* In the caller's process, before the namespaces: a cgroup for the box,
 * or none (then rlimits do). Never fails dunebox. */
int limits_cgroup_prepare(struct jail_state *s)
{
	char dir[4096], text[512];
	int fd, parent;

	s->cgroup_dir_fd = -1;
	if (own_cgroup_dir(dir, sizeof(dir)) < 0)
		return 0;
	/* our own cgroup has processes (us): the box's goes beside it, under
	 * the parent, unless we sit in the root, which may have both */
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (read_text(fd, "cgroup.subtree_control", text, sizeof(text)) == 0 &&
	    faccessat(fd, "cgroup.procs", W_OK, 0) == 0 && access(dir, W_OK) == 0 &&
	    read_text(fd, "cgroup.type", text + 256, 16) < 0) { /* only the root has no type */
		if ((!has_word(text, "memory") &&
		     jail_write_text(fd, "cgroup.subtree_control", "+memory") < 0) ||
		    (!has_word(text, "pids") && jail_write_text(fd, "cgroup.subtree_control", "+pids") < 0)) {
			close(fd);
			return 0;
		}
		parent = fd;
	} else {
		parent = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		if (parent < 0)
			return 0;
		if (read_text(parent, "cgroup.subtree_control", text, sizeof(text)) < 0 ||
		    !has_word(text, "memory") || !has_word(text, "pids")) {
			close(parent);
			return 0;
		}
	}
	s->cgroup_dir_fd = make_child(parent, s->cgroup_name, sizeof(s->cgroup_name));
	return 0;
}

/* Moves the jailed process (pid, as seen from here) into the box's cgroup
 * with the limits; the box's cgroup namespace is made after this. */
int limits_cgroup_enter(struct jail_state *s, int pid)
{
	char mem[32], pids[32];
	const char *const set[][2] = {{"memory.max", mem}, {"memory.swap.max", "0"}, {"pids.max", pids}};

	if (s->cgroup_dir_fd < 0)
		return 0;
	snprintf(mem, sizeof(mem), "%llu", (unsigned long long)s->memory_limit);
	snprintf(pids, sizeof(pids), "%llu", (unsigned long long)s->pids_limit);
	if (enter_child(s->cgroup_dir_fd, s->cgroup_name, set, 3, pid) < 0) {
		limits_cgroup_remove(s); /* not ours after all: rlimits */
		return 0;
	}
	return 1;
}

/* cgroup v1's pids hierarchy and our cgroup in it (no internal-process
 * rule there: the box's cgroup goes under our own) */
static int v1_pids_dir(char *out, size_t len)
{
	char line[4096], mnt[1024] = "", path[2048] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char point[1024], type[64], opts[512];
		const char *dash = strstr(line, " - ");
		if (dash && sscanf(dash, " - %63s %*s %511s", type, opts) == 2 &&
		    !strcmp(type, "cgroup") && has_option(opts, "pids") &&
		    sscanf(line, "%*s %*s %*s %*s %1023s", point) == 1) {
			snprintf(mnt, sizeof(mnt), "%s", point);
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');
		if (c && !strncmp(c, ":pids:", 6)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(path, sizeof(path), "%s", c + 6);
		}
	}
	if (f)
		fclose(f);
	if (!mnt[0] || !path[0])
		return -ENOENT;
	return snprintf(out, len, "%s%s", mnt, strcmp(path, "/") ? path : "") < (int)len
		       ? 0 : -ENAMETOOLONG;
}

int limits_pids_v1_prepare(struct jail_state *s)
{
	char dir[4096];
	int fd;
	s->pids_v1_fd = -1;
	if (s->cgroup_dir_fd >= 0 || v1_pids_dir(dir, sizeof(dir)) < 0)
		return 0;
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	s->pids_v1_fd = make_child(fd, s->pids_v1_name, sizeof(s->pids_v1_name));
	return 0;
}

int limits_pids_v1_enter(struct jail_state *s, int pid)
{
	char pids[32];
	const char *const set[][2] = {{"pids.max", pids}};

	if (s->pids_v1_fd < 0)
		return 0;
	snprintf(pids, sizeof(pids), "%llu", (unsigned long long)s->pids_limit);
	if (enter_child(s->pids_v1_fd, s->pids_v1_name, set, 1, pid) < 0) {
		limits_pids_v1_remove(s);
		return 0;
	}
	return 1;
}

/* The box's last tasks may still be leaving the cgroup when its pid 1 has
 * been reaped: a few tries, 50 ms apart. */
static void remove_dir(int parent, const char *name)
{
	const struct timespec pause = {0, 50 * 1000 * 1000};
	for (int i = 0; i < 40 && unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno == EBUSY; i++)
		nanosleep(&pause, NULL);
}

void limits_pids_v1_remove(struct jail_state *s)
{
	if (s->pids_v1_fd < 0)
		return;
	remove_dir(s->pids_v1_fd, s->pids_v1_name);
	close(s->pids_v1_fd);
	s->pids_v1_fd = -1;
}

void limits_cgroup_remove(struct jail_state *s)
{
	if (s->cgroup_dir_fd < 0)
		return;
	remove_dir(s->cgroup_dir_fd, s->cgroup_name);
	close(s->cgroup_dir_fd);
	s->cgroup_dir_fd = -1;
}

static int set_limit(struct jail_state *s, int resource, rlim_t value, const char *name)
{
	struct rlimit rl;
	if (getrlimit(resource, &rl) < 0)
		return jail_fail(s, -errno, "getrlimit(%s)", name);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < value)
		value = rl.rlim_max; /* already lower: kept */
	rl.rlim_cur = rl.rlim_max = value;
	if (setrlimit(resource, &rl) < 0)
		return jail_fail(s, -errno, "setrlimit(%s)", name);
	return 0;
}

/* In the user namespace already: RLIMIT_NPROC then counts the box only. */
int limits_rlimits(struct jail_state *s)
{
	int r;
	if ((r = set_limit(s, RLIMIT_CORE, 0, "RLIMIT_CORE")) < 0 ||
	    (r = set_limit(s, RLIMIT_RTPRIO, 0, "RLIMIT_RTPRIO")) < 0 ||
	    (r = set_limit(s, RLIMIT_NICE, 0, "RLIMIT_NICE")) < 0)
		return r;
	/* with a cgroup too: its limits hold for the total, these per process */
	if ((r = set_limit(s, RLIMIT_DATA, s->memory_limit, "RLIMIT_DATA")) < 0 ||
	    (r = set_limit(s, RLIMIT_NPROC, s->pids_limit, "RLIMIT_NPROC")) < 0)
		return r;
	return 0;
}
