/* sttest.h - what the library's tests share: the integration tests'
 * helpers (CHECK, watchdog, PASS/FAIL line) and sthread set-up. */
#ifndef STTEST_H
#define STTEST_H

#include <errno.h>
#include <stdint.h>

#include "../../../tests/integration/testlib.h"
#include "sthread.h"

/* sthread_init, or SKIP (77) where there is no VM support at all */
static inline void st_start(unsigned watchdog)
{
	tl_watchdog(watchdog);
	tl_require_vm();
	if (sthread_init()) {
		fprintf(stderr, "FAIL sthread_init\n");
		exit(2);
	}
}

/* create + join; returns how it ended, *end filled */
static inline int st_run(struct sc *sc, sthread_fn fn, void *arg, struct sthread_end *end)
{
	sthread_t *st;
	int r = sthread_create(&st, sc, fn, arg);
	if (r) {
		fprintf(stderr, "sthread_create: %d\n", r);
		return -1000 + r;
	}
	return sthread_join(st, end);
}

#endif
