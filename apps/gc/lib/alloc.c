/*
 * alloc.c - gc_malloc and gc_malloc_atomic: a per-thread cache of free
 * objects per size class, filled a page at a time under the lock; large
 * objects get whole pages.
 *
 * While a cycle marks, what is handed out is marked at once ("allocated
 * black"): the cycle keeps it, and the tracker sees the mutator fill it.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* Takes all free objects of a page for the thread's cache. */
static void *fill_cache(struct gc_thread *t, size_t pg, unsigned c, int atomic)
{
	struct heap *h = gc_heap;
	uint64_t *al = &h->alloc_bits[pg * BITWORDS_PER_PAGE];
	uint64_t *mk = &h->mark_bits[pg * BITWORDS_PER_PAGE];
	unsigned size = gc_class_size[c], n = gc_class_count[c], taken = 0;
	int black = gc->phase == PHASE_MARKING;
	void *first = NULL, **link = &first;

	for (unsigned i = 0; i < n; i++) {
		unsigned g = i * size / GRANULE;
		uint64_t bit = 1UL << (g % 64);
		void *obj;
		if (al[g / 64] & bit)
			continue;
		al[g / 64] |= bit;
		if (black) {
			mk[g / 64] |= bit;
			gc_live_bytes += size;
		}
		obj = (void *)(page_addr(pg) + (uintptr_t)i * size);
		*link = obj;
		link = (void **)obj;
		taken++;
	}
	*link = NULL;
	if (!first)
		gc_fatal("page %zu of class %u was listed with room but has none", pg, c);
	list_push(&h->full[c][atomic], pg);
	t->cache[c][atomic] = *(void **)first;
	gc->st.allocated_bytes += (uint64_t)taken * size;
	gc->unpaid += (size_t)taken * size; /* paid at the next refill */
	return first;
}

static void *refill(struct gc_thread *t, unsigned c, int atomic)
{
	struct heap *h = gc_heap;
	void *obj = NULL;
	long pg;

	gc_lock();
	/* the collector's share for what was handed out before, first: a
	 * collection after taking the objects could miss the one about to be
	 * returned (it may live in no register the compiler kept) */
	cycle_step(gc->unpaid);
	gc->unpaid = 0;
	for (int attempt = 0;; attempt++) {
		pg = list_pop(&h->partial[c][atomic]);
		if (pg < 0 && gc->phase == PHASE_SWEEPING && heap_sweep_class(c, atomic))
			pg = list_pop(&h->partial[c][atomic]);
		if (pg < 0 && (pg = heap_take_pages(1, atomic)) >= 0) {
			struct page_info *pi = &h->info[pg];
			pi->kind = PG_SMALL;
			pi->cls = (uint8_t)c;
			pi->atomic = (uint8_t)atomic;
			if (!atomic) {
				h->pointer_pages++;
				if (gc->phase == PHASE_MARKING && gc->tracker)
					gc->tracker->pages_added((size_t)pg, 1);
			}
		}
		if (pg >= 0)
			break;
		if (cycle_out_of_pages(1, attempt) < 0)
			goto out;
	}
	obj = fill_cache(t, (size_t)pg, c, atomic);
out:
	gc_unlock();
	return obj;
}

static void *alloc_large(size_t size, int atomic)
{
	struct heap *h = gc_heap;
	size_t n = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	void *p = NULL;
	int fresh = 0;
	long pg;

	if (size > (h->max_pages << PAGE_SHIFT))
		return NULL;
	gc_lock();
	cycle_step(gc->unpaid + (n << PAGE_SHIFT)); /* before: see refill() */
	gc->unpaid = 0;
	for (int attempt = 0; (pg = heap_take_pages(n, atomic)) < 0; attempt++)
		if (cycle_out_of_pages(n, attempt) < 0)
			goto out;
	fresh = h->last_take_fresh; /* memory never used since it was committed is zero */
	h->info[pg] = (struct page_info){ .kind = PG_LARGE, .atomic = (uint8_t)atomic,
					  .span = (uint32_t)n, .next = NO_PAGE };
	for (size_t i = 1; i < n; i++)
		h->info[pg + i] = (struct page_info){ .kind = PG_LARGE_TAIL, .atomic = (uint8_t)atomic,
						      .span = (uint32_t)i, .next = NO_PAGE };
	h->alloc_bits[pg * BITWORDS_PER_PAGE] |= 1;
	if (gc->phase == PHASE_MARKING) {
		h->mark_bits[pg * BITWORDS_PER_PAGE] |= 1;
		gc_live_bytes += n << PAGE_SHIFT;
		if (!atomic && gc->tracker)
			gc->tracker->pages_added((size_t)pg, n);
	}
	if (!atomic)
		h->pointer_pages += n;
	list_push(&h->large, (size_t)pg);
	p = (void *)page_addr((size_t)pg);
	gc->st.allocated_bytes += n << PAGE_SHIFT;
out:
	gc_unlock();
	/* outside the lock: the object is ours, reachable from this thread */
	if (p && !atomic && !fresh)
		memset(p, 0, n << PAGE_SHIFT);
	return p;
}

static void *refused(size_t size)
{
	gc_lock();
	gc->st.oom++;
	if (!gc->oom_reported) {
		gc->oom_reported = 1;
		gc_warn("out of memory: %zu bytes asked for, the heap is at its limit of %zu MiB "
			"with %zu MiB live after a full collection; raise GC_MAX_HEAP or keep less alive",
			size, (gc_heap->max_pages << PAGE_SHIFT) >> 20, (size_t)(gc->st.live_bytes >> 20));
	}
	gc_unlock();
	errno = ENOMEM;
	return NULL;
}

static inline struct gc_thread *self(void)
{
	struct gc_thread *t = gc_self;
	if (unlikely(!t)) {
		if (!gc)
			gc_fatal("gc_malloc before gc_init");
		t = threads_register_self();
	}
	return t;
}

static inline void *alloc(size_t size, int atomic)
{
	struct gc_thread *t = self();
	void *p;
	unsigned c;

	if (unlikely(size > SMALL_MAX)) {
		p = alloc_large(size, atomic);
		return p ? p : refused(size);
	}
	c = gc_class_of_granules[(size + GRANULE - 1) / GRANULE];
	p = t->cache[c][atomic];
	if (likely(p))
		t->cache[c][atomic] = *(void **)p;
	else if (!(p = refill(t, c, atomic)))
		return refused(size);
	if (unlikely(gc->debug_level >= 3)) {
		size_t off = (uintptr_t)p - gc_heap->base, pg = off >> PAGE_SHIFT;
		size_t g = (off & (PAGE_SIZE - 1)) / GRANULE;
		struct page_info *pi = &gc_heap->info[pg];
		if (!((gc_heap->alloc_bits[pg * BITWORDS_PER_PAGE + g / 64] >> (g % 64)) & 1) ||
		    pi->kind != PG_SMALL || pi->cls != c || pi->atomic != atomic)
			gc_fatal("cached object %p is not allocated as class %u (page kind %d class %d)",
				 p, c, pi->kind, pi->cls);
	}
	if (atomic)
		*(void **)p = NULL;
	else
		memset(p, 0, gc_class_size[c]);
	return p;
}

void *gc_malloc(size_t size)
{
	return alloc(size, 0);
}

void *gc_malloc_atomic(size_t size)
{
	return alloc(size, 1);
}
