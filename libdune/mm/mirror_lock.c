/* both halves - the mirror lock (mirror_lock.h). */
#include <sys/syscall.h>

#include "common/raw_syscall.h"
#include "guest/x86/hypercall.h"
#include "mm/mirror_lock.h"

static volatile int lock_owner;
static int lock_depth;

static int my_id(void)
{
	static __thread int tid;
	if (!tid)
		tid = (int)raw_syscall0(SYS_gettid);
	return tid;
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
