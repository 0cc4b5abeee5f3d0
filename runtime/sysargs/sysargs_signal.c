/* Signals: the kernel's struct sigaction, the alternate stack the kernel
 * writes frames to, and mq_notify's thread cookie. */
#include <errno.h>
#include <signal.h>

#include "sysargs_calls.h"

/* handler, flags, restorer, then a mask of sigsetsize bytes */
#define KERNEL_SIGACTION_HEAD (3 * sizeof(unsigned long))
/* SIGEV_THREAD: the kernel reads this many bytes at sival_ptr */
#define NOTIFY_COOKIE_LEN 32

/* rt_sigaction(sig, act, oact, sigsetsize) */
int sa_check_sigaction(struct sa_call *c, const long a[6])
{
	size_t len;
	int r = 0;

	if (__builtin_add_overflow(KERNEL_SIGACTION_HEAD, (size_t)a[3], &len))
		return sa_fail(c, -EINVAL, "arg 3 (sigsetsize %zu) too large", (size_t)a[3]);
	if (a[1])
		r = sa_range(c, 1, "act", a[1], len, SYSARGS_READ);
	if (!r && a[2])
		r = sa_range(c, 2, "oact", a[2], len, SYSARGS_WRITE);
	return r;
}

/* sigaltstack(ss, old_ss): the new stack is where frames will be written */
int sa_check_sigaltstack(struct sa_call *c, const long a[6])
{
	stack_t ss;
	int r;

	if (a[0]) {
		r = sa_copy(c, 0, "ss", a[0], &ss, sizeof(ss), SYSARGS_READ);
		if (r)
			return r;
		if (!(ss.ss_flags & SS_DISABLE)) {
			r = sa_range(c, 0, "ss->ss_sp", (uintptr_t)ss.ss_sp, ss.ss_size,
				     SYSARGS_WRITE);
			if (r)
				return r;
		}
	}
	if (a[1])
		return sa_range(c, 1, "old_ss", a[1], sizeof(stack_t), SYSARGS_WRITE);
	return 0;
}

/* mq_notify(mqdes, sevp) */
int sa_check_mq_notify(struct sa_call *c, const long a[6])
{
	struct sigevent ev;
	int r;

	if (!a[1])
		return 0;
	r = sa_copy(c, 1, "sevp", a[1], &ev, sizeof(ev), SYSARGS_READ);
	if (r || ev.sigev_notify != SIGEV_THREAD)
		return r;
	return sa_range(c, 1, "sevp->sigev_value.sival_ptr", (uintptr_t)ev.sigev_value.sival_ptr,
			NOTIFY_COOKIE_LEN, SYSARGS_READ);
}
