/* futex: which of uaddr, timeout and uaddr2 an operation uses, and how;
 * futex_waitv: an array of waiters, each with its own futex. */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sysargs_calls.h"

#define UNUSED (-1)

struct futex_op {
	signed char uaddr;	/* enum sysargs_access, or UNUSED */
	signed char timeout;	/* 1: a[3] is a struct timespec, NULL allowed */
	signed char uaddr2;
};

/* PI futexes and WAKE_OP's target are written by the kernel; plain waits
 * and wakes read the word, or only look up its address. The other ops use
 * a[3] as an integer (val2). */
static const struct futex_op ops[] = {
	[FUTEX_WAIT] = { SYSARGS_READ, 1, UNUSED },
	[FUTEX_WAKE] = { SYSARGS_READ, 0, UNUSED },
	[FUTEX_REQUEUE] = { SYSARGS_READ, 0, SYSARGS_READ },
	[FUTEX_CMP_REQUEUE] = { SYSARGS_READ, 0, SYSARGS_READ },
	[FUTEX_WAKE_OP] = { SYSARGS_READ, 0, SYSARGS_WRITE },
	[FUTEX_LOCK_PI] = { SYSARGS_WRITE, 1, UNUSED },
	[FUTEX_UNLOCK_PI] = { SYSARGS_WRITE, 0, UNUSED },
	[FUTEX_TRYLOCK_PI] = { SYSARGS_WRITE, 0, UNUSED },
	[FUTEX_WAIT_BITSET] = { SYSARGS_READ, 1, UNUSED },
	[FUTEX_WAKE_BITSET] = { SYSARGS_READ, 0, UNUSED },
	[FUTEX_WAIT_REQUEUE_PI] = { SYSARGS_READ, 1, SYSARGS_WRITE },
	[FUTEX_CMP_REQUEUE_PI] = { SYSARGS_READ, 0, SYSARGS_WRITE },
	[FUTEX_LOCK_PI2] = { SYSARGS_WRITE, 1, UNUSED },
};

/* futex(uaddr, futex_op, val, timeout or val2, uaddr2, val3) */
int sa_check_futex(struct sa_call *c, const long a[6])
{
	unsigned int cmd = (unsigned int)a[1] & FUTEX_CMD_MASK;
	const struct futex_op *op;
	int r;

	/* FUTEX_FD (2) is gone from Linux: its slot stays zero, uaddr 0 */
	if (cmd >= sizeof(ops) / sizeof(ops[0]) || cmd == FUTEX_FD)
		return sa_fail(c, -ENOSYS, "operation %u unknown", cmd);
	op = &ops[cmd];
	r = sa_range(c, 0, "uaddr", (uintptr_t)a[0], sizeof(uint32_t), op->uaddr);
	if (!r && op->timeout && a[3])
		r = sa_range(c, 3, "timeout", (uintptr_t)a[3], sizeof(struct timespec),
			     SYSARGS_READ);
	if (!r && op->uaddr2 != UNUSED)
		r = sa_range(c, 4, "uaddr2", (uintptr_t)a[4], sizeof(uint32_t), op->uaddr2);
	return r;
}

/* futex_waitv(waiters, nr_futexes, flags, timeout, clockid): the table
 * checks timeout. */
int sa_check_futex_waitv(struct sa_call *c, const long a[6])
{
	uintptr_t waiters = (uintptr_t)a[0];
	size_t n = (unsigned int)a[1];
	char label[48];
	int r;

	if (n > FUTEX_WAITV_MAX)
		return sa_fail(c, -EINVAL, "arg 1 (nr_futexes %zu) more than %d", n, FUTEX_WAITV_MAX);
	r = sa_array(c, 0, "waiters", waiters, n, sizeof(struct futex_waitv), SYSARGS_READ);
	for (size_t i = 0; !r && i < n; i++) {
		struct futex_waitv w;

		memcpy(&w, (const struct futex_waitv *)waiters + i, sizeof(w));
		snprintf(label, sizeof(label), "waiters[%zu].uaddr", i);
		/* the low two flag bits give the size: 1, 2, 4 or 8 bytes */
		r = sa_range(c, 0, label, (uintptr_t)w.uaddr, (size_t)1 << (w.flags & 3),
			     SYSARGS_READ);
	}
	return r;
}
