/*
 * monitor_fds.c - which descriptors are the monitor's (monitor_fds.h): a
 * bit per descriptor number, shared by the threads of this process (and
 * copied into a forked child with the descriptors themselves), and the
 * lock that orders creating them against the program copying its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "dune.h"
#include "monitor_fds.h"

#define MAX_TRACKED_FD (1 << 20) /* the kernel's own ceiling (fs.nr_open) */

static uint64_t mine[MAX_TRACKED_FD / 64];
/* readers (captures) count up from 0; a creation holds WRITER. Spins:
 * both sides hold it for a few system calls at most. */
#define WRITER (1 << 30)
static int create_lock;

int mfd_is_monitors(long arg)
{
	int fd = (int)arg;
	if (fd < 0)
		return 0;
	if (dune_owns_fd(fd))
		return 1;
	return fd < MAX_TRACKED_FD &&
	       ((__atomic_load_n(&mine[fd / 64], __ATOMIC_SEQ_CST) >> (fd % 64)) & 1);
}

int mfd_own(int fd)
{
	if (fd >= 0 && fd < MAX_TRACKED_FD)
		__atomic_or_fetch(&mine[fd / 64], 1ULL << (fd % 64), __ATOMIC_SEQ_CST);
	return fd;
}

int mfd_disown(int fd)
{
	if (fd >= 0 && fd < MAX_TRACKED_FD)
		__atomic_and_fetch(&mine[fd / 64], ~(1ULL << (fd % 64)), __ATOMIC_SEQ_CST);
	return fd;
}

int mfd_close(int fd)
{
	if (fd < 0)
		return 0;
	int r = close(fd);
	mfd_disown(fd);
	return r;
}

/* libdune's dune_fd_hide puts it where its own are (the top of the
 * descriptor space, out of /proc/self/fd listings) and closes the old one */
int mfd_move_high(int fd)
{
	int high;
	if (fd < 0)
		return fd;
	high = dune_fd_hide(fd);
	if (high != fd)
		mfd_disown(fd);
	return mfd_own(high);
}

void mfd_create_begin(void)
{
	while (!__sync_bool_compare_and_swap(&create_lock, 0, WRITER))
		sched_yield();
}

void mfd_create_end(void)
{
	__atomic_store_n(&create_lock, 0, __ATOMIC_RELEASE);
}

void mfd_capture_begin(void)
{
	for (;;) {
		int n = __atomic_load_n(&create_lock, __ATOMIC_ACQUIRE);
		if (!(n & WRITER) && __sync_bool_compare_and_swap(&create_lock, n, n + 1))
			return;
		sched_yield();
	}
}

void mfd_capture_end(void)
{
	__atomic_sub_fetch(&create_lock, 1, __ATOMIC_RELEASE);
}

/* A forked child is alone: captures other threads had under way are not */
void mfd_after_fork_child(void)
{
	__atomic_store_n(&create_lock, 0, __ATOMIC_RELEASE);
}
