/* internal.h - the collector's shared state (not installed). */
#ifndef GC_INTERNAL_H
#define GC_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../gc.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define GRANULE 16 /* objects start on 16-byte boundaries */
#define GRANULES_PER_PAGE (PAGE_SIZE / GRANULE)
#define BITWORDS_PER_PAGE (GRANULES_PER_PAGE / 64) /* one bit per granule */
#define SMALL_MAX 2048 /* larger objects get whole pages */
#define NCLASSES 29
#define NO_PAGE UINT32_MAX

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---- the heap (heap.c) ---- */

enum page_kind {
	PG_FREE = 0,
	PG_SMALL,      /* objects of one size class */
	PG_LARGE,      /* first page of a large object */
	PG_LARGE_TAIL, /* another page of it: `span` is the distance back */
};

struct page_info {
	uint8_t kind;
	uint8_t cls;    /* PG_SMALL: size class */
	uint8_t atomic; /* the objects hold no pointers */
	uint8_t pad;
	uint32_t next;  /* page lists (PG_SMALL, PG_LARGE) */
	uint32_t span;  /* PG_LARGE: pages of the object; PG_LARGE_TAIL: back to it */
	uint32_t pad2;
};

struct page_list {
	uint32_t head, tail;
	size_t count;
};

enum phase { PHASE_IDLE, PHASE_MARKING, PHASE_SWEEPING };

struct heap {
	uintptr_t base;   /* first page */
	size_t npages;    /* committed pages: [base, base + npages * PAGE_SIZE) */
	size_t max_pages; /* reserved */
	struct page_info *info;
	uint64_t *alloc_bits; /* per granule: an object starts here and is in use */
	uint64_t *mark_bits;  /* per granule: the object was reached this cycle */
	uint64_t *free_map;   /* per page: free */
	size_t free_pages;
	size_t pointer_pages; /* in use and scanned (not atomic) */
	size_t high_water;    /* pages from here on were never handed out: still zero */
	int last_take_fresh;  /* the last heap_take_pages() gave such pages */
	struct page_list partial[NCLASSES][2]; /* some objects free */
	struct page_list full[NCLASSES][2];
	struct page_list unswept[NCLASSES][2];
	struct page_list large, large_unswept;
	unsigned sweep_class; /* the next class the background sweep takes */
};

extern struct heap *gc_heap;
extern const uint16_t gc_class_size[NCLASSES];
extern const uint16_t gc_class_count[NCLASSES]; /* objects per page */
extern const uint32_t gc_class_recip[NCLASSES]; /* offset * recip >> 32 = offset / size */
extern uint8_t gc_class_of_granules[SMALL_MAX / GRANULE + 1];

static inline uintptr_t page_addr(size_t pg)
{
	return gc_heap->base + (pg << PAGE_SHIFT);
}

static inline size_t page_of(uintptr_t a)
{
	return (a - gc_heap->base) >> PAGE_SHIFT;
}

/* pages whose contents are scanned (the trackers watch these) */
static inline int page_holds_pointers(const struct page_info *pi)
{
	return pi->kind != PG_FREE && !pi->atomic;
}

int heap_init(size_t max_bytes, size_t initial_bytes);
int heap_grow(size_t min_pages);         /* commits more; 0 or -ENOMEM */
long heap_take_pages(size_t n, int high); /* first (high: last) fit; index or -1 */
void heap_give_pages(size_t pg, size_t n);
void list_push(struct page_list *l, size_t pg);
long list_pop(struct page_list *l);
void list_append(struct page_list *to, struct page_list *from);
/* sweeping (after a cycle's marking): */
void heap_lists_to_unswept(void);
int heap_sweep_class(unsigned cls, int atomic); /* until a page with room: 1 */
size_t heap_sweep_some(size_t pages);            /* background; pages swept */
void heap_sweep_all(void);
int heap_sweep_done(void);

/* ---- marking (mark.c) ---- */

int mark_init(void);
void mark_range(uintptr_t lo, uintptr_t hi);  /* scans [lo, hi) for pointers */
void mark_object_quietly(uintptr_t obj);      /* marks without scanning */
int mark_drain(size_t budget);                /* 1: nothing left to mark */
void mark_drain_all(void);
void mark_rescan_page(size_t pg);             /* marked objects of a dirty page */
extern uint64_t gc_live_bytes;                /* marked this cycle */
long mark_verify(void);                       /* GC_DEBUG=2 */

/* ---- roots and threads (roots.c, threads.c) ---- */

struct gc_thread {
	void *cache[NCLASSES][2]; /* free objects, linked through their first word */
	pid_t tid;
	uintptr_t stack_hi;          /* the stack's top; it grows down */
	volatile uintptr_t stop_sp;  /* where a stopped thread's stack begins */
	volatile unsigned stop_ack;  /* the stop epoch it answered */
	struct gc_thread *next;
};

extern __thread struct gc_thread *gc_self;
int threads_init(void);
struct gc_thread *threads_register_self(void);
void threads_stop_world(void);
void threads_start_world(void);
unsigned threads_count(void);
unsigned threads_epoch(void); /* a thread stopped now answered this one */
struct gc_thread *threads_list(void);
void roots_init(void);
void roots_scan(void); /* data segments, stacks, registers, extra roots */
int roots_add(uintptr_t lo, uintptr_t hi);
void threads_mark_caches(void);

/* ---- dirty-page trackers (track_*.c) ---- */

struct tracker {
	const char *name;
	/* probes the machine; 0 or -errno after one line of cause and remedy */
	int (*init)(void);
	/* the start of a cycle: from now on every write to a pointer page of
	 * [base, base + npages) is reported; the world is stopped */
	void (*start)(void);
	/* ORs the pages written since start (or the last collect with
	 * restart) into bits; with restart, tracking begins anew for them.
	 * Returns how many pages it reported. */
	long (*collect)(uint64_t *bits, int restart);
	/* the cycle's marking is over: writes need not be seen any more */
	void (*stop)(void);
	/* pages [pg, pg + n) began to hold pointers while tracking */
	void (*pages_added)(size_t pg, size_t n);
	/* collect(restart) is safe while other threads write */
	int concurrent_restart;
};

extern const struct tracker gc_track_dune, gc_track_mprotect, gc_track_softdirty;

/* ---- the collector's state (cycle.c) ---- */

struct gc_state {
	pthread_mutex_t lock;
	const struct tracker *tracker; /* NULL: no incremental marking */
	enum gc_tracker tracker_kind;
	enum phase phase;
	size_t max_pages;
	size_t alloc_since_cycle; /* bytes handed out since the last cycle ended */
	size_t unpaid;            /* handed out, not yet passed to cycle_step */
	size_t trigger;           /* start a cycle when alloc_since_cycle reaches it */
	size_t fixed_trigger;     /* the trigger asked for, or 0 */
	size_t mark_debt;         /* bytes of marking owed by allocation */
	unsigned preclean_left;   /* concurrent dirty-page rounds before the final one */
	uint64_t *dirty;          /* per heap page, filled by the tracker */
	struct gc_stats st;
	uint64_t stop_resends;  /* stop signals sent again (threads.c) */
	int debug, debug_level; /* GC_DEBUG */
	int oom_reported;
};

extern struct gc_state *gc;
void gc_lock(void);
void gc_unlock(void);
/* under the lock: allocation of `bytes` pays for its share of the work */
void cycle_step(size_t bytes);
/* under the lock: no page is free; 0 when it may be retried */
int cycle_out_of_pages(size_t npages, int attempt);
void cycle_pause_begin(uint64_t *t0);
void cycle_pause_end(uint64_t t0);
uint64_t gc_now_ns(void);
void gc_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void gc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* a bitmap over heap pages, for the trackers */
static inline void bit_set(uint64_t *b, size_t i)
{
	b[i / 64] |= 1UL << (i % 64);
}

static inline int bit_test(const uint64_t *b, size_t i)
{
	return (b[i / 64] >> (i % 64)) & 1;
}

#endif
