/* tag.c - tags: page-aligned memory that contexts grant, and smalloc/sfree
 * inside them. The allocator's records (a list of blocks) live in the
 * program's heap, never in the tag: an sthread that may write a tag can
 * change the data in it, not where the next smalloc puts things. Memory
 * of deleted tags is zeroed and kept for the next tag of the same size
 * (a new mapping costs a trip through the mirror). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define GRANULE 16
#define SPARE_MAX 64

struct block {
	size_t off, len;
	int used;
	struct block *next;
};

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
	if (!t || !size || !(t->blocks = calloc(1, sizeof(*t->blocks)))) {
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
			free(t->blocks);
			free(t);
			errno = ENOMEM;
			return NULL;
		}
	}
	t->base = (uintptr_t)mem;
	t->size = size;
	t->blocks->len = size;
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
	while (t->blocks) {
		struct block *b = t->blocks;
		t->blocks = b->next;
		free(b);
	}
	free(t);
	return 0;
}

void tag_range(tag_t tag, void **base, size_t *size)
{
	*base = (void *)tag->base;
	*size = tag->size;
}

/* With the tags lock held. */
static void *block_alloc(struct tag *t, size_t n)
{
	n = (n + GRANULE - 1) & ~(size_t)(GRANULE - 1);
	if (!n)
		n = GRANULE;
	for (struct block *b = t->blocks; b; b = b->next) {
		if (b->used || b->len < n)
			continue;
		if (b->len > n) {
			struct block *rest = calloc(1, sizeof(*rest));
			if (!rest)
				return NULL;
			rest->off = b->off + n;
			rest->len = b->len - n;
			rest->next = b->next;
			b->next = rest;
			b->len = n;
		}
		b->used = 1;
		return (void *)(t->base + b->off);
	}
	return NULL;
}

/* With the tags lock held. 0, or -EINVAL if p is not a block of t. */
static int block_free(struct tag *t, uintptr_t p)
{
	struct block *prev = NULL;
	for (struct block *b = t->blocks; b; prev = b, b = b->next) {
		if (t->base + b->off != p || !b->used)
			continue;
		b->used = 0;
		if (b->next && !b->next->used) {
			struct block *n = b->next;
			b->len += n->len;
			b->next = n->next;
			free(n);
		}
		if (prev && !prev->used) {
			prev->len += b->len;
			prev->next = b->next;
			free(b);
		}
		return 0;
	}
	return -EINVAL;
}

void *smalloc_in(struct tag *t, size_t n)
{
	void *p;
	tags_lock();
	p = tag_lookup(t) ? block_alloc(t, n) : NULL;
	tags_unlock();
	return p;
}

int sfree_in(uintptr_t p, int (*may)(struct tag *t, void *arg), void *arg)
{
	struct tag *t;
	int r = -EINVAL;
	tags_lock();
	if ((t = tag_containing(p)))
		r = may && !may(t, arg) ? -EPERM : block_free(t, p);
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
