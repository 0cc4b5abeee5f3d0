/* New processes and threads (clone, clone3), and two calls with a
 * structure whose size or presence depends on another argument. */
#include <errno.h>
#include <linux/kcmp.h>
#include <linux/sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "sysargs_calls.h"

#define SCHED_ATTR_SIZE_VER0 48	/* sched_setattr: a size of 0 means this */
#define MAX_PID_NS_LEVEL 32	/* clone3 set_tid entries the kernel accepts */

/* clone(flags, stack, parent_tid, child_tid, tls) on x86-64. The stack
 * and tls are loaded into registers, never read. */
int sa_check_clone(struct sa_call *c, const long a[6])
{
	unsigned long flags = (unsigned long)a[0];
	int r = 0;

	if (flags & CLONE_PIDFD)
		r = sa_range(c, 2, "pidfd", (uintptr_t)a[2], sizeof(int), SYSARGS_WRITE);
	if (!r && (flags & CLONE_PARENT_SETTID))
		r = sa_range(c, 2, "parent_tid", (uintptr_t)a[2], sizeof(pid_t), SYSARGS_WRITE);
	if (!r && (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)))
		r = sa_range(c, 3, "child_tid", (uintptr_t)a[3], sizeof(pid_t), SYSARGS_WRITE);
	return r;
}

/* clone3(cl_args, size): the kernel reads all size bytes (to see that the
 * ones it does not know are zero), then follows the pointers inside. */
int sa_check_clone3(struct sa_call *c, const long a[6])
{
	struct clone_args args;
	size_t size = (size_t)a[1];
	int r;

	if (size < CLONE_ARGS_SIZE_VER0)
		return sa_fail(c, -EINVAL, "arg 1 (size %zu) less than %d", size, CLONE_ARGS_SIZE_VER0);
	if (size > SA_PAGE)
		return sa_fail(c, -E2BIG, "arg 1 (size %zu) more than a page", size);
	r = sa_range(c, 0, "cl_args", (uintptr_t)a[0], size, SYSARGS_READ);
	if (r)
		return r;
	memset(&args, 0, sizeof(args));
	memcpy(&args, (const void *)a[0], size < sizeof(args) ? size : sizeof(args));
	if (args.flags & CLONE_PIDFD)
		r = sa_range(c, 0, "cl_args->pidfd", args.pidfd, sizeof(int), SYSARGS_WRITE);
	if (!r && (args.flags & CLONE_PARENT_SETTID))
		r = sa_range(c, 0, "cl_args->parent_tid", args.parent_tid, sizeof(pid_t),
			     SYSARGS_WRITE);
	if (!r && (args.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)))
		r = sa_range(c, 0, "cl_args->child_tid", args.child_tid, sizeof(pid_t),
			     SYSARGS_WRITE);
	if (r || !args.set_tid_size)
		return r;
	if (args.set_tid_size > MAX_PID_NS_LEVEL)
		return sa_fail(c, -EINVAL, "arg 0 (cl_args->set_tid_size %llu) more than %d",
			       (unsigned long long)args.set_tid_size, MAX_PID_NS_LEVEL);
	return sa_array(c, 0, "cl_args->set_tid", args.set_tid, args.set_tid_size,
			sizeof(pid_t), SYSARGS_READ);
}

/* kcmp(pid1, pid2, type, idx1, idx2): KCMP_EPOLL_TFD passes a structure */
int sa_check_kcmp(struct sa_call *c, const long a[6])
{
	if ((int)a[2] != KCMP_EPOLL_TFD)
		return 0;
	return sa_range(c, 4, "idx2", (uintptr_t)a[4], sizeof(struct kcmp_epoll_slot), SYSARGS_READ);
}

/* sched_setattr(pid, attr, flags): attr->size says how much to read; when
 * the kernel does not like it, it writes its own size there. */
int sa_check_sched_setattr(struct sa_call *c, const long a[6])
{
	uint32_t size;
	int r = sa_copy(c, 1, "attr->size", (uintptr_t)a[1], &size, sizeof(size), SYSARGS_WRITE);

	if (r)
		return r;
	if (!size)
		size = SCHED_ATTR_SIZE_VER0;
	if (size < SCHED_ATTR_SIZE_VER0 || size > SA_PAGE)
		return 0;	/* E2BIG, after writing attr->size */
	return sa_range(c, 1, "attr", (uintptr_t)a[1], size, SYSARGS_READ);
}
