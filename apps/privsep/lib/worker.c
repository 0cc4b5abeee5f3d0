/* worker.c - the threads sthreads run on. Each worker is a thread in dune
 * mode with a domain of its own; sthread_create hands it a job (a copy of
 * the context, the tags mapped into its table), it runs the job in user
 * mode, then closes what the sthread opened, unmaps the tags, scrubs the
 * pages the sthread wrote, and goes back to the idle list. Workers are
 * made on demand, up to the limit, and kept. */
#include <errno.h>
#include <pthread.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "domain.h"
#include "dune.h"
#include "fds.h"
#include "run.h"
#include "sthread.h"

struct sthread {
	struct worker *w;
	struct sc ctx;
	sthread_fn fn;
	void *arg;
	struct run run;
	volatile int done; /* a futex word */
};

struct worker {
	pthread_t thread;
	struct domain *dom;
	struct gate_frame *frames; /* for the gate calls of its sthreads */
	struct sthread *volatile job;
	volatile int wake; /* a futex word: a job is there */
	struct worker *next;
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct worker *idle;
static unsigned nworkers, max_workers = 64;

static void futex_wait(volatile int *word, int val)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(volatile int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void sthread_set_max(unsigned n)
{
	pthread_mutex_lock(&pool_lock);
	max_workers = n ? n : 1;
	pthread_mutex_unlock(&pool_lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		struct sthread *st;
		while (!__atomic_load_n(&w->wake, __ATOMIC_ACQUIRE))
			futex_wait(&w->wake, 0);
		__atomic_store_n(&w->wake, 0, __ATOMIC_RELAXED);
		st = w->job;
		run_user(&st->run, (void *)st->fn, st->arg, NULL);
		fdtab_close_owned(&st->run.lv[0].fds);
		domain_unlend(w->dom, 0);
		domain_scrub(w->dom);
		w->job = NULL;
		pthread_mutex_lock(&pool_lock);
		w->next = idle;
		idle = w;
		pthread_mutex_unlock(&pool_lock);
		__atomic_store_n(&st->done, 1, __ATOMIC_RELEASE);
		futex_wake(&st->done);
	}
	return NULL;
}

/* an idle worker, or a new one; NULL with -errno in *err */
static struct worker *worker_take(int *err)
{
	struct worker *w;

	pthread_mutex_lock(&pool_lock);
	if ((w = idle)) {
		idle = w->next;
		pthread_mutex_unlock(&pool_lock);
		return w;
	}
	if (nworkers >= max_workers) {
		pthread_mutex_unlock(&pool_lock);
		*err = -EAGAIN;
		return NULL;
	}
	nworkers++;
	pthread_mutex_unlock(&pool_lock);
	if (!(w = calloc(1, sizeof(*w))) || !(w->dom = domain_new()) ||
	    !(w->frames = run_frames_new()) ||
	    pthread_create(&w->thread, NULL, worker_main, w)) {
		if (w) {
			domain_free(w->dom);
			free(w->frames);
		}
		free(w);
		pthread_mutex_lock(&pool_lock);
		nworkers--;
		pthread_mutex_unlock(&pool_lock);
		*err = -ENOMEM;
		return NULL;
	}
	return w;
}

static void worker_give_back(struct worker *w)
{
	pthread_mutex_lock(&pool_lock);
	w->next = idle;
	idle = w;
	pthread_mutex_unlock(&pool_lock);
}

int sthread_create(sthread_t **out, struct sc *sc, sthread_fn fn, void *arg)
{
	struct sthread *st;
	struct worker *w;
	int r = 0;

	if (!dune_in_guest())
		return -EPERM;
	if (!sc || !fn || sc_check_live(sc) < 0)
		return -EINVAL;
	if (!(st = calloc(1, sizeof(*st))))
		return -ENOMEM;
	if (!(w = worker_take(&r))) {
		free(st);
		return r;
	}
	st->ctx = *sc;
	st->fn = fn;
	st->arg = arg;
	st->w = w;
	st->run.frames = w->frames;
	st->run.lv[0].ctx = &st->ctx;
	st->run.lv[0].dom = w->dom;
	fdtab_init(&st->run.lv[0].fds, &st->ctx);
	for (int i = 0; i < st->ctx.nmem && !r; i++)
		r = domain_lend(w->dom, st->ctx.mem[i].tag, st->ctx.mem[i].mode);
	if (r) {
		domain_unlend(w->dom, 0);
		worker_give_back(w);
		free(st);
		return r;
	}
	w->job = st;
	__atomic_store_n(&w->wake, 1, __ATOMIC_RELEASE);
	futex_wake(&w->wake);
	*out = st;
	return 0;
}

int sthread_join(sthread_t *st, struct sthread_end *end)
{
	int how;

	while (!__atomic_load_n(&st->done, __ATOMIC_ACQUIRE))
		futex_wait(&st->done, 0);
	how = st->run.end.how;
	if (end)
		*end = st->run.end;
	free(st);
	return how;
}
