/* blocks.c - first fit with coalescing; the list of blocks sorted by
 * offset, in the heap (blocks.h). */
#include <errno.h>
#include <stdlib.h>

#include "blocks.h"

#define GRANULE 16

struct block {
	size_t off, len;
	int used;
	struct block *next;
};

int blocks_init(struct blocks *b, uintptr_t base, size_t size)
{
	b->base = base;
	b->size = size;
	b->head = calloc(1, sizeof(*b->head));
	if (!b->head)
		return -ENOMEM;
	b->head->len = size;
	return 0;
}

void *blocks_alloc(struct blocks *b, size_t n)
{
	if (n > b->size)
		return NULL;
	n = (n + GRANULE - 1) & ~(size_t)(GRANULE - 1);
	if (!n)
		n = GRANULE;
	for (struct block *k = b->head; k; k = k->next) {
		if (k->used || k->len < n)
			continue;
		if (k->len > n) {
			struct block *rest = calloc(1, sizeof(*rest));
			if (!rest)
				return NULL;
			rest->off = k->off + n;
			rest->len = k->len - n;
			rest->next = k->next;
			k->next = rest;
			k->len = n;
		}
		k->used = 1;
		return (void *)(b->base + k->off);
	}
	return NULL;
}

int blocks_free(struct blocks *b, uintptr_t p)
{
	struct block *prev = NULL;
	for (struct block *k = b->head; k; prev = k, k = k->next) {
		if (b->base + k->off != p || !k->used)
			continue;
		k->used = 0;
		if (k->next && !k->next->used) {
			struct block *n = k->next;
			k->len += n->len;
			k->next = n->next;
			free(n);
		}
		if (prev && !prev->used) {
			prev->len += k->len;
			prev->next = k->next;
			free(k);
		}
		return 0;
	}
	return -EINVAL;
}

void blocks_destroy(struct blocks *b)
{
	while (b->head) {
		struct block *k = b->head;
		b->head = k->next;
		free(k);
	}
}
