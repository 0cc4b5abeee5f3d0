/*
 * mark.c - conservative marking: any word that points into an allocated
 * object (its start or anywhere inside) marks it; marked objects with
 * pointers are pushed and their words scanned in turn, a budget at a time.
 *
 * The mark stack lives outside the heap and doubles when full; if it cannot
 * grow, objects are marked without being pushed and the heap is searched
 * for them afterwards (overflow recovery), so marking never fails.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "debug.h"
#include "internal.h"

struct range {
	uintptr_t lo, hi;
};

#define STACK_INITIAL (64 * 1024) /* entries */
#define SCAN_CHUNK (64 * 1024)    /* bytes of a big object scanned before the rest is pushed */

static struct range *stack;
static size_t stack_len, stack_cap;
static int overflowed;
uint64_t gc_live_bytes;

int mark_init(void)
{
	stack = mmap(NULL, STACK_INITIAL * sizeof(*stack), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stack == MAP_FAILED)
		return -ENOMEM;
	stack_cap = STACK_INITIAL;
	return 0;
}

static void push(uintptr_t lo, uintptr_t hi)
{
	if (unlikely(stack_len == stack_cap)) {
		void *n = mremap(stack, stack_cap * sizeof(*stack), 2 * stack_cap * sizeof(*stack),
				 MREMAP_MAYMOVE);
		if (n == MAP_FAILED) {
			overflowed = 1; /* found again by recover_overflow() */
			return;
		}
		stack = n;
		stack_cap *= 2;
	}
	stack[stack_len++] = (struct range){ lo, hi };
}

/* The object holding heap offset off, if one is allocated there: its start,
 * size, mark word and bit. */
struct found {
	uintptr_t obj;
	size_t size;
	uint64_t *mark_word, bit;
	int atomic;
};

static inline int find_object(size_t off, struct found *f)
{
	struct heap *h = gc_heap;
	size_t pg = off >> PAGE_SHIFT, g;
	struct page_info *pi = &h->info[pg];

	if (likely(pi->kind == PG_SMALL)) {
		unsigned c = pi->cls;
		uint32_t in_page = (uint32_t)(off & (PAGE_SIZE - 1));
		uint32_t idx = (uint32_t)(((uint64_t)in_page * gc_class_recip[c]) >> 32);
		if (idx >= gc_class_count[c])
			return 0; /* the slack at the page's end */
		g = (idx * gc_class_size[c]) / GRANULE;
		f->bit = 1UL << (g % 64);
		if (!(h->alloc_bits[pg * BITWORDS_PER_PAGE + g / 64] & f->bit))
			return 0;
		f->mark_word = &h->mark_bits[pg * BITWORDS_PER_PAGE + g / 64];
		f->obj = page_addr(pg) + idx * gc_class_size[c];
		f->size = gc_class_size[c];
		f->atomic = pi->atomic;
		return 1;
	}
	if (pi->kind == PG_LARGE_TAIL) {
		pg -= pi->span;
		pi = &h->info[pg];
	} else if (pi->kind != PG_LARGE) {
		return 0;
	}
	if (!(h->alloc_bits[pg * BITWORDS_PER_PAGE] & 1))
		return 0;
	f->bit = 1;
	f->mark_word = &h->mark_bits[pg * BITWORDS_PER_PAGE];
	f->obj = page_addr(pg);
	f->size = (size_t)pi->span << PAGE_SHIFT;
	f->atomic = pi->atomic;
	return 1;
}

/* Marks the object holding address a, if any, and pushes it. */
static inline void mark_word(uintptr_t a)
{
	struct found f;
	if (!find_object(a - gc_heap->base, &f) || (*f.mark_word & f.bit))
		return;
	*f.mark_word |= f.bit;
	gc_live_bytes += f.size;
	if (!f.atomic)
		push(f.obj, f.obj + f.size);
}

static void scan(uintptr_t lo, uintptr_t hi)
{
	uintptr_t base = gc_heap->base, span = gc_heap->npages << PAGE_SHIFT;
	lo = (lo + 7) & ~7UL;
	gc->st.bytes_marked += hi > lo ? hi - lo : 0;
	for (uintptr_t p = lo; p + 8 <= hi; p += 8) {
		uintptr_t w = *(volatile uintptr_t *)p; /* others may write it meanwhile */
		if (w - base < span)
			mark_word(w);
	}
}

void mark_range(uintptr_t lo, uintptr_t hi)
{
	scan(lo, hi);
}

/* cached free objects: kept, but there is nothing in them to scan */
void mark_object_quietly(uintptr_t obj)
{
	struct found f;
	if (obj - gc_heap->base < (gc_heap->npages << PAGE_SHIFT) &&
	    find_object(obj - gc_heap->base, &f) && !(*f.mark_word & f.bit)) {
		*f.mark_word |= f.bit;
		gc_live_bytes += f.size;
	}
}

/* The heap holds marked objects that were never scanned: scan every marked
 * object once more (each pass marks more; it ends when nothing overflows). */
static int recovering;

static void recover_overflow(void)
{
	struct heap *h = gc_heap;
	recovering = 1;
	while (overflowed) {
		overflowed = 0;
		for (size_t pg = 0; pg < h->npages; pg++) {
			struct page_info *pi = &h->info[pg];
			if (!page_holds_pointers(pi))
				continue;
			if (pi->kind == PG_SMALL) {
				mark_rescan_page(pg);
			} else if (pi->kind == PG_LARGE) {
				if (h->mark_bits[pg * BITWORDS_PER_PAGE] & 1)
					push(page_addr(pg), page_addr(pg + pi->span));
				pg += pi->span - 1;
			}
			mark_drain_all();
		}
	}
	recovering = 0;
}

int mark_drain(size_t budget)
{
	size_t done = 0;
	while (stack_len && done < budget) {
		struct range r = stack[--stack_len];
		if (r.hi - r.lo > SCAN_CHUNK) {
			push(r.lo + SCAN_CHUNK, r.hi);
			r.hi = r.lo + SCAN_CHUNK;
		}
		scan(r.lo, r.hi);
		done += r.hi - r.lo;
	}
	if (!stack_len && overflowed && !recovering)
		recover_overflow();
	return stack_len == 0;
}

void mark_drain_all(void)
{
	while (!mark_drain(SIZE_MAX))
		;
}

/* A page written since it was scanned: its marked objects again. */
void mark_rescan_page(size_t pg)
{
	struct heap *h = gc_heap;
	struct page_info *pi = &h->info[pg];
	uintptr_t lo = page_addr(pg), hi = lo + PAGE_SIZE;

	if (!page_holds_pointers(pi))
		return;
	if (pi->kind == PG_SMALL) {
		const uint64_t *mk = &h->mark_bits[pg * BITWORDS_PER_PAGE];
		unsigned size = gc_class_size[pi->cls];
		for (unsigned w = 0; w < BITWORDS_PER_PAGE; w++)
			for (uint64_t m = mk[w]; m; m &= m - 1) {
				uintptr_t obj = lo + (w * 64 + (unsigned)__builtin_ctzl(m)) * GRANULE;
				push(obj, obj + size);
			}
		return;
	}
	/* a page of a large object: just this page of it */
	if (pi->kind == PG_LARGE_TAIL)
		pg -= pi->span;
	if (h->mark_bits[pg * BITWORDS_PER_PAGE] & 1)
		push(lo, hi);
}

/* GC_DEBUG=2: after marking, every pointer in a marked object must lead
 * to a marked object (the closure marking promises). Slow; for debugging. */
long mark_verify(void)
{
	struct heap *h = gc_heap;
	uintptr_t span = h->npages << PAGE_SHIFT;
	size_t cached_bytes = h->npages * BITWORDS_PER_PAGE * 8;
	uint64_t *cached = mmap(NULL, cached_bytes, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long missing = 0;

	/* objects waiting in caches are marked but hold stale words */
	if (cached == MAP_FAILED)
		return 0;
	for (struct gc_thread *t = threads_list(); t; t = t->next)
		for (unsigned c = 0; c < NCLASSES; c++)
			for (int a = 0; a < 2; a++)
				for (void *p = t->cache[c][a]; p; p = *(void **)p)
					bit_set(cached, ((uintptr_t)p - h->base) / GRANULE);
	for (size_t pg = 0; pg < h->npages; pg++) {
		struct page_info *pi = &h->info[pg];
		uintptr_t lo = page_addr(pg);
		if (!page_holds_pointers(pi) || pi->kind == PG_LARGE_TAIL)
			continue;
		for (unsigned i = 0; i < (pi->kind == PG_SMALL ? gc_class_count[pi->cls] : 1); i++) {
			struct found obj, to;
			uintptr_t o = lo + (pi->kind == PG_SMALL ? i * gc_class_size[pi->cls] : 0);
			if (!find_object(o - h->base, &obj) || !(*obj.mark_word & obj.bit) ||
			    bit_test(cached, (obj.obj - h->base) / GRANULE))
				continue;
			for (uintptr_t p = obj.obj; p + 8 <= obj.obj + obj.size; p += 8) {
				uintptr_t w = *(uintptr_t *)p;
				if (w - h->base < span && find_object(w - h->base, &to) &&
				    !(*to.mark_word & to.bit)) {
					if (missing++ < 10)
						gc_warn("verify: marked %p (+%lu, size %zu) points to unmarked %p (size %zu, word %#lx)",
							(void *)obj.obj, (unsigned long)(p - obj.obj), obj.size,
							(void *)to.obj, to.size, (unsigned long)w);
				}
			}
		}
	}
	munmap(cached, cached_bytes);
	return missing;
}

int gc_debug_marked(const void *p)
{
	struct found f;
	uintptr_t off = (uintptr_t)p - gc_heap->base;
	return off < (gc_heap->npages << PAGE_SHIFT) && find_object(off, &f) &&
	       (*f.mark_word & f.bit) != 0;
}
