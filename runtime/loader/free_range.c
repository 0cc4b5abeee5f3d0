/*
 * free_range.c - finds unmapped address ranges of this process by reading
 * /proc/self/maps. The answer is only a hint: mappings are then made with
 * MAP_FIXED_NOREPLACE, which fails rather than clobber anything.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loader_internal.h"

/* Next "start-end ..." line; skips the rest of lines longer than the buffer. */
static int next_mapping(FILE *f, uintptr_t *start, uintptr_t *end)
{
	char line[256];
	unsigned long s, e;
	int c;

	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		int parsed = sscanf(line, "%lx-%lx", &s, &e) == 2;
		if (n && line[n - 1] != '\n')
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		if (parsed) {
			*start = s;
			*end = e;
			return 1;
		}
	}
	return 0;
}

/* lowest or highest x in [g0, g1) with x % align == phase and x + size <= g1 */
static int fit(uintptr_t g0, uintptr_t g1, uint64_t size, uint64_t align, uint64_t phase,
	       int top_down, uintptr_t *x)
{
	uint64_t mask = align - 1;
	uintptr_t y, c;

	if (g1 <= g0 || size > g1 - g0)
		return 0;
	if (!top_down) {
		c = (g0 & ~mask) + phase;
		if (c < g0) {
			if (c > UINTPTR_MAX - align)
				return 0;
			c += align;
		}
		if (c >= g1 || size > g1 - c)
			return 0;
	} else {
		y = g1 - size;
		c = (y & ~mask) + phase;
		if (c > y) {
			if ((y & ~mask) < align)
				return 0;
			c -= align;
		}
		if (c < g0)
			return 0;
	}
	*x = c;
	return 1;
}

int free_range_find(uintptr_t lo, uintptr_t hi, uint64_t size, uint64_t align,
		    uint64_t phase, int top_down, uintptr_t *out)
{
	uintptr_t cursor, start, end, x;
	int found = 0;
	FILE *f;

	if (lo < ELF_MIN_ADDR)
		lo = ELF_MIN_ADDR;
	if (!size || !align || (align & (align - 1)) || phase >= align || lo >= hi)
		return -ENOMEM;
	cursor = lo;
	f = fopen("/proc/self/maps", "re");
	while (f && next_mapping(f, &start, &end)) {
		if (start >= hi)
			break;
		if (start > cursor && fit(cursor, start, size, align, phase, top_down, &x)) {
			*out = x;
			found = 1;
			if (!top_down)
				break;
		}
		if (end > cursor)
			cursor = end;
	}
	if (f)
		fclose(f);
	if (found && !top_down)
		return 0;
	if (cursor < hi && fit(cursor, hi, size, align, phase, top_down, &x)) {
		*out = x;
		found = 1;
	}
	return found ? 0 : -ENOMEM;
}

int range_is_unmapped(uintptr_t lo, uintptr_t hi)
{
	uintptr_t start, end;
	int clear = 1;
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && next_mapping(f, &start, &end))
		if (start < hi && end > lo) {
			clear = 0;
			break;
		}
	if (f)
		fclose(f);
	return clear;
}
