/* tag.h - tags: page-aligned memory contexts grant, and their allocator,
 * whose records stay outside the tag (tag.c). */
#ifndef STHREAD_TAG_H
#define STHREAD_TAG_H

#include <stddef.h>
#include <stdint.h>
#include "blocks.h"
#include "sthread.h"

struct tag {
	uintptr_t base;
	size_t size;
	int users;            /* domains that map it now (tags_lock) */
	struct blocks blocks; /* the allocator's records, outside the tag */
	struct tag *next;
};
struct tag *tag_lookup(tag_t t);          /* a live tag, or NULL */
struct tag *tag_containing(uintptr_t va); /* the tag holding va, or NULL */
void tags_lock(void);
void tags_unlock(void);
void *smalloc_in(struct tag *t, size_t n);
/* frees p's block if may(its tag) agrees (may NULL: always); -EPERM, -EINVAL */
int sfree_in(uintptr_t p, int (*may)(struct tag *t, void *arg), void *arg);

#endif
