/* tag.c - tags: page-aligned memory that contexts grant, and smalloc/sfree
 * inside them. The allocator's records (a list of blocks) live in the
 * program's heap, never in the tag: an sthread that may write a tag can
 * change the data in it, not where the next smalloc puts things. Memory
 * of deleted tags is zeroed and kept for the next tag of the same size
 * (a new mapping costs a trip through the mirror). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dune.h"
#include "image.h"
#include "sthread.h"
#include "tag.h"
#include "user.h"

#define SPARE_MAX 64

static pthread_mutex_t tags_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct tag *tags;
static struct {
	uintptr_t base;
	size_t size;
} spare[SPARE_MAX];
static int nspare;

void tags_lock(void)
{
	pthread_mutex_lock(&tags_mutex);
}

void tags_unlock(void)
{
	pthread_mutex_unlock(&tags_mutex);
}

struct tag *tag_lookup(tag_t t)
{
	struct tag *p;
	for (p = tags; p && p != t; p = p->next)
		;
	return p;
}

struct tag *tag_containing(uintptr_t va)
{
	struct tag *p;
	for (p = tags; p && !(va >= p->base && va < p->base + p->size); p = p->next)
		;
	return p;
}

tag_t tag_new(size_t size)
{
	struct tag *t = calloc(1, sizeof(*t));
	void *mem = NULL;

	size = (size + PGSIZE - 1) & ~(size_t)(PGSIZE - 1);
	if (!t || !size) {
		free(t);
		errno = size ? ENOMEM : EINVAL;
		return NULL;
	}
	tags_lock();
	for (int i = 0; i < nspare && !mem; i++)
		if (spare[i].size == size) {
			mem = (void *)spare[i].base;
			spare[i] = spare[--nspare];
		}
	tags_unlock();
	if (!mem) {
		mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			free(t);
			errno = ENOMEM;
			return NULL;
		}
	}
	t->base = (uintptr_t)mem;
	t->size = size;
	if (blocks_init(&t->blocks, t->base, size) < 0) {
		munmap(mem, size);
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	tags_lock();
	t->next = tags;
	tags = t;
	tags_unlock();
	return t;
}

int tag_delete(tag_t tag)
{
	struct tag **pp, *t;

	tags_lock();
	for (pp = &tags; *pp && *pp != tag; pp = &(*pp)->next)
		;
	if (!(t = *pp)) {
		tags_unlock();
		return -EINVAL;
	}
	if (t->users) {
		tags_unlock();
		return -EBUSY;
	}
	*pp = t->next;
	tags_unlock();
	memset((void *)t->base, 0, t->size);
	tags_lock();
	if (nspare < SPARE_MAX) {
		spare[nspare].base = t->base;
		spare[nspare].size = t->size;
		nspare++;
		t->base = 0;
	}
	tags_unlock();
	if (t->base)
		munmap((void *)t->base, t->size);
	blocks_destroy(&t->blocks);
	free(t);
	return 0;
}

void tag_range(tag_t tag, void **base, size_t *size)
{
	*base = (void *)tag->base;
	*size = tag->size;
}

void *smalloc_in(struct tag *t, size_t n)
{
	void *p;
	tags_lock();
	p = tag_lookup(t) ? blocks_alloc(&t->blocks, n) : NULL;
	tags_unlock();
	return p;
}

int sfree_in(uintptr_t p, int (*may)(struct tag *t, void *arg), void *arg)
{
	struct tag *t;
	int r = -EINVAL;
	tags_lock();
	if ((t = tag_containing(p)))
		r = may && !may(t, arg) ? -EPERM : blocks_free(&t->blocks, p);
	tags_unlock();
	return r;
}

void *smalloc(tag_t tag, size_t n)
{
	if (sthread_in_domain)
		return (void *)user_call3(SYS_ST_SMALLOC, (long)tag, (long)n, 0);
	return smalloc_in(tag, n);
}

void sfree(void *p)
{
	if (sthread_in_domain) {
		user_call3(SYS_ST_SFREE, (long)p, 0, 0);
		return;
	}
	if (p)
		sfree_in((uintptr_t)p, NULL, NULL);
}
