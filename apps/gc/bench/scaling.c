/*
 * scaling - what finding the dirty pages costs as the heap grows, through
 * the collector's own trackers (GC_TRACKER): a heap of N MiB (one large
 * object, its pages present), then rounds of start tracking, write one byte
 * in each of D pages, collect, stop. Collector-side time (start + collect +
 * stop) is the discovery cost of a cycle; the writes' time per page is what
 * the mutator pays for each first write (the host's floor for a trap).
 *
 *   scaling MIB   ->  one tab-separated line (see the printf)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "dune.h"
#include "gc.h"
#include "lib/debug.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* write faults the tracker makes the mutator take, from where they show */
static long traps_now(const char *tracker)
{
	struct gc_stats st;
	struct dune_exit_stats es;
	if (!strcmp(tracker, "dune")) { /* faults the host fixed by mapping (not hypercalls) */
		dune_get_exit_stats(&es);
		return (long)es.kernel_faults_fixed;
	}
	if (!strcmp(tracker, "mprotect")) {
		gc_get_stats(&st);
		return (long)st.traps;
	}
	return minflt(); /* softdirty: the kernel's own write-protect faults */
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64, bytes = mib << 20;
	size_t pages = bytes >> 12, d = pages / 4 < 1024 ? pages / 4 : 1024;
	struct gc_options o = { .max_heap = bytes + (16UL << 20), .trigger = 1UL << 50 };
	const char *tracker = getenv("GC_TRACKER") ? getenv("GC_TRACKER") : "none";
	long rounds = mib >= 1024 ? 5 : 20;
	double t_start = 0, t_collect = 0, t_stop = 0, t_write = 0, found = 0, traps = 0;
	double start_exits = 0; /* what the host did for a start (dune) */
	struct dune_exit_stats h0, h1;
	int host = !strcmp(tracker, "dune");
	struct gc_stats st0, st1;
	size_t *idx;
	char *heap;
	int r = -EINVAL;

	if (!mib || (r = gc_init(&o)) < 0) {
		/* a tracker this machine lacks: an empty row, said so */
		printf("scale\t%s\t%zu\tn/a\n", tracker, mib);
		return r == -ENOTSUP ? 0 : 1;
	}
	heap = gc_malloc(bytes - 4096);
	idx = malloc(d * sizeof(*idx));
	if (!heap || !idx) {
		fprintf(stderr, "scaling: no heap of %zu MiB\n", mib);
		return 1;
	}
	/* all pages present, without the guest touching them */
	if (madvise(heap, bytes - 4096, MADV_POPULATE_WRITE) < 0)
		memset(heap, 0, bytes - 4096);
	for (size_t i = 0, x = 88172645463325252ULL; i < d; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		idx[i] = x % (pages - 1);
	}
	gc_get_stats(&st0);
	for (long round = -1; round < rounds; round++) { /* round -1 warms up */
		double t0, t1, w0, w1, t2, t3, t4;
		long tr0, tr1, n;
		if (host)
			dune_get_exit_stats(&h0);
		t0 = now_us();
		gc_debug_track_start();
		t1 = now_us();
		if (host)
			dune_get_exit_stats(&h1);
		tr0 = traps_now(tracker); /* outside the timed parts: a few system calls */
		w0 = now_us();
		for (size_t i = 0; i < d; i++)
			((volatile char *)heap)[idx[i] * 4096 + (size_t)(round & 1023)] = (char)round;
		w1 = now_us();
		tr1 = traps_now(tracker);
		t2 = now_us();
		n = gc_debug_track_collect(0);
		t3 = now_us();
		gc_debug_track_stop();
		t4 = now_us();
		if (round < 0)
			continue;
		t_start += t1 - t0;
		t_write += w1 - w0;
		t_collect += t3 - t2;
		t_stop += t4 - t3;
		found += (double)n;
		traps += (double)(tr1 - tr0);
		if (host)
			start_exits += (double)(h1.kernel_exits - h0.kernel_exits);
	}
	gc_get_stats(&st1);
	/* tracker MiB pages rounds dirty start_us collect_us stop_us discovery_us
	 * write_us_per_page found traps_per_round entries_per_round protect_calls_per_round
	 * host_exits_per_start (dune; -1 otherwise) */
	printf("scale\t%s\t%zu\t%zu\t%ld\t%zu\t%.1f\t%.1f\t%.1f\t%.1f\t%.3f\t%.1f\t%.1f\t%.0f\t%.1f\t%.1f\n",
	       tracker, mib, pages, rounds, d, t_start / rounds, t_collect / rounds, t_stop / rounds,
	       (t_start + t_collect + t_stop) / rounds, t_write / rounds / (double)d, found / rounds,
	       traps / rounds, (double)(st1.entries_read - st0.entries_read) / (rounds + 1),
	       (double)(st1.protect_calls - st0.protect_calls) / (rounds + 1),
	       host ? start_exits / rounds : -1.0);
	return 0;
}
