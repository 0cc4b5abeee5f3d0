/*
 * bm.h - one benchmark source, three allocators: built with -DBM_OURS (this
 * collector; the tracker from GC_TRACKER), -DBM_BOEHM (Debian's libgc;
 * BM_BOEHM_INCREMENTAL=1 calls GC_enable_incremental) or -DBM_MALLOC
 * (malloc/free; programs free what they drop).
 *
 * Every allocation goes through bm_alloc, which times it with the TSC: a
 * call that took longer than BM_PAUSE_US (20) counts as a pause the mutator
 * saw, whoever caused it (a mark slice, a world stop, a page fault, a
 * trap). The probe costs the same in every row. bm_report() prints one
 * tab-separated line with the times and the hardware-independent counts.
 */
#ifndef BM_H
#define BM_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#if defined(BM_OURS)
#include "dune.h"
#include "gc.h"
#define BM_ALLOCATOR "ours"
#elif defined(BM_BOEHM)
#include <gc/gc.h>
#define BM_ALLOCATOR "boehm"
#else
#define BM_MALLOC 1
#define BM_ALLOCATOR "malloc"
#endif

#define BM_PAUSE_US 20

static uint64_t bm_pause_ticks, bm_pauses, bm_pause_ticks_sum, bm_pause_ticks_max;
static double bm_ticks_per_ns;
static double bm_t0, bm_cpu0;
static long bm_minflt0;
#ifdef BM_BOEHM
static volatile uint64_t bm_segv; /* Boehm's write faults, counted on the way to its handler */
static struct sigaction bm_boehm_segv;
#endif
#ifdef BM_OURS
static struct dune_exit_stats bm_host0;
static int bm_host_ok;
#endif

static inline uint64_t bm_ticks(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline double bm_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline void bm_note(uint64_t dt)
{
	if (dt > bm_pause_ticks) {
		bm_pauses++;
		bm_pause_ticks_sum += dt;
		if (dt > bm_pause_ticks_max)
			bm_pause_ticks_max = dt;
	}
}

/* atomic: no pointers inside, contents undefined */
static inline void *bm_alloc_kind(size_t n, int atomic)
{
	uint64_t t = bm_ticks();
	void *p;
#if defined(BM_OURS)
	p = atomic ? gc_malloc_atomic(n) : gc_malloc(n);
#elif defined(BM_BOEHM)
	p = atomic ? GC_MALLOC_ATOMIC(n) : GC_MALLOC(n);
#else
	p = atomic ? malloc(n) : calloc(1, n);
#endif
	bm_note(bm_ticks() - t);
	if (!p) {
		fprintf(stderr, "bench: out of memory (%zu bytes)\n", n);
		exit(3);
	}
	return p;
}

static inline void *bm_alloc(size_t n)
{
	return bm_alloc_kind(n, 0);
}

static inline void *bm_alloc_atomic(size_t n)
{
	return bm_alloc_kind(n, 1);
}

static inline void bm_free(void *p)
{
#ifdef BM_MALLOC
	free(p);
#else
	(void)p;
#endif
}

#ifdef BM_BOEHM
static void bm_count_segv(int sig, siginfo_t *si, void *uc)
{
	bm_segv++;
	if (bm_boehm_segv.sa_flags & SA_SIGINFO)
		bm_boehm_segv.sa_sigaction(sig, si, uc);
	else if (bm_boehm_segv.sa_handler != SIG_DFL && bm_boehm_segv.sa_handler != SIG_IGN)
		bm_boehm_segv.sa_handler(sig);
	else
		signal(SIGSEGV, SIG_DFL);
}
#endif

static inline long bm_minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* CPU seconds (user + system) of the process, guest time included: less
 * sensitive than wall time to other load on a shared machine */
static inline double bm_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/* the row's name as run.sh gives it (BM_ROW), for the report line */
static inline const char *bm_row(void)
{
	const char *r = getenv("BM_ROW");
	return r ? r : BM_ALLOCATOR;
}

/* Sets the allocator up; returns 0, or 2 if this row cannot run here (a
 * tracker the machine lacks), after one line saying so. */
static inline int bm_init(void)
{
	double w0 = bm_now();
	uint64_t t0 = bm_ticks();
	while (bm_now() - w0 < 0.02)
		;
	bm_ticks_per_ns = (double)(bm_ticks() - t0) / ((bm_now() - w0) * 1e9);
	bm_pause_ticks = (uint64_t)(BM_PAUSE_US * 1000 * bm_ticks_per_ns);
#if defined(BM_OURS)
	{
		const char *d = getenv("BM_DUNE_MODE");
		int r;
		/* the stop-the-world row in dune mode: what dune mode itself costs */
		if (d && *d == '1' && dune_init_and_enter()) {
			fprintf(stderr, "bench: cannot enter dune mode\n");
			return 2;
		}
		if ((r = gc_init(NULL)) < 0)
			return r == -ENOTSUP ? 2 : 1;
		if ((bm_host_ok = dune_in_guest())) {
			dune_get_exit_stats(&bm_host0);
			bm_host_ok = bm_host0.kernel_faults_fixed >= 0;
		}
	}
#elif defined(BM_BOEHM)
	{
		const char *inc = getenv("BM_BOEHM_INCREMENTAL");
		struct sigaction sa;
		GC_INIT();
		if (inc && *inc == '1')
			GC_enable_incremental();
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = bm_count_segv;
		sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
		sigaction(SIGSEGV, &sa, &bm_boehm_segv);
	}
#endif
	bm_minflt0 = bm_minflt();
	bm_cpu0 = bm_cpu();
	bm_t0 = bm_now();
	return 0;
}

/*
 * One line, tab-separated:
 * bench row total_s pauses pause_max_ms pause_mean_ms cycles discovery_ms
 * dirty_pages rescanned entries_read traps host_exits heap_mib minflt check cpu_s
 * (-1 where a row has no such number)
 */
static inline void bm_report(const char *bench, long check)
{
	double total = bm_now() - bm_t0;
	double to_ms = 1.0 / (bm_ticks_per_ns * 1e6);
	long cycles = -1, dirty = -1, rescanned = -1, entries = -1, traps = -1, exits = -1;
	double discovery = -1, heap = -1;
#if defined(BM_OURS)
	struct gc_stats st;
	gc_get_stats(&st);
	cycles = (long)st.cycles;
	heap = st.heap_bytes_max / 1048576.0;
	if (st.discovery_passes) {
		discovery = st.discovery_ns / 1e6;
		dirty = (long)st.dirty_pages;
		rescanned = (long)st.pages_rescanned;
		entries = (long)st.entries_read;
		traps = (long)st.traps;
	}
	if (bm_host_ok) {
		struct dune_exit_stats hs;
		dune_get_exit_stats(&hs);
		/* in dune mode the traps are the host's: page faults it fixed by
		 * mapping, each first write after a dirty bit was cleared on a
		 * shadow-paging host, and each first touch of a new page (the
		 * ours-stw-dune row has those alone); hypercalls are emulated
		 * accesses, not counted here */
		traps = (long)(hs.kernel_faults_fixed - bm_host0.kernel_faults_fixed);
		exits = (long)(hs.kernel_exits - bm_host0.kernel_exits);
	}
#elif defined(BM_BOEHM)
	cycles = (long)GC_get_gc_no();
	heap = GC_get_heap_size() / 1048576.0;
	if (GC_is_incremental_mode())
		traps = (long)bm_segv;
#endif
	printf("%s\t%s\t%.3f\t%llu\t%.3f\t%.3f\t%ld\t%.3f\t%ld\t%ld\t%ld\t%ld\t%ld\t%.1f\t%ld\t%ld\t%.3f\n",
	       bench, bm_row(), total, (unsigned long long)bm_pauses, bm_pause_ticks_max * to_ms,
	       bm_pauses ? bm_pause_ticks_sum * to_ms / bm_pauses : 0.0, cycles, discovery, dirty,
	       rescanned, entries, traps, exits, heap, bm_minflt() - bm_minflt0, check,
	       bm_cpu() - bm_cpu0);
	fflush(stdout);
}

/* iteration counts, scaled down for quick runs */
static inline long bm_scale(long n)
{
	const char *s = getenv("BM_SCALE");
	long r = (long)(n * (s ? atof(s) : 1.0));
	return r < 1 ? 1 : r;
}

#endif
