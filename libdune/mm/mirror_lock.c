/* both halves - the mirror lock (mirror_lock.h). */
#include <sys/syscall.h>

#include "common/raw_syscall.h"
#include "guest/x86/hypercall.h"
#include "mm/mirror_lock.h"

static volatile int lock_owner; /* a tid, 0 when free */
static int lock_depth;
static __thread int my_tid;     /* gettid, asked once per thread */

static int my_id(void)
{
	if (!my_tid)
		my_tid = (int)raw_syscall0(SYS_gettid);
	return my_tid;
}

void mirror_lock_after_fork(void)
{
	int parent_tid = my_tid;

	my_tid = 0; /* this thread has a new tid in the child */
	if (parent_tid && lock_owner == parent_tid) {
		lock_owner = my_id(); /* still ours, as deep as before */
	} else {
		/* its holder is a thread the child does not have */
		lock_depth = 0;
		__atomic_store_n(&lock_owner, 0, __ATOMIC_RELEASE);
	}
}

void mirror_lock(void)
{
	int me = my_id();
	if (lock_owner == me) {
		lock_depth++;
		return;
	}
	for (int spins = 0; !__sync_bool_compare_and_swap(&lock_owner, 0, me); spins++) {
		__builtin_ia32_pause();
		/* the holder may be waiting for a CPU: give it ours */
		if (spins > 200)
			dune_sys(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
	}
	lock_depth = 1;
}

int mirror_locked_by_me(void)
{
	return lock_owner == my_id();
}

void mirror_unlock(void)
{
	if (--lock_depth == 0)
		__atomic_store_n(&lock_owner, 0, __ATOMIC_RELEASE);
}
