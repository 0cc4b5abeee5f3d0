/* sthread_plain.c - libsthread's API without any isolation, for programs
 * built both ways (httpd and httpd-plain): sthreads are plain threads (or,
 * with sthread_plain_use_fork, forked processes), contexts are recorded
 * nowhere, a gate call is a function call, tags are mappings with the same
 * allocator. Everything shares one address space, which is the point of
 * the comparison. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/blocks.h"
#include "sthread.h"
#include "sthread_plain.h"

#define PAGE 4096UL

struct tag {
	struct blocks blocks;
	struct tag *next;
};

struct sc {
	int unused;
};

struct cgate {
	cgate_fn fn;
	void *trusted;
};

struct sthread {
	pthread_t thread;
	pid_t pid;
	sthread_fn fn;
	void *arg;
	void *ret;
};

static int use_fork;
static pthread_mutex_t tags_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tag *tags;

void sthread_plain_use_fork(int on)
{
	use_fork = on;
}

int sthread_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

tag_t tag_new(size_t size)
{
	struct tag *t = calloc(1, sizeof(*t));
	void *mem;

	size = (size + PAGE - 1) & ~(PAGE - 1);
	mem = t && size ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0) : MAP_FAILED;
	if (mem == MAP_FAILED || blocks_init(&t->blocks, (uintptr_t)mem, size) < 0) {
		if (mem != MAP_FAILED)
			munmap(mem, size);
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_lock(&tags_lock);
	t->next = tags;
	tags = t;
	pthread_mutex_unlock(&tags_lock);
	return t;
}

int tag_delete(tag_t tag)
{
	struct tag **pp;
	pthread_mutex_lock(&tags_lock);
	for (pp = &tags; *pp && *pp != tag; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = tag->next;
	pthread_mutex_unlock(&tags_lock);
	munmap((void *)tag->blocks.base, tag->blocks.size);
	blocks_destroy(&tag->blocks);
	free(tag);
	return 0;
}

void *smalloc(tag_t tag, size_t n)
{
	void *p;
	pthread_mutex_lock(&tags_lock);
	p = blocks_alloc(&tag->blocks, n);
	pthread_mutex_unlock(&tags_lock);
	return p;
}

void sfree(void *p)
{
	pthread_mutex_lock(&tags_lock);
	for (struct tag *t = tags; t; t = t->next)
		if ((uintptr_t)p >= t->blocks.base && (uintptr_t)p < t->blocks.base + t->blocks.size)
			blocks_free(&t->blocks, (uintptr_t)p);
	pthread_mutex_unlock(&tags_lock);
}

void tag_range(tag_t tag, void **base, size_t *size)
{
	*base = (void *)tag->blocks.base;
	*size = tag->blocks.size;
}

struct sc *sc_new(void)
{
	return calloc(1, sizeof(struct sc));
}

struct sc *sc_dup(const struct sc *sc)
{
	(void)sc;
	return sc_new();
}

void sc_free(struct sc *sc)
{
	free(sc);
}

int sc_mem_add(struct sc *sc, tag_t tag, int mode)
{
	(void)sc, (void)tag, (void)mode;
	return 0;
}

int sc_fd_add(struct sc *sc, int fd, int mode)
{
	(void)sc, (void)fd, (void)mode;
	return 0;
}

int sc_sys_add(struct sc *sc, long nr)
{
	(void)sc, (void)nr;
	return 0;
}

int sc_sys_allow(struct sc *sc, const char *names)
{
	(void)sc, (void)names;
	return 0;
}

void sc_set_deny(struct sc *sc, enum sc_deny action)
{
	(void)sc, (void)action;
}

int sc_cgate_add(struct sc *sc, struct cgate *gate)
{
	(void)sc, (void)gate;
	return 0;
}

static void *thread_start(void *arg)
{
	struct sthread *st = arg;
	st->ret = st->fn(st->arg);
	return NULL;
}

int sthread_create(sthread_t **out, struct sc *sc, sthread_fn fn, void *arg)
{
	struct sthread *st = calloc(1, sizeof(*st));
	(void)sc;
	if (!st)
		return -ENOMEM;
	st->fn = fn;
	st->arg = arg;
	if (use_fork) {
		st->pid = fork();
		if (st->pid == 0)
			_exit((int)(long)fn(arg) & 0xff);
		if (st->pid < 0) {
			free(st);
			return -errno;
		}
	} else if (pthread_create(&st->thread, NULL, thread_start, st)) {
		free(st);
		return -EAGAIN;
	}
	*out = st;
	return 0;
}

int sthread_join(sthread_t *st, struct sthread_end *end)
{
	struct sthread_end e = { .how = STHREAD_RETURNED };
	int status;

	if (st->pid > 0) {
		while (waitpid(st->pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status)) {
			e.how = STHREAD_FAULTED;
			e.vector = WTERMSIG(status) == SIGSEGV ? 14 : -WTERMSIG(status);
		} else {
			e.ret = (void *)(long)WEXITSTATUS(status);
		}
	} else {
		pthread_join(st->thread, NULL);
		e.ret = st->ret;
	}
	if (end)
		*end = e;
	free(st);
	return e.how;
}

void sthread_set_max(unsigned n)
{
	(void)n;
}

const char *sthread_end_str(const struct sthread_end *e, char *buf, size_t len)
{
	if (e->how == STHREAD_RETURNED)
		snprintf(buf, len, "returned %p", e->ret);
	else
		snprintf(buf, len, "ended by signal %d", -e->vector);
	return buf;
}

struct cgate *cgate_new(struct sc *sc, cgate_fn fn, void *trusted)
{
	struct cgate *g = calloc(1, sizeof(*g));
	(void)sc;
	if (g) {
		g->fn = fn;
		g->trusted = trusted;
	}
	return g;
}

void cgate_free(struct cgate *gate)
{
	free(gate);
}

int cgate_call(struct cgate *gate, const struct cgate_grant *grants, int n, void *arg, void **ret)
{
	void *r;
	(void)grants, (void)n;
	r = gate->fn(gate->trusted, arg);
	if (ret)
		*ret = r;
	return 0;
}

int cgate_arg_ok(const void *p, size_t n, int mode)
{
	(void)p, (void)n, (void)mode;
	return 1;
}
