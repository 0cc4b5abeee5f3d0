/* select, pselect6 and epoll_ctl: fd_sets sized by nfds, the remaining
 * time written back, pselect6's sigmask behind a second pointer, and an
 * event epoll_ctl reads only for some operations. */
#include <errno.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/time.h>

#include "sysargs_calls.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))

static const char *const set_names[3] = { "readfds", "writefds", "exceptfds" };

/* Each set is read and written back, as whole longs for nfds bits. */
static int check_fd_sets(struct sa_call *c, const long a[6])
{
	int nfds = (int)a[0];
	size_t bytes;

	if (nfds < 0)
		return sa_fail(c, -EINVAL, "arg 0 (nfds %d) negative", nfds);
	bytes = ((size_t)nfds + BITS_PER_LONG - 1) / BITS_PER_LONG * sizeof(unsigned long);
	for (int i = 0; i < 3; i++) {
		int r = 0;

		if (a[1 + i])
			r = sa_range(c, 1 + i, set_names[i], (uintptr_t)a[1 + i], bytes,
				     SYSARGS_WRITE);
		if (r)
			return r;
	}
	return 0;
}

/* select(nfds, readfds, writefds, exceptfds, timeout) */
int sa_check_select(struct sa_call *c, const long a[6])
{
	int r = check_fd_sets(c, a);

	if (r || !a[4])
		return r;
	return sa_range(c, 4, "timeout", (uintptr_t)a[4], sizeof(struct timeval), SYSARGS_WRITE);
}

/* pselect6(nfds, readfds, writefds, exceptfds, timeout, sig): sig points
 * to { const sigset_t *ss; size_t ss_len; } */
int sa_check_pselect6(struct sa_call *c, const long a[6])
{
	struct {
		uintptr_t ss;
		size_t ss_len;
	} sig;
	int r = check_fd_sets(c, a);

	if (!r && a[4])
		r = sa_range(c, 4, "timeout", (uintptr_t)a[4], sizeof(struct timespec),
			     SYSARGS_WRITE);
	if (r || !a[5])
		return r;
	r = sa_copy(c, 5, "sig", (uintptr_t)a[5], &sig, sizeof(sig), SYSARGS_READ);
	if (r || !sig.ss)
		return r;
	return sa_range(c, 5, "sig->ss", sig.ss, sig.ss_len, SYSARGS_READ);
}

/* epoll_ctl(epfd, op, fd, event): EPOLL_CTL_DEL does not read event */
int sa_check_epoll_ctl(struct sa_call *c, const long a[6])
{
	if ((int)a[1] == EPOLL_CTL_DEL)
		return 0;
	return sa_range(c, 3, "event", (uintptr_t)a[3], sizeof(struct epoll_event), SYSARGS_READ);
}
