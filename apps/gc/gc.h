/*
 * gc.h - a conservative, incremental mark-sweep collector for C.
 *
 * Marking runs in slices between the mutator's allocations; pages written
 * meanwhile are found by a dirty-page tracker chosen at start-up and
 * re-scanned, with every registered thread stopped, before sweeping:
 *
 *   dune       the dirty bits of the page table (libdune's pgroot): the
 *              process enters dune mode in gc_init
 *   mprotect   pointer pages write-protected, SIGSEGV records the first
 *              write to each (the kernel's own writes into a protected page
 *              fail with EFAULT: do I/O into gc_malloc_atomic buffers)
 *   softdirty  Linux soft-dirty bits (/proc/self/clear_refs, pagemap)
 *   none       no tracker: every collection stops the world
 *
 * Roots: registers and stacks of registered threads, the writable segments
 * of the program and its libraries, ranges given to gc_add_roots. Memory
 * from malloc and thread-local variables are not scanned.
 */
#ifndef GC_GC_H
#define GC_GC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum gc_tracker {
	GC_TRACKER_DEFAULT = 0, /* GC_TRACKER from the environment, else none */
	GC_TRACKER_NONE,
	GC_TRACKER_DUNE,
	GC_TRACKER_MPROTECT,
	GC_TRACKER_SOFTDIRTY,
};

struct gc_options {
	enum gc_tracker tracker;
	size_t max_heap;     /* bytes; 0: GC_MAX_HEAP, else half of physical memory */
	size_t initial_heap; /* bytes committed at start; 0: 1 MiB */
	size_t trigger;      /* bytes allocated between cycles; 0: GC_TRIGGER, else a
			      * third of the live heap, at least 4 MiB */
};

/* Sets the collector up on the calling thread (which becomes the first
 * registered thread); call it once, before other threads exist. Returns 0,
 * or -errno after printing one line that names the cause and the remedy
 * (a tracker this machine lacks, an unusable option). */
int gc_init(const struct gc_options *opt);

/* Zeroed memory that is scanned for pointers; NULL (errno ENOMEM) when the
 * heap limit is reached even after a full collection. Any address inside
 * an object keeps it alive. */
void *gc_malloc(size_t size);
/* Memory that is never scanned (no pointers inside), not zeroed. */
void *gc_malloc_atomic(size_t size);
/* A full collection now (finishes a cycle under way first). */
void gc_collect(void);
/* Extra roots: [start, end) is scanned for pointers in every collection. */
int gc_add_roots(void *start, void *end);

/* Threads that touch the heap must be known to the collector: create them
 * with gc_pthread_create, or call gc_thread_register first thing in the
 * thread (it is unregistered when it exits). */
int gc_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int gc_thread_register(void);

const char *gc_tracker_name(void);

struct gc_stats {
	uint64_t cycles;          /* collections finished */
	uint64_t full_cycles;     /* of which with the world stopped throughout */
	uint64_t heap_bytes;      /* committed heap */
	uint64_t heap_bytes_max;
	uint64_t live_bytes;      /* marked at the end of the last cycle */
	uint64_t allocated_bytes; /* handed to the mutator, in all */
	uint64_t pauses;          /* times the collector held a mutator up */
	uint64_t pause_ns_total;
	uint64_t pause_ns_max;
	uint64_t world_stops;     /* of which with all threads stopped */
	uint64_t discovery_ns;    /* in the tracker: clearing and collecting dirty pages */
	uint64_t discovery_passes;
	uint64_t dirty_pages;     /* reported by the tracker, summed over passes */
	uint64_t pages_rescanned; /* dirty pages holding marked objects, scanned again */
	uint64_t entries_read;    /* page-table (dune) or pagemap (softdirty) entries read */
	uint64_t protect_calls;   /* mprotect calls made by the tracker */
	uint64_t traps;           /* write faults the tracker took itself (mprotect) */
	uint64_t bytes_marked;    /* bytes scanned for pointers while marking */
	uint64_t oom;             /* allocations refused */
};
void gc_get_stats(struct gc_stats *st);

#ifdef __cplusplus
}
#endif

#endif
