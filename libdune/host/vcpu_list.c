/* host half (read by both) - every vCPU of the process (vcpu_list.h). */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

#include "common/log.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "host/vcpu_list.h"

/* all[] is append-only: an entry is written before nr_all counts it
 * (release), and read after nr_all (acquire), so readers need no lock */
static struct dune_percpu *all[MAX_VCPUS];
static int nr_all;
static int nr_reserved;    /* entries promised to vCPUs being made */
static volatile int registry_lock;

static void reg_lock(void)
{
	while (!__sync_bool_compare_and_swap(&registry_lock, 0, 1))
		__builtin_ia32_pause();
}

static void reg_unlock(void)
{
	__atomic_store_n(&registry_lock, 0, __ATOMIC_RELEASE);
}

void vcpu_list_after_fork(void)
{
	nr_reserved = 0; /* vCPUs other threads were making stay behind */
	reg_unlock();    /* and so does whoever held the lock */
}

static int thread_gone(int tid)
{
	long pid = raw_syscall0(SYS_getpid);
	return tid <= 0 || raw_syscall3(SYS_tgkill, pid, tid, 0) == -ESRCH;
}

int vcpu_list_reserve(void)
{
	int r = -ENOSPC;
	reg_lock();
	if (nr_all + nr_reserved < MAX_VCPUS) {
		nr_reserved++;
		r = 0;
	}
	reg_unlock();
	return r;
}

void vcpu_list_unreserve(void)
{
	reg_lock();
	nr_reserved--;
	reg_unlock();
}

void vcpu_list_add(struct dune_percpu *cpu)
{
	reg_lock();
	nr_reserved--;
	cpu->apic_id = (uint32_t)nr_all; /* dune_apic_id: stable for the vCPU's life */
	all[nr_all] = cpu;
	__atomic_store_n(&nr_all, nr_all + 1, __ATOMIC_RELEASE);
	reg_unlock();
}

struct dune_percpu *vcpu_list_take_parked(void)
{
	struct dune_percpu *cpu = NULL;

	reg_lock();
	for (int i = 0; i < nr_all; i++)
		if (all[i]->state == VCPU_FREE && all[i]->vcpu && thread_gone(all[i]->tid)) {
			cpu = all[i];
			break;
		}
	if (cpu) {
		cpu->state = VCPU_ACTIVE;
		cpu->tid = 0;
	}
	reg_unlock();
	return cpu;
}

unsigned vcpu_list_len(void)
{
	return (unsigned)__atomic_load_n(&nr_all, __ATOMIC_ACQUIRE);
}

struct dune_percpu *vcpu_list_get(unsigned i)
{
	return all[i];
}

unsigned vcpus_active(void)
{
	unsigned n = 0, len = vcpu_list_len();
	for (unsigned i = 0; i < len; i++)
		n += all[i]->state == VCPU_ACTIVE;
	return n;
}

void vcpus_check_unmap(uintptr_t start, uintptr_t end, const char *who)
{
	unsigned len = vcpu_list_len();
	if (!dune_debug)
		return;
	for (unsigned i = 0; i < len; i++) {
		uintptr_t p = (uintptr_t)all[i];
		if (p < end && p + DUNE_PERCPU_SIZE > start)
			dune_log("BUG: %s unmaps per-CPU page %p (range 0x%lx-0x%lx, guest %d)", who,
				 (void *)p, (unsigned long)start, (unsigned long)end, dune_guest_mode);
	}
}

void dune_get_call_stats(struct dune_call_stats *st)
{
	unsigned len = vcpu_list_len();
	st->exit_calls = st->fast_calls = 0;
	for (unsigned i = 0; i < len; i++) {
		st->exit_calls += all[i]->exit_calls;
		st->fast_calls += all[i]->fast_calls;
	}
}
