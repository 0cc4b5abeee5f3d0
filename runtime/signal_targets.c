/*
 * signal_targets.c - whom the program may signal: processes of the box only. The
 * supervisor (dunebox's first process) is a child subreaper, so every
 * process of the box, orphans included, descends from it; anything else
 * (the supervisor itself, the user's shell, init) is outside.
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

/* The parent of pid (or of tid's process), from /proc; -1 if unknown. */
static int parent_of(long pid)
{
	char path[64], buf[512];
	int fd, ppid;
	ssize_t n;
	char *close_paren;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	close_paren = strrchr(buf, ')'); /* the name may hold anything */
	if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

int box_pid_inside(long pid)
{
	if (pid <= 0 || pid > 0x7fffffff || pid == box.supervisor)
		return 0;
	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		int pp = parent_of(pid);
		if (pp == box.supervisor)
			return 1;
		if (pp <= 1)
			return 0;
		pid = pp;
	}
	return 0;
}

/* -EPERM if the signal call nr would reach outside the box, else 0. */
long targets_check(long nr, const long a[6])
{
	long pid = (int)a[0];
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
	return pid == box_pid || box_pid_inside(pid) ? 0 : -EPERM;
}
