/* apps/common - bench_clock.h: what every benchmark here times with, so
 * their numbers mean the same thing: CLOCK_MONOTONIC in nanoseconds, and
 * iteration counts scaled by DUNE_ITERS_SCALE (the emulated machines run
 * them at a hundredth). */
#ifndef APPS_BENCH_CLOCK_H
#define APPS_BENCH_CLOCK_H

#include <stdlib.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* n, scaled; at least 1 */
static inline long bench_iters(long n)
{
	const char *s = getenv("DUNE_ITERS_SCALE");
	long v = (long)(n * (s ? atof(s) : 1.0));
	return v < 1 ? 1 : v;
}

#endif
