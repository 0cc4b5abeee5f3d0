/* both halves (mostly the guest) - apic.c: Dune's APIC API on posted
 * interrupts that libdune delivers itself.
 *
 * Each vCPU has an APIC ID (its index in the vCPU list) and a bitmap of
 * posted vectors in its per-CPU page. Sending an IPI sets the bit and
 * kicks the target's thread out of its run; its host half then starts the
 * vector's handler in the guest at the first point where that thread may
 * be interrupted (host/vintr.c). One mechanism on every host side: no
 * interrupt is ever injected into libdune's own entry code.
 */
#include <errno.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "dune.h"
#include "guest/x86/apic.h"
#include "guest/x86/hypercall.h"
#include "host/kick.h"
#include "host/vcpu_list.h"

#define NO_APIC_ID 0xffffffffu

/* CPU -> APIC ID, as dune_apic_init_rt_entry recorded them (mapped at
 * first use; the table is shared by every thread). */
static uint32_t *routing;
static int nr_cpus;

static int routing_init(void)
{
	int n;
	uint32_t *t;

	if (__atomic_load_n(&routing, __ATOMIC_ACQUIRE))
		return 0;
	n = get_nprocs_conf();
	t = mmap(NULL, (size_t)n * sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		t[i] = NO_APIC_ID;
	nr_cpus = n;
	if (!__sync_bool_compare_and_swap(&routing, NULL, t))
		munmap(t, (size_t)n * sizeof(*t));
	return 0;
}

uint32_t dune_apic_id(void)
{
	return dune_self ? dune_self->apic_id : NO_APIC_ID;
}

void dune_apic_init_rt_entry(void)
{
	int cpu = sched_getcpu();
	if (routing_init() < 0 || cpu < 0 || cpu >= nr_cpus)
		return;
	__atomic_store_n(&routing[cpu], dune_apic_id(), __ATOMIC_SEQ_CST);
}

uint32_t dune_apic_id_for_cpu(uint32_t cpu, bool *error)
{
	if (routing_init() < 0 || cpu >= (uint32_t)nr_cpus) {
		if (error)
			*error = true;
		return 0;
	}
	return __atomic_load_n(&routing[cpu], __ATOMIC_SEQ_CST);
}

int vintr_post(struct dune_percpu *cpu, unsigned vector)
{
	__atomic_or_fetch(&cpu->vintr_posted[vector / 64], 1ULL << (vector % 64),
			  __ATOMIC_SEQ_CST);
	return 0;
}

void dune_apic_send_ipi(uint8_t vector, uint32_t destination_apic_id)
{
	struct dune_percpu *to;

	if (destination_apic_id >= vcpu_list_len())
		return; /* no such APIC: an IPI to nobody is lost, as on hardware */
	to = vcpu_list_get(destination_apic_id);
	vintr_post(to, vector);
	if (to == dune_self && dune_guest_mode) {
		/* to ourselves: the host half takes it right now */
		hypercall(HC_SIGNALS, 0, 0, 0, 0);
		return;
	}
	/* the target's host half looks at its posted vectors after every
	 * exit; the kick makes one if it is running the guest */
	if (to->tid > 0)
		kick_thread(raw_syscall0(SYS_getpid), to->tid);
}

void dune_apic_eoi(void)
{
	/* delivery is done when the handler runs: nothing is in service, so
	 * the end of interrupt only orders the handler's writes */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* The highest posted vector, taken, or -1. */
int vintr_take(struct dune_percpu *cpu)
{
	for (int w = 3; w >= 0; w--) {
		uint64_t bits = __atomic_load_n(&cpu->vintr_posted[w], __ATOMIC_SEQ_CST);
		while (bits) {
			int bit = 63 - __builtin_clzll(bits);
			uint64_t mask = 1ULL << bit;
			if (__atomic_fetch_and(&cpu->vintr_posted[w], ~mask, __ATOMIC_SEQ_CST) & mask)
				return w * 64 + bit;
			bits = __atomic_load_n(&cpu->vintr_posted[w], __ATOMIC_SEQ_CST);
		}
	}
	return -1;
}

int vintr_pending(const struct dune_percpu *cpu)
{
	return (cpu->vintr_posted[0] | cpu->vintr_posted[1] | cpu->vintr_posted[2] |
		cpu->vintr_posted[3]) != 0;
}
