/*
 * process_targets.c - who a process-targeting call reaches, and how far
 * (process_targets.h). Signals are signal_targets.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "pathwalk.h"
#include "process_targets.h"
#include "signal_targets.h"
#include "uaccess.h"

#define SCHED_POLICY_MASK 0xff /* SCHED_RESET_ON_FORK and friends above */

/* pid 0 means the caller itself for these calls */
static int inside(long pid)
{
	return pid == 0 || pid == box_pid || box_pid_inside(pid);
}

/* A group, judged by its leader (as kill(-pgid) is). */
static int group_inside(long pgid)
{
	return pgid == 0 || pgid == getpgrp() || box_pid_inside(pgid);
}

/* The nice value of a target now (getpriority's raw answer is 20 - nice). */
static long nice_of(int which, long who)
{
	long raw = syscall(SYS_getpriority, which, who);
	return raw < 0 ? 0 : 20 - raw;
}

static long check_setpriority(const long a[6])
{
	int which = (int)a[0];
	long who = (int)a[1], prio = (int)a[2];
	if (which == PRIO_USER)
		return -EPERM; /* every process of the user, the host's too */
	if (which == PRIO_PROCESS ? !inside(who) : which == PRIO_PGRP ? !group_inside(who) : 1)
		return which == PRIO_PROCESS || which == PRIO_PGRP ? -EPERM : -EINVAL;
	if (prio < nice_of(which, who))
		return -EACCES; /* no higher priority than it has */
	return 0;
}

static long check_ioprio(const long a[6])
{
	int which = (int)a[0], who = (int)a[1], prio = (int)a[2];
	if (which == IOPRIO_WHO_USER)
		return -EPERM;
	if (which == IOPRIO_WHO_PGRP ? !group_inside(who) : !inside(who))
		return -EPERM;
	if (IOPRIO_PRIO_CLASS(prio) == IOPRIO_CLASS_RT)
		return -EPERM; /* real-time I/O starves the host */
	return 0;
}

/* Only the time-sharing policies: SCHED_FIFO 99 would own a CPU. */
static long check_policy(long policy, long priority)
{
	policy &= SCHED_POLICY_MASK;
	if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return -EPERM;
	return priority ? -EINVAL : 0;
}

static long check_sched_setattr(const long a[6])
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
	} attr;
	long r;
	if (!inside((int)a[0]))
		return -ESRCH;
	if (uaccess_from(&attr, (uintptr_t)a[1], sizeof(attr)) < 0)
		return -EFAULT;
	if ((r = check_policy(attr.policy, attr.priority)) < 0)
		return r;
	if (attr.nice < nice_of(PRIO_PROCESS, (int)a[0]))
		return -EPERM;
	return 0;
}

/* F_SETOWN and F_SETOWN_EX: whom SIGIO and SIGURG go to */
static long check_owner(const long a[6])
{
	int cmd = (int)a[1];
	long pid;
	if (cmd == F_SETOWN) {
		pid = (int)a[2];
		return (pid < 0 ? group_inside(-pid) : inside(pid)) ? 0 : -EPERM;
	}
	if (cmd == F_SETOWN_EX) {
		struct f_owner_ex o;
		if (uaccess_from(&o, (uintptr_t)a[2], sizeof(o)) < 0)
			return -EFAULT;
		if (o.type == F_OWNER_PGRP)
			return group_inside(o.pid) ? 0 : -EPERM;
		return inside(o.pid) ? 0 : -EPERM;
	}
	return 0;
}

/* The process a pidfd (or a /proc/<pid> directory descriptor) stands for. */
static long pidfd_target(int fd)
{
	char path[64], buf[512], view[PATH_MAX];
	long pid = -1;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f >= 0) {
		ssize_t n = read(f, buf, sizeof(buf) - 1);
		close(f);
		if (n > 0) {
			buf[n] = 0;
			char *p = strstr(buf, "\nPid:");
			if (p && sscanf(p + 5, "%ld", &pid) == 1)
				return pid;
		}
	}
	int len = 0;
	if (walk_fd_view(fd, view, sizeof(view)) == 0 && sscanf(view, "/proc/%ld%n", &pid, &len) == 1 &&
	    !view[len])
		return pid;
	return -1;
}

/* TIOCSPGRP: the terminal's foreground group, a group of the box or the
 * one dunebox started in (a shell gives it back when it is done) */
static long check_tiocspgrp(const long a[6])
{
	int pgid;
	if (uaccess_from(&pgid, (uintptr_t)a[2], sizeof(pgid)) < 0)
		return -EFAULT;
	if (pgid == getpgid(box.supervisor) || group_inside(pgid))
		return 0;
	return -EPERM;
}

long process_targets_check(long nr, const long a[6])
{
	switch (nr) {
	case SYS_prlimit64:
		return inside((int)a[0]) ? 0 : -EPERM;
	case SYS_setpriority:
		return check_setpriority(a);
	case SYS_ioprio_set:
		return check_ioprio(a);
	case SYS_sched_setscheduler: {
		struct sched_param p;
		if (!inside((int)a[0]))
			return -ESRCH;
		if (uaccess_from(&p, (uintptr_t)a[2], sizeof(p)) < 0)
			return -EFAULT;
		return check_policy(a[1], p.sched_priority);
	}
	case SYS_sched_setparam: {
		struct sched_param p;
		if (!inside((int)a[0]))
			return -ESRCH;
		if (uaccess_from(&p, (uintptr_t)a[1], sizeof(p)) < 0)
			return -EFAULT;
		return p.sched_priority ? -EINVAL : 0;
	}
	case SYS_sched_setattr:
		return check_sched_setattr(a);
	case SYS_sched_setaffinity:
		return inside((int)a[0]) ? 0 : -ESRCH;
	case SYS_fcntl:
		return check_owner(a);
	case SYS_pidfd_send_signal: {
		long pid = pidfd_target((int)a[0]);
		if (pid < 0)
			return -EBADF;
		return inside(pid) ? 0 : -EPERM;
	}
	case SYS_ioctl:
		return (unsigned)a[1] == TIOCSPGRP ? check_tiocspgrp(a) : 0;
	}
	return 0;
}
