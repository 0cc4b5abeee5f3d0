/*
 * heap.c - the heap's pages: one reserved range committed as it grows,
 * size classes, a first-fit page allocator over a free bitmap, page lists
 * and sweeping.
 *
 * All metadata lives outside the heap (page_info, the alloc and mark
 * bitmaps, the free map), so neither allocation bookkeeping nor marking
 * writes a heap page: the trackers see the mutator's writes only.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

struct heap *gc_heap;

const uint16_t gc_class_size[NCLASSES] = {
	16,  32,  48,  64,  80,  96,  112, 128, 144, 160,  176,  192,  208,  224, 240,
	256, 288, 320, 352, 384, 448, 512, 576, 640, 768, 896, 1024, 1360, 2048,
};
#define C(s) (PAGE_SIZE / (s))
const uint16_t gc_class_count[NCLASSES] = {
	C(16),  C(32),  C(48),  C(64),  C(80),  C(96),  C(112), C(128), C(144), C(160),
	C(176), C(192), C(208), C(224), C(240), C(256), C(288), C(320), C(352), C(384),
	C(448), C(512), C(576), C(640), C(768), C(896), C(1024), C(1360), C(2048),
};
/* exact for every offset below a page: the error term stays below 2^-20 */
#define R(s) ((uint32_t)((1ULL << 32) / (s) + 1))
const uint32_t gc_class_recip[NCLASSES] = {
	R(16),  R(32),  R(48),  R(64),  R(80),  R(96),  R(112), R(128), R(144), R(160),
	R(176), R(192), R(208), R(224), R(240), R(256), R(288), R(320), R(352), R(384),
	R(448), R(512), R(576), R(640), R(768), R(896), R(1024), R(1360), R(2048),
};
uint8_t gc_class_of_granules[SMALL_MAX / GRANULE + 1];

static size_t rover; /* no free page below this word of the free map */
static size_t unswept_pages;
static size_t meta_committed; /* pages whose metadata is committed */

/* ---- address space ---- */

static void *reserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* makes [from, to) of a reserved range usable (page-rounded) */
static int commit(void *base, size_t from, size_t to)
{
	uintptr_t a = ((uintptr_t)base + from) & ~(PAGE_SIZE - 1);
	uintptr_t b = ((uintptr_t)base + to + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (a >= b)
		return 0;
	return mprotect((void *)a, b - a, PROT_READ | PROT_WRITE) ? -errno : 0;
}

/* metadata for pages [0, n): info, both bitmaps */
static int commit_meta(size_t n)
{
	struct heap *h = gc_heap;
	int r;
	if (n <= meta_committed)
		return 0;
	if ((r = commit(h->info, meta_committed * sizeof(*h->info), n * sizeof(*h->info))) < 0 ||
	    (r = commit(h->alloc_bits, meta_committed * BITWORDS_PER_PAGE * 8,
			n * BITWORDS_PER_PAGE * 8)) < 0 ||
	    (r = commit(h->mark_bits, meta_committed * BITWORDS_PER_PAGE * 8,
			n * BITWORDS_PER_PAGE * 8)) < 0)
		return r;
	meta_committed = n;
	return 0;
}

int heap_init(size_t max_bytes, size_t initial_bytes)
{
	struct heap *h;
	size_t max_pages = max_bytes >> PAGE_SHIFT;
	size_t map_bytes = (max_pages + 63) / 64 * 8;

	if (max_pages < 16 || max_pages >= NO_PAGE)
		return -EINVAL;
	h = mmap(NULL, sizeof(*h), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED)
		return -ENOMEM;
	memset(h, 0xff, sizeof(*h)); /* every list empty (NO_PAGE) */
	gc_heap = h;
	for (unsigned c = 0; c < NCLASSES; c++)
		for (int a = 0; a < 2; a++) {
			h->partial[c][a].count = h->full[c][a].count = h->unswept[c][a].count = 0;
		}
	h->large.count = h->large_unswept.count = 0;
	h->npages = h->free_pages = h->pointer_pages = h->high_water = 0;
	h->sweep_class = 0;
	h->max_pages = max_pages;
	h->base = (uintptr_t)reserve(max_pages << PAGE_SHIFT);
	h->info = reserve(max_pages * sizeof(struct page_info));
	h->alloc_bits = reserve(max_pages * BITWORDS_PER_PAGE * 8);
	h->mark_bits = reserve(max_pages * BITWORDS_PER_PAGE * 8);
	h->free_map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!h->base || !h->info || !h->alloc_bits || !h->mark_bits || h->free_map == MAP_FAILED)
		return -ENOMEM;
	for (unsigned g = 0, c = 0; g <= SMALL_MAX / GRANULE; g++) {
		while (gc_class_size[c] < g * GRANULE)
			c++;
		gc_class_of_granules[g] = (uint8_t)c;
	}
	return heap_grow((initial_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

/* By half the heap between cycles; while a cycle marks, by an eighth: the
 * garbage it will find is room that is coming anyway. */
int heap_grow(size_t min_pages)
{
	struct heap *h = gc_heap;
	size_t add = h->npages / (gc->phase == PHASE_MARKING ? 8 : 2), from = h->npages;
	int r;

	if (add < 256) /* 1 MiB */
		add = 256;
	if (add < min_pages)
		add = min_pages;
	if (add > h->max_pages - h->npages)
		add = h->max_pages - h->npages;
	if (add < min_pages || add == 0)
		return -ENOMEM;
	if ((r = commit_meta(from + add)) < 0 ||
	    (r = commit((void *)h->base, from << PAGE_SHIFT, (from + add) << PAGE_SHIFT)) < 0)
		return r;
	h->npages = from + add;
	heap_give_pages(from, add);
	if (gc->st.heap_bytes_max < (h->npages << PAGE_SHIFT))
		gc->st.heap_bytes_max = h->npages << PAGE_SHIFT;
	if (gc->debug)
		gc_warn("heap grows to %zu MiB", (h->npages << PAGE_SHIFT) >> 20);
	return 0;
}

/* ---- pages ---- */

static void take(size_t pg, size_t n)
{
	struct heap *h = gc_heap;
	h->last_take_fresh = pg >= h->high_water;
	if (pg + n > h->high_water)
		h->high_water = pg + n;
	for (size_t i = pg; i < pg + n; i++)
		h->free_map[i / 64] &= ~(1UL << (i % 64));
	h->free_pages -= n;
}

/* The last fit, from the top: pages for objects without pointers gather
 * there, pointer pages at the bottom, so the trackers' runs stay long. */
static long take_high(size_t n)
{
	struct heap *h = gc_heap;
	size_t run = 0, end = 0;

	for (long w = (long)(h->npages + 63) / 64 - 1; w >= 0; w--) {
		uint64_t x = h->free_map[w];
		if (n == 1 && x) {
			size_t pg = (size_t)w * 64 + 63 - (size_t)__builtin_clzl(x);
			take(pg, 1);
			return (long)pg;
		}
		if (x == 0) {
			run = 0;
			continue;
		}
		for (int b = 63; b >= 0; b--) {
			if (!((x >> b) & 1)) {
				run = 0;
				continue;
			}
			if (!run)
				end = (size_t)w * 64 + (size_t)b + 1;
			if (++run >= n) {
				take(end - n, n);
				return (long)(end - n);
			}
		}
	}
	return -1;
}

long heap_take_pages(size_t n, int high)
{
	struct heap *h = gc_heap;
	size_t words = (h->npages + 63) / 64, run = 0, start = 0;

	if (n > h->free_pages)
		return -1;
	if (high)
		return take_high(n);
	for (size_t w = rover; w < words; w++) {
		uint64_t x = h->free_map[w];
		if (n == 1) {
			if (!x)
				continue;
			rover = w;
			start = w * 64 + (size_t)__builtin_ctzl(x);
			take(start, 1);
			return (long)start;
		}
		if (x == 0) {
			run = 0;
			continue;
		}
		if (x == ~0UL) {
			if (!run)
				start = w * 64;
			run += 64;
			if (run >= n) {
				take(start, n);
				return (long)start;
			}
			continue;
		}
		for (unsigned b = 0; b < 64; b++) {
			if (!((x >> b) & 1)) {
				run = 0;
				continue;
			}
			if (!run)
				start = w * 64 + b;
			if (++run >= n) {
				take(start, n);
				return (long)start;
			}
		}
	}
	return -1;
}

void heap_give_pages(size_t pg, size_t n)
{
	struct heap *h = gc_heap;
	memset(&h->info[pg], 0, n * sizeof(struct page_info));
	memset(&h->alloc_bits[pg * BITWORDS_PER_PAGE], 0, n * BITWORDS_PER_PAGE * 8);
	memset(&h->mark_bits[pg * BITWORDS_PER_PAGE], 0, n * BITWORDS_PER_PAGE * 8);
	for (size_t i = pg; i < pg + n; i++)
		h->free_map[i / 64] |= 1UL << (i % 64);
	h->free_pages += n;
	if (pg / 64 < rover)
		rover = pg / 64;
}

/* ---- page lists, linked through page_info.next ---- */

void list_push(struct page_list *l, size_t pg)
{
	gc_heap->info[pg].next = l->head;
	l->head = (uint32_t)pg;
	if (l->tail == NO_PAGE)
		l->tail = (uint32_t)pg;
	l->count++;
}

long list_pop(struct page_list *l)
{
	uint32_t pg = l->head;
	if (pg == NO_PAGE)
		return -1;
	l->head = gc_heap->info[pg].next;
	if (l->head == NO_PAGE)
		l->tail = NO_PAGE;
	l->count--;
	return pg;
}

void list_append(struct page_list *to, struct page_list *from)
{
	if (from->head == NO_PAGE)
		return;
	if (to->head == NO_PAGE)
		to->head = from->head;
	else
		gc_heap->info[to->tail].next = from->head;
	to->tail = from->tail;
	to->count += from->count;
	from->head = from->tail = NO_PAGE;
	from->count = 0;
}

/* ---- sweeping ---- */

void heap_lists_to_unswept(void)
{
	struct heap *h = gc_heap;
	for (unsigned c = 0; c < NCLASSES; c++)
		for (int a = 0; a < 2; a++) {
			list_append(&h->unswept[c][a], &h->partial[c][a]);
			list_append(&h->unswept[c][a], &h->full[c][a]);
			unswept_pages += h->unswept[c][a].count;
		}
	list_append(&h->large_unswept, &h->large);
	unswept_pages += h->large_unswept.count;
}

/* What survived the mark stays allocated; the mark bits are cleared for
 * the next cycle. A page with nothing left goes back to the free pages. */
static void sweep_small(size_t pg)
{
	struct heap *h = gc_heap;
	struct page_info *pi = &h->info[pg];
	uint64_t *al = &h->alloc_bits[pg * BITWORDS_PER_PAGE];
	uint64_t *mk = &h->mark_bits[pg * BITWORDS_PER_PAGE];
	unsigned used = 0, c = pi->cls, a = pi->atomic;

	for (unsigned w = 0; w < BITWORDS_PER_PAGE; w++) {
		al[w] &= mk[w];
		mk[w] = 0;
		used += (unsigned)__builtin_popcountl(al[w]);
	}
	if (!used) {
		if (!a)
			h->pointer_pages--;
		heap_give_pages(pg, 1);
	} else if (used == gc_class_count[c]) {
		list_push(&h->full[c][a], pg);
	} else {
		list_push(&h->partial[c][a], pg);
	}
}

static void sweep_large(size_t pg)
{
	struct heap *h = gc_heap;
	struct page_info *pi = &h->info[pg];
	uint64_t *mk = &h->mark_bits[pg * BITWORDS_PER_PAGE];
	if (*mk & 1) {
		*mk = 0;
		list_push(&h->large, pg);
		return;
	}
	if (!pi->atomic)
		h->pointer_pages -= pi->span;
	heap_give_pages(pg, pi->span);
}

int heap_sweep_class(unsigned cls, int atomic)
{
	struct heap *h = gc_heap;
	long pg;
	while ((pg = list_pop(&h->unswept[cls][atomic])) >= 0) {
		unswept_pages--;
		sweep_small((size_t)pg);
		if (h->partial[cls][atomic].head != NO_PAGE)
			return 1;
	}
	return 0;
}

size_t heap_sweep_some(size_t pages)
{
	struct heap *h = gc_heap;
	size_t done = 0;
	long pg;
	while (done < pages && (pg = list_pop(&h->large_unswept)) >= 0) {
		unswept_pages--;
		sweep_large((size_t)pg);
		done++;
	}
	for (unsigned tries = 0; done < pages && tries < 2 * NCLASSES; tries++) {
		unsigned c = h->sweep_class % NCLASSES, a = (h->sweep_class / NCLASSES) & 1;
		struct page_list *l = &h->unswept[c][a];
		while (done < pages && (pg = list_pop(l)) >= 0) {
			unswept_pages--;
			sweep_small((size_t)pg);
			done++;
		}
		if (l->head == NO_PAGE)
			h->sweep_class = (h->sweep_class + 1) % (2 * NCLASSES);
	}
	return done;
}

void heap_sweep_all(void)
{
	while (unswept_pages)
		heap_sweep_some(SIZE_MAX);
}

int heap_sweep_done(void)
{
	return unswept_pages == 0;
}
