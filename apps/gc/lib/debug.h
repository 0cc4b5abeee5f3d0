/* debug.h - what the collector's own tests may ask of it beyond gc.h. */
#ifndef GC_DEBUG_H
#define GC_DEBUG_H

/* If the program defines it, called at the end of every cycle's marking
 * with the world stopped: a test can check that everything it can reach
 * is marked (the promise the sweep relies on). */
void gc_debug_after_mark(void) __attribute__((weak));
/* 1 if p points into an object marked in the cycle being finished */
int gc_debug_marked(const void *p);

/* The tracker's steps on their own, for benchmarks of dirty-page
 * discovery: start tracking, collect what was written since (restart:
 * and track anew), stop. Each is timed into gc_stats.discovery_ns; collect
 * returns the pages reported. No cycle runs meanwhile only if the program
 * allocates nothing (or set a large trigger). 0 or -EINVAL without one. */
int gc_debug_track_start(void);
long gc_debug_track_collect(int restart);
int gc_debug_track_stop(void);

#endif
