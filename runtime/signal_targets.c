/*
 * signal_targets.c - whom the program may signal: processes of the box only.
 * A process is in the box when it descends from the calling process, from
 * the box's first process, or from the supervisor (dunebox's first process,
 * a child subreaper, so every process of the box, orphans included,
 * descends from it while it lives); anything else (the supervisor itself,
 * the user's shell, init) is outside. Ancestors are matched by pid and
 * start time, so a recycled pid is not taken for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "signal_targets.h"

#define MAX_DEPTH 256
#define STAT_START_FIELD 22 /* starttime in /proc/PID/stat (proc(5)) */

/* The parent and start time of pid (or of tid's process), from /proc:
 * 0, or -ESRCH when there is no such process. */
static int stat_of(long pid, int *ppid, unsigned long long *start)
{
	char path[64], buf[1024];
	int fd;
	ssize_t n;
	char *close_paren;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = 0;
	close_paren = strrchr(buf, ')'); /* the name may hold anything */
	/* fields 3 (state) and 4 (ppid) follow the name; 22 is starttime */
	if (!close_paren || sscanf(close_paren + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
				   "%*u %*u %*d %*d %*d %*d %*d %*d %llu", ppid, start) != 2)
		return -ESRCH;
	return 0;
}

unsigned long long box_start_time(long pid)
{
	int ppid;
	unsigned long long start = 0;
	return stat_of(pid, &ppid, &start) == 0 ? start : 0;
}

static int is_ancestor_mark(long pid, unsigned long long start)
{
	return pid == box_pid || (pid == box.root && start == box.root_start) ||
	       (pid == box.supervisor && start == box.supervisor_start);
}

/* 1 if pid is in the box, 0 if not, -ESRCH if there is no such process. */
int box_pid_inside(long pid)
{
	unsigned long long start;
	int pp;

	if (pid <= 0 || pid > 0x7fffffff)
		return 0;
	if (stat_of(pid, &pp, &start) < 0)
		return -ESRCH;
	if (pid == box.supervisor)
		return 0;
	if (is_ancestor_mark(pid, start))
		return 1;
	for (int depth = 0; depth < MAX_DEPTH && pp > 1; depth++) {
		pid = pp;
		if (stat_of(pid, &pp, &start) < 0)
			return 0; /* the chain broke: an ancestor just ended */
		if (is_ancestor_mark(pid, start))
			return 1;
	}
	return 0;
}

/* 0 if the signal call nr reaches only processes of the box; -EPERM if it
 * would reach outside; -ESRCH if its target does not exist (the kernel's
 * own answer, and nothing is reached). */
long targets_check(long nr, const long a[6])
{
	long pid = (int)a[0];
	int in;
	switch (nr) {
	case SYS_kill:
		if (pid == 0)
			pid = getpgrp(); /* the group's leader speaks for it */
		else if (pid < -1)
			pid = -pid;
		break;
	case SYS_tkill:
	case SYS_tgkill:
	case SYS_rt_sigqueueinfo:
	case SYS_rt_tgsigqueueinfo:
	case SYS_pidfd_open:
		break;
	default:
		return 0;
	}
	if (pid == -1)
		return -EPERM; /* everything the user may signal */
	if (pid == box_pid)
		return 0;
	in = box_pid_inside(pid);
	return in < 0 ? in : in ? 0 : -EPERM;
}
