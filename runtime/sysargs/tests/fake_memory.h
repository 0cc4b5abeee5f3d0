/* fake_memory.h - a fake ok() for the tests: program memory is the areas a
 * test registers, everything else (the test's own globals, stack, heap)
 * plays the monitor. Every question is recorded. */
#ifndef SYSARGS_TESTS_FAKE_MEMORY_H
#define SYSARGS_TESTS_FAKE_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "sysargs.h"

struct ok_question {
	uintptr_t addr;
	size_t len;
	int access;
};

/* Forgets every area and question. */
void fake_reset(void);
/* Registers [base, base+len) as program memory. */
void fake_add(void *base, size_t len, int writable);
/* n fresh zeroed pages, registered writable; unmapped by fake_reset(). */
void *fake_pages(size_t n);
/* n pages mapped PROT_NONE and not registered: reading them crashes. */
void *fake_inaccessible(size_t n);

int fake_ok(void *ctx, uintptr_t addr, size_t len, int access);
size_t fake_questions(void);
const struct ok_question *fake_question(size_t i);
/* 1 if some question asked about a range starting at addr */
int fake_asked(uintptr_t addr);

/* sysargs_check(nr, args) against fake_ok; the reason lands in why. */
extern char why[256];
int check(long nr, const long args[6]);
#define CHECK(nr, ...) check((nr), (const long[6]){ __VA_ARGS__ })

/* cmocka check that why mentions s (include cmocka.h first). */
#define assert_why(s) \
	do { \
		if (!strstr(why, (s))) \
			fail_msg("why \"%s\" lacks \"%s\"", why, (s)); \
	} while (0)

/* Memory outside every area: where the monitor would be. */
extern char monitor[16384];
#define MON ((long)monitor)

#endif
