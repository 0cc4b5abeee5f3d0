/* Dune's signal API written here: dune_signal (test/test.c's idiom: the
 * handler has run when kill returns) and dune_register_signal_handler (the
 * signal comes as vector DUNE_SIGNAL_INTR_BASE + signum with the
 * interrupted frame, from another thread, from a thread outside dune
 * mode, and not at all once unregistered). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libdune/dune.h"
#include "testlib.h"

static volatile int glob, vec_hits, vec_seen_vector_rip;
static volatile uint64_t vec_rsp;

static void on_usr1(int sig)
{
	(void)sig;
	glob = 666;
}

static void on_vector(struct dune_tf *tf)
{
	vec_hits++;
	vec_rsp = tf->rsp;
	vec_seen_vector_rip = tf->rip != 0;
}

static void *sender(void *arg)
{
	(void)arg;
	kill(getpid(), SIGUSR2); /* from a thread outside dune mode */
	return NULL;
}

int main(void)
{
	pthread_t t;
	volatile int spin;

	tl_watchdog(60);
	tl_enter();

	/* test.c: dune_signal, then kill ourselves */
	CHECK(dune_signal(SIGUSR1, on_usr1) != SIG_ERR);
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(glob, 666);

	/* a signal as an interrupt vector */
	CHECK_EQ(dune_register_signal_handler(SIGUSR2, on_vector), 0);
	CHECK_EQ(dune_register_signal_handler(0, on_vector), -EINVAL);
	CHECK_EQ(dune_register_signal_handler(56, on_vector), -EINVAL);
	CHECK_EQ(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2), 0);
	CHECK_EQ(vec_hits, 1);
	CHECK(vec_seen_vector_rip);
	CHECK(vec_rsp != 0);

	/* from another thread (not in dune mode): delivered to whichever
	 * thread the kernel picks, a vector either way */
	CHECK_EQ(pthread_create(&t, NULL, sender, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	for (spin = 0; vec_hits < 2 && spin < 100000000; spin++)
		;
	CHECK_EQ(vec_hits, 2);

	/* unregistered: SIGUSR2 is the program's again (ignored here) */
	signal(SIGUSR2, SIG_IGN);
	CHECK_EQ(dune_register_signal_handler(SIGUSR2, NULL), 0);
	CHECK_EQ(kill(getpid(), SIGUSR2), 0);
	CHECK_EQ(vec_hits, 2);
	return tl_finish("peer_signal");
}
