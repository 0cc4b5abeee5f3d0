/*
 * cycle.c - when the collector works and what a cycle is.
 *
 * Incremental cycle (with a tracker):
 *   start      world stopped: sweeping finished, the tracker starts,
 *              roots scanned (a head start; they are scanned again)
 *   marking    slices paid for by allocation (MARK_RATE bytes scanned per
 *              byte allocated), the mutator running in between; then
 *              PRECLEAN_ROUNDS rounds that take the dirty pages while the
 *              mutator runs and scan their marked objects again
 *   finish     world stopped: roots again, the dirty pages since the last
 *              round, marking to the end; then the heap is swept lazily
 * Without a tracker every cycle stops the world from start to finish.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "debug.h"
#include "internal.h"

#define MARK_RATE 4              /* bytes scanned per byte allocated while marking */
#define SLICE_MAX (256 * 1024)   /* bytes scanned at most in one slice */
#define SWEEP_RATE 4             /* pages swept per page allocated */
#define MIN_TRIGGER (4UL << 20)  /* bytes allocated before the first cycle */
#define TRIGGER_DIVISOR 3        /* then a third of what was live */
#define PRECLEAN_ROUNDS 1

struct gc_state *gc;

void gc_lock(void)
{
	pthread_mutex_lock(&gc->lock);
}

void gc_unlock(void)
{
	pthread_mutex_unlock(&gc->lock);
}

uint64_t gc_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void vsay(const char *fmt, va_list ap)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "gc: ");
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(2, buf, (size_t)n) < 0)
		return;
}

void gc_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void gc_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	abort();
}

void cycle_pause_begin(uint64_t *t0)
{
	*t0 = gc_now_ns();
}

void cycle_pause_end(uint64_t t0)
{
	uint64_t d = gc_now_ns() - t0;
	gc->st.pauses++;
	gc->st.pause_ns_total += d;
	if (d > gc->st.pause_ns_max)
		gc->st.pause_ns_max = d;
}

/* ---- the tracker, timed ---- */

static void track_start(void)
{
	uint64_t t0 = gc_now_ns();
	gc->tracker->start();
	gc->st.discovery_ns += gc_now_ns() - t0;
	gc->st.discovery_passes++;
}

static long track_collect(int restart)
{
	uint64_t t0;
	long n;
	memset(gc->dirty, 0, (gc_heap->npages + 63) / 64 * 8);
	t0 = gc_now_ns();
	n = gc->tracker->collect(gc->dirty, restart);
	gc->st.discovery_ns += gc_now_ns() - t0;
	gc->st.discovery_passes++;
	gc->st.dirty_pages += (uint64_t)n;
	return n;
}

static void rescan_dirty(void)
{
	struct heap *h = gc_heap;
	size_t words = (h->npages + 63) / 64;
	for (size_t w = 0; w < words; w++)
		for (uint64_t m = gc->dirty[w]; m; m &= m - 1) {
			size_t pg = w * 64 + (size_t)__builtin_ctzl(m);
			if (pg < h->npages && page_holds_pointers(&h->info[pg])) {
				mark_rescan_page(pg);
				gc->st.pages_rescanned++;
			}
		}
}

/* ---- cycles ---- */

static void end_of_marking(int full)
{
	mark_drain_all();
	if (gc_debug_after_mark)
		gc_debug_after_mark();
	if (gc->debug_level >= 2 && mark_verify())
		gc_fatal("marking left reachable objects unmarked (cycle %llu)",
			 (unsigned long long)gc->st.cycles + 1);
	heap_lists_to_unswept();
	gc->phase = PHASE_SWEEPING;
	gc->st.live_bytes = gc_live_bytes;
	gc->trigger = gc->fixed_trigger ? gc->fixed_trigger : gc_live_bytes / TRIGGER_DIVISOR;
	if (!gc->fixed_trigger && gc->trigger < MIN_TRIGGER)
		gc->trigger = MIN_TRIGGER;
	gc->alloc_since_cycle = 0;
	gc->st.cycles++;
	gc->st.full_cycles += full;
	gc->oom_reported = 0;
	if (gc->debug)
		gc_warn("cycle %llu (%s): %zu KiB live, heap %zu MiB, %llu stop signals resent",
			(unsigned long long)gc->st.cycles, full ? "full" : "incremental",
			(size_t)(gc_live_bytes >> 10), (gc_heap->npages << PAGE_SHIFT) >> 20,
			(unsigned long long)gc->stop_resends);
}

static void finish_sweeping(void)
{
	if (gc->phase == PHASE_SWEEPING) {
		heap_sweep_all();
		gc->phase = PHASE_IDLE;
	}
}

static void cycle_start(void)
{
	uint64_t t0;
	cycle_pause_begin(&t0);
	finish_sweeping();
	threads_stop_world();
	gc_live_bytes = 0;
	track_start();
	roots_scan();
	gc->phase = PHASE_MARKING;
	gc->mark_debt = 0;
	gc->preclean_left = PRECLEAN_ROUNDS;
	threads_start_world();
	cycle_pause_end(t0);
}

static void cycle_finish(void)
{
	threads_stop_world();
	roots_scan();
	threads_mark_caches();
	track_collect(0);
	rescan_dirty();
	mark_drain_all();
	gc->tracker->stop();
	end_of_marking(0);
	threads_start_world();
}

/* The mark stack ran dry while the mutator ran: pages written since then
 * are scanned again, first while it keeps running, then with it stopped. */
static void marking_caught_up(void)
{
	if (gc->preclean_left) {
		int stop = !gc->tracker->concurrent_restart && threads_count() > 1;
		gc->preclean_left--;
		if (stop)
			threads_stop_world();
		track_collect(1);
		if (stop)
			threads_start_world();
		rescan_dirty();
		return;
	}
	cycle_finish();
}

/* Everything at once, the world stopped (and a cycle under way finished). */
static void full_collection(void)
{
	uint64_t t0;
	cycle_pause_begin(&t0);
	if (gc->phase == PHASE_MARKING)
		cycle_finish();
	finish_sweeping();
	threads_stop_world();
	gc_live_bytes = 0;
	roots_scan();
	threads_mark_caches();
	end_of_marking(1);
	threads_start_world();
	cycle_pause_end(t0);
}

void cycle_step(size_t bytes)
{
	uint64_t t0;
	gc->alloc_since_cycle += bytes;
	switch (gc->phase) {
	case PHASE_SWEEPING:
		heap_sweep_some(SWEEP_RATE * ((bytes >> PAGE_SHIFT) + 1));
		if (!heap_sweep_done())
			break;
		gc->phase = PHASE_IDLE;
		/* fall through */
	case PHASE_IDLE:
		if (gc->alloc_since_cycle < gc->trigger)
			break;
		if (gc->tracker)
			cycle_start();
		else
			full_collection();
		break;
	case PHASE_MARKING: {
		uint64_t before = gc->st.bytes_marked;
		size_t budget;
		cycle_pause_begin(&t0);
		gc->mark_debt += bytes * MARK_RATE;
		budget = gc->mark_debt < SLICE_MAX ? gc->mark_debt : SLICE_MAX;
		if (mark_drain(budget))
			marking_caught_up();
		before = gc->st.bytes_marked - before;
		gc->mark_debt -= before < gc->mark_debt ? before : gc->mark_debt;
		cycle_pause_end(t0);
		break;
	}
	}
}

/* Under the lock, no free page for an allocation of npages: each attempt
 * tries something dearer; after the last the allocation is refused. */
int cycle_out_of_pages(size_t npages, int attempt)
{
	switch (attempt) {
	case 0: /* pages freed by sweeping that has not happened yet */
		finish_sweeping();
		return 0;
	case 1: /* a cycle is due */
		if (gc->phase == PHASE_IDLE && gc->alloc_since_cycle >= gc->trigger) {
			if (gc->tracker)
				cycle_start();
			else
				full_collection();
		}
		return 0;
	case 2: /* an incremental cycle needs room to run in */
		heap_grow(npages);
		return 0;
	case 3: /* at the limit: everything, now */
		full_collection();
		finish_sweeping();
		return 0;
	case 4:
		heap_grow(npages);
		return 0;
	default:
		return -ENOMEM;
	}
}

/* ---- the API ---- */

static enum gc_tracker tracker_from(const char *s)
{
	if (!s || !*s || !strcmp(s, "none"))
		return GC_TRACKER_NONE;
	if (!strcmp(s, "dune"))
		return GC_TRACKER_DUNE;
	if (!strcmp(s, "mprotect"))
		return GC_TRACKER_MPROTECT;
	if (!strcmp(s, "softdirty"))
		return GC_TRACKER_SOFTDIRTY;
	return GC_TRACKER_DEFAULT; /* unknown */
}

/* "64M", "2G", "1048576" */
static size_t size_from(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	return *end ? 0 : (size_t)v;
}

int gc_init(const struct gc_options *opt)
{
	static const struct gc_options defaults;
	const char *env;
	size_t max_heap, initial;
	int r;

	if (gc)
		return -EALREADY;
	if (!opt)
		opt = &defaults;
	gc = mmap(NULL, sizeof(*gc), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (gc == MAP_FAILED) {
		gc = NULL;
		return -ENOMEM;
	}
	pthread_mutex_init(&gc->lock, NULL);
	gc->debug_level = (env = getenv("GC_DEBUG")) ? atoi(env) : 0;
	gc->debug = gc->debug_level >= 1;

	gc->tracker_kind = opt->tracker;
	if (gc->tracker_kind == GC_TRACKER_DEFAULT &&
	    (gc->tracker_kind = tracker_from(getenv("GC_TRACKER"))) == GC_TRACKER_DEFAULT) {
		gc_warn("GC_TRACKER=%s is not a tracker; use dune, mprotect, softdirty or none",
			getenv("GC_TRACKER"));
		return -EINVAL;
	}
	gc->tracker = gc->tracker_kind == GC_TRACKER_DUNE        ? &gc_track_dune
		      : gc->tracker_kind == GC_TRACKER_MPROTECT  ? &gc_track_mprotect
		      : gc->tracker_kind == GC_TRACKER_SOFTDIRTY ? &gc_track_softdirty
								 : NULL;

	max_heap = opt->max_heap;
	if (!max_heap && (env = getenv("GC_MAX_HEAP")) && !(max_heap = size_from(env))) {
		gc_warn("GC_MAX_HEAP=%s is not a size; write bytes or a number with K, M or G", env);
		return -EINVAL;
	}
	if (!max_heap)
		max_heap = (size_t)sysconf(_SC_PHYS_PAGES) * (size_t)sysconf(_SC_PAGESIZE) / 2;
	gc->fixed_trigger = opt->trigger;
	if (!gc->fixed_trigger && (env = getenv("GC_TRIGGER")) &&
	    !(gc->fixed_trigger = size_from(env))) {
		gc_warn("GC_TRIGGER=%s is not a size; write bytes or a number with K, M or G", env);
		return -EINVAL;
	}
	initial = opt->initial_heap ? opt->initial_heap : (1UL << 20);
	if (initial > max_heap)
		initial = max_heap;

	/* the dune tracker enters dune mode here: everything after is mirrored */
	if (gc->tracker && (r = gc->tracker->init()) < 0)
		return r;
	if ((r = heap_init(max_heap, initial)) < 0) {
		gc_warn("cannot reserve a heap of %zu MiB (error %d); lower GC_MAX_HEAP",
			max_heap >> 20, -r);
		return r;
	}
	gc->max_pages = gc_heap->max_pages;
	gc->dirty = mmap(NULL, (gc->max_pages + 63) / 64 * 8, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (gc->dirty == MAP_FAILED || (r = mark_init()) < 0 || (r = threads_init()) < 0)
		return r < 0 ? r : -ENOMEM;
	roots_init();
	gc->trigger = gc->fixed_trigger ? gc->fixed_trigger : MIN_TRIGGER;
	gc->phase = PHASE_IDLE;
	threads_register_self();
	return 0;
}

int gc_debug_track_start(void)
{
	if (!gc->tracker || gc->phase == PHASE_MARKING)
		return -EINVAL;
	gc_lock();
	track_start();
	gc_unlock();
	return 0;
}

long gc_debug_track_collect(int restart)
{
	long n;
	if (!gc->tracker)
		return -EINVAL;
	gc_lock();
	n = track_collect(restart);
	gc_unlock();
	return n;
}

int gc_debug_track_stop(void)
{
	if (!gc->tracker)
		return -EINVAL;
	gc_lock();
	gc->tracker->stop();
	gc_unlock();
	return 0;
}

void gc_collect(void)
{
	gc_lock();
	full_collection();
	finish_sweeping();
	gc_unlock();
}

const char *gc_tracker_name(void)
{
	return !gc ? "uninitialized" : gc->tracker ? gc->tracker->name : "none";
}

void gc_get_stats(struct gc_stats *st)
{
	gc_lock();
	*st = gc->st;
	st->heap_bytes = gc_heap->npages << PAGE_SHIFT;
	gc_unlock();
}
