/* blocks.h - a first-fit allocator over [base, base + size) whose records
 * live in the program's heap, never in the memory it hands out. Not
 * locked: the callers lock. Shared by libsthread's tags and their plain
 * twin. */
#ifndef STHREAD_BLOCKS_H
#define STHREAD_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

struct block;

struct blocks {
	uintptr_t base;
	size_t size;
	struct block *head;
};

int blocks_init(struct blocks *b, uintptr_t base, size_t size); /* 0 or -ENOMEM */
void *blocks_alloc(struct blocks *b, size_t n);                  /* 16-byte aligned */
int blocks_free(struct blocks *b, uintptr_t p);                  /* 0 or -EINVAL */
void blocks_destroy(struct blocks *b);

#endif
