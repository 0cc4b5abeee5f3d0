/* The tests' fake ok(): a list of areas, and a log of questions. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fake_memory.h"

#define MAX_AREAS 16
#define MAX_QUESTIONS 4096
#define PAGE 4096UL

struct area {
	uintptr_t base;
	size_t len;
	int writable;
};

struct mapping {
	void *base;
	size_t len;
};

static struct area areas[MAX_AREAS];
static size_t nareas;
static struct mapping mappings[MAX_AREAS];
static size_t nmappings;
static struct ok_question questions[MAX_QUESTIONS];
static size_t nquestions;

char why[256];
char monitor[16384];

void fake_reset(void)
{
	for (size_t i = 0; i < nmappings; i++)
		munmap(mappings[i].base, mappings[i].len);
	nmappings = nareas = nquestions = 0;
}

void fake_add(void *base, size_t len, int writable)
{
	if (nareas < MAX_AREAS)
		areas[nareas++] = (struct area){ (uintptr_t)base, len, writable };
}

static void *map(size_t n, int prot)
{
	void *p = mmap(NULL, n * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || nmappings == MAX_AREAS) {
		perror("fake_memory: mmap");
		return NULL;
	}
	mappings[nmappings++] = (struct mapping){ p, n * PAGE };
	return p;
}

void *fake_pages(size_t n)
{
	void *p = map(n, PROT_READ | PROT_WRITE);

	if (p)
		fake_add(p, n * PAGE, 1);
	return p;
}

void *fake_inaccessible(size_t n)
{
	return map(n, PROT_NONE);
}

int fake_ok(void *ctx, uintptr_t addr, size_t len, int access)
{
	(void)ctx;
	if (nquestions < MAX_QUESTIONS)
		questions[nquestions++] = (struct ok_question){ addr, len, access };
	if (!len)
		return 1;
	if (addr + len < addr)
		return 0;
	for (size_t i = 0; i < nareas; i++) {
		const struct area *a = &areas[i];

		if (addr >= a->base && addr + len <= a->base + a->len)
			return access != SYSARGS_WRITE || a->writable;
	}
	return 0;
}

size_t fake_questions(void)
{
	return nquestions;
}

const struct ok_question *fake_question(size_t i)
{
	return i < nquestions ? &questions[i] : NULL;
}

int fake_asked(uintptr_t addr)
{
	for (size_t i = 0; i < nquestions; i++)
		if (questions[i].addr == addr)
			return 1;
	return 0;
}

int check(long nr, const long args[6])
{
	why[0] = '\0';
	return sysargs_check(nr, args, fake_ok, NULL, why, sizeof(why));
}
