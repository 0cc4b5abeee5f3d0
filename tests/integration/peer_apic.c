/* Dune's posted-IPI idiom (test/posted_ipi.c, bench/posted_ipi.c) written
 * here: threads in dune mode record their APIC IDs, one spins in the guest
 * without exits while another sends it IPIs; the vector's handler counts
 * and EOIs. Also IPIs to itself, to a thread blocked in a system call, and
 * bad CPUs and IDs. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "libdune/cpu-x86.h"
#include "libdune/dune.h"
#include "libdune/local.h"
#include "testlib.h"

#define TEST_VECTOR 0xf2
#define SELF_VECTOR 0xf3

static volatile int ready, stop, received, self_received;
static volatile uint32_t target_id;
static volatile uint64_t handler_rip;
static int pipe_fd[2];

static void on_ipi(struct dune_tf *tf)
{
	handler_rip = tf->rip;
	__atomic_add_fetch(&received, 1, __ATOMIC_SEQ_CST);
	dune_apic_eoi();
}

static void on_self(struct dune_tf *tf)
{
	(void)tf;
	self_received++;
	dune_apic_eoi();
}

static void *spinner(void *arg)
{
	(void)arg;
	if (dune_enter())
		return (void *)1;
	dune_apic_init_rt_entry();
	target_id = dune_apic_id();
	__atomic_store_n(&ready, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		asm volatile("pause" ::: "memory"); /* no exits: only the IPI stops us */
	return NULL;
}

static void *blocker(void *arg)
{
	char c;
	(void)arg;
	if (dune_enter())
		return (void *)1;
	target_id = dune_apic_id();
	__atomic_store_n(&ready, 1, __ATOMIC_SEQ_CST);
	/* blocked in the host until the main thread writes */
	if (read(pipe_fd[0], &c, 1) != 1)
		return (void *)2;
	return NULL;
}

/* Dune's posted_ipi: a thread pinned to another CPU, reached by that
 * CPU's number through the routing table */
static void *pinned(void *arg)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET((int)(long)arg, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return (void *)3;
	return spinner(NULL);
}

static void across_cpus(void)
{
	pthread_t t;
	void *ret;
	bool err = false;
	cpu_set_t one;
	uint32_t id;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("one CPU: no IPI between CPUs here\n");
		return;
	}
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
	dune_apic_init_rt_entry();
	stop = 0;
	ready = 0;
	received = 0;
	CHECK_EQ(pthread_create(&t, NULL, pinned, (void *)1L), 0);
	while (!__atomic_load_n(&ready, __ATOMIC_SEQ_CST))
		sched_yield();
	id = dune_apic_id_for_cpu(1, &err);
	CHECK(!err);
	CHECK_EQ(id, target_id);
	for (int i = 0; i < 10; i++) {
		int before = received;
		dune_apic_send_ipi(TEST_VECTOR, id);
		while (received == before)
			asm volatile("pause" ::: "memory");
	}
	CHECK_EQ(received, 10);
	stop = 1;
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == NULL);
	printf("IPIs from CPU 0 to CPU 1: %d\n", received);
}

int main(void)
{
	pthread_t t;
	void *ret;
	bool err = false;
	int n = (int)tl_iters(100);

	tl_watchdog(120);
	tl_enter();
	CHECK_EQ(dune_register_intr_handler(TEST_VECTOR, on_ipi), 0);
	CHECK_EQ(dune_register_intr_handler(SELF_VECTOR, on_self), 0);
	dune_apic_init_rt_entry();

	/* an IPI to ourselves runs the handler before send returns */
	dune_apic_send_ipi(SELF_VECTOR, dune_apic_id());
	CHECK_EQ(self_received, 1);

	/* a thread spinning in the guest */
	CHECK_EQ(pthread_create(&t, NULL, spinner, NULL), 0);
	while (!__atomic_load_n(&ready, __ATOMIC_SEQ_CST))
		sched_yield();
	CHECK(target_id != dune_apic_id());
	for (int i = 0; i < n; i++) {
		int before = received;
		dune_apic_send_ipi(TEST_VECTOR, target_id);
		while (received == before)
			asm volatile("pause" ::: "memory");
	}
	CHECK_EQ(received, n);
	/* the frame the handler saw is the spinner's, in the program */
	CHECK(handler_rip >= (uint64_t)spinner && handler_rip < (uint64_t)spinner + 256);
	stop = 1;
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == NULL);

	/* a thread blocked in a host system call gets it after the call */
	received = 0;
	ready = 0;
	CHECK_EQ(pipe(pipe_fd), 0);
	CHECK_EQ(pthread_create(&t, NULL, blocker, NULL), 0);
	while (!__atomic_load_n(&ready, __ATOMIC_SEQ_CST))
		sched_yield();
	usleep(20000);
	dune_apic_send_ipi(TEST_VECTOR, target_id);
	CHECK_EQ(write(pipe_fd[1], "x", 1), 1);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == NULL);
	CHECK_EQ(received, 1);

	/* the routing table: our CPU maps to our ID (pinned, as Dune's
	 * programs are); CPUs beyond the machine's are an error */
	{
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
		dune_apic_init_rt_entry();
	}
	CHECK_EQ(dune_apic_id_for_cpu((uint32_t)sched_getcpu(), &err), dune_apic_id());
	CHECK(!err);
	dune_apic_id_for_cpu(100000, &err);
	CHECK(err);
	/* an IPI to an APIC ID nobody has is lost, nothing else happens */
	dune_apic_send_ipi(TEST_VECTOR, 100000);
	across_cpus();
	return tl_finish("peer_apic");
}
