/*
 * threads.c - the threads that use the heap, and stopping them all.
 *
 * A stop signal (SIGPWR) makes each thread record where its stack begins
 * (the interrupted registers are in the signal frame, above that point) and
 * wait on a futex until the world starts again. Futexes and signals work the
 * same in dune mode, where libdune delivers the signal inside the guest.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define SIG_STOP SIGPWR

__thread struct gc_thread *gc_self;
static struct gc_thread *threads; /* under the lock */
static unsigned nthreads;
/* A stop makes stop_epoch one ahead of start_epoch; the start that ends it
 * catches start_epoch up. Both only grow, so a thread waiting for the
 * start cannot mistake the next stop for the one it waits out. */
static volatile unsigned stop_epoch, start_epoch, acks;
static pthread_key_t exit_key;

#define STOP_RESEND_NS 5000000 /* a stop signal unanswered this long is sent again */

static long futex(volatile void *addr, int op, unsigned val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static long futex_wait_ns(volatile void *addr, unsigned val, long ns)
{
	struct timespec ts = { 0, ns };
	return syscall(SYS_futex, addr, FUTEX_WAIT, val, &ts, NULL, 0);
}

static void stop_handler(int sig)
{
	int saved = errno;
	struct gc_thread *t = gc_self;
	volatile char here = 0;
	unsigned epoch = __atomic_load_n(&stop_epoch, __ATOMIC_ACQUIRE), seen;

	(void)sig;
	if (t && epoch != start_epoch) {
		t->stop_sp = (uintptr_t)&here;
		__atomic_store_n(&t->stop_ack, epoch, __ATOMIC_RELEASE);
		__atomic_add_fetch(&acks, 1, __ATOMIC_SEQ_CST);
		futex(&acks, FUTEX_WAKE, 1);
		while ((seen = __atomic_load_n(&start_epoch, __ATOMIC_ACQUIRE)) != epoch)
			futex(&start_epoch, FUTEX_WAIT, seen);
	}
	errno = saved;
}

/* The thread is leaving: its cached free objects go back to the heap. */
static void release_cache(struct gc_thread *t)
{
	struct heap *h = gc_heap;
	for (unsigned c = 0; c < NCLASSES; c++)
		for (int a = 0; a < 2; a++)
			for (void *p = t->cache[c][a], *next; p; p = next) {
				size_t off = (uintptr_t)p - h->base, pg = off >> PAGE_SHIFT;
				size_t g = (off & (PAGE_SIZE - 1)) / GRANULE;
				uint64_t bit = 1UL << (g % 64);
				next = *(void **)p;
				h->alloc_bits[pg * BITWORDS_PER_PAGE + g / 64] &= ~bit;
				h->mark_bits[pg * BITWORDS_PER_PAGE + g / 64] &= ~bit;
			}
}

static void unregister(void *arg)
{
	struct gc_thread *t = arg, **pp;
	gc_lock();
	for (pp = &threads; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			nthreads--;
			break;
		}
	release_cache(t);
	gc_unlock();
	gc_self = NULL;
	munmap(t, sizeof(*t));
}

int threads_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIG_STOP, &sa, NULL) < 0)
		return -errno;
	return pthread_key_create(&exit_key, unregister) ? -EAGAIN : 0;
}

struct gc_thread *threads_register_self(void)
{
	struct gc_thread *t;
	pthread_attr_t attr;
	void *addr;
	size_t size;

	if (gc_self)
		return gc_self;
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		gc_fatal("no memory for a thread's record");
	if (pthread_getattr_np(pthread_self(), &attr) || pthread_attr_getstack(&attr, &addr, &size))
		gc_fatal("cannot find the calling thread's stack (pthread_getattr_np)");
	pthread_attr_destroy(&attr);
	t->stack_hi = (uintptr_t)addr + size;
	t->tid = (pid_t)syscall(SYS_gettid);
	gc_lock();
	t->next = threads;
	threads = t;
	nthreads++;
	gc_unlock();
	gc_self = t;
	pthread_setspecific(exit_key, t);
	return t;
}

int gc_thread_register(void)
{
	return threads_register_self() ? 0 : -ENOMEM;
}

struct start {
	void *(*fn)(void *);
	void *arg;
};

static void *thread_start(void *p)
{
	struct start s = *(struct start *)p;
	free(p);
	threads_register_self();
	return s.fn(s.arg);
}

int gc_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct start *s = malloc(sizeof(*s));
	int r;
	if (!s)
		return EAGAIN;
	s->fn = fn;
	s->arg = arg;
	if ((r = pthread_create(t, attr, thread_start, s)))
		free(s);
	return r;
}

/* Under the lock: every other registered thread stops in stop_handler. */
void threads_stop_world(void)
{
	pid_t pid = getpid();
	unsigned n = 0, a, epoch;

	gc->st.world_stops++;
	if (nthreads < 2)
		return;
	acks = 0;
	epoch = __atomic_add_fetch(&stop_epoch, 1, __ATOMIC_SEQ_CST);
	for (struct gc_thread *t = threads; t; t = t->next)
		if (t != gc_self && syscall(SYS_tgkill, pid, t->tid, SIG_STOP) == 0)
			n++;
	/* A signal can be lost to a thread about to block in the kernel (in
	 * dune mode, when it lands between the guest's system call and the
	 * host half making it): send it again to whoever has not answered.
	 * A second copy that arrives late finds the world running and returns. */
	while ((a = __atomic_load_n(&acks, __ATOMIC_ACQUIRE)) < n)
		if (futex_wait_ns(&acks, a, STOP_RESEND_NS) < 0 && errno == ETIMEDOUT)
			for (struct gc_thread *t = threads; t; t = t->next)
				if (t != gc_self && t->stop_ack != epoch &&
				    syscall(SYS_tgkill, pid, t->tid, SIG_STOP) == 0)
					gc->stop_resends++;
}

void threads_start_world(void)
{
	if (start_epoch == stop_epoch)
		return;
	__atomic_store_n(&start_epoch, stop_epoch, __ATOMIC_SEQ_CST);
	futex(&start_epoch, FUTEX_WAKE, INT_MAX);
}

unsigned threads_epoch(void)
{
	return stop_epoch;
}

unsigned threads_count(void)
{
	return nthreads;
}

struct gc_thread *threads_list(void)
{
	return threads;
}

/* Objects waiting in the threads' caches stay allocated. */
void threads_mark_caches(void)
{
	for (struct gc_thread *t = threads; t; t = t->next)
		for (unsigned c = 0; c < NCLASSES; c++)
			for (int a = 0; a < 2; a++)
				for (void *p = t->cache[c][a]; p; p = *(void **)p)
					mark_object_quietly((uintptr_t)p);
}
