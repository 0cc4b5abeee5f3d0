/* both halves - ptpool.c: Dune's page allocator, where page tables and the
 * pages of dune_vm_map_pages come from.
 *
 * The pages sit at guest-physical PAGEBASE as in Dune (dune_page2pa). With
 * Dune's full mapping they sit at virtual PAGEBASE too, so a page's address
 * is both: load_cr3((uintptr_t)root) and (ptent_t *)PTE_ADDR(e) work in the
 * guest. A program that keeps the low address space to itself (dune_init
 * (false): dunebox's region starts at 64 KiB) gets the pool higher up, out
 * of its way, at the same guest-physical addresses. The range is reserved
 * at dune_init and committed 2 MiB at a time; committed chunks are
 * mirrored into the guest, and a reserve is kept so that mirroring a new
 * chunk never needs the chunk itself. Each page has a struct page
 * (pages[]): a reference count and the free list's link.
 *
 * The allocator's own state lives in memory mapped at init, not in the
 * program's data segment: programs that give their own page tables a
 * private copy of their writable segments (wedge's sthreads) would
 * otherwise fork the free list.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "common/log.h"
#include "dune.h"
#include "guest/x86/hypercall.h"
#include "mm/layout.h"
#include "mm/mirror_lock.h"
#include "mm/ptpool.h"

#define POOL_RESERVE_MAX (MAX_PAGES << PGSHIFT)
#define POOL_RESERVE_MIN CHUNK_SIZE /* the layout maps the pool in whole chunks */
#define POOL_AS_SHARE 8 /* under RLIMIT_AS: at most this part of it */
#define POOL_CHUNK (2UL << 20)
#define POOL_LOW_WATER 64

struct pool {
	uintptr_t base, committed;
	size_t reserve;	/* the reserved range; counts against RLIMIT_AS */
	struct page_head free;
	uint64_t nr_free, nr_used;
	int refilling;
	ptpool_mirror_fn mirror_chunk;
};

static struct pool *pool;
struct page *pages;
int num_pages;

static void *map_anon(void *at, size_t len, int prot, int flags)
{
	void *p = mmap(at, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | flags, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* A reservation is address space: under `ulimit -v` take a share of it. */
static size_t reserve_size(void)
{
	struct rlimit as;
	size_t r = POOL_RESERVE_MAX;

	if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
		r = (as.rlim_cur / POOL_AS_SHARE) & ~(CHUNK_SIZE - 1);
		if (r > POOL_RESERVE_MAX)
			r = POOL_RESERVE_MAX;
		if (r < POOL_RESERVE_MIN)
			r = POOL_RESERVE_MIN;
	}
	return r;
}

static struct page *page_of(uintptr_t va)
{
	return &pages[(va - pool->base) >> PGSHIFT];
}

static uintptr_t va_of(struct page *pg)
{
	return pool->base + ((uintptr_t)(pg - pages) << PGSHIFT);
}

/* Pages of [start, end) onto the free list, lowest first out. */
static void add_free(uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = end - PGSIZE; va >= start; va -= PGSIZE) {
		struct page *pg = page_of(va);
		pg->ref = 0;
		SLIST_INSERT_HEAD(&pool->free, pg, link);
		pool->nr_free++;
	}
	num_pages = (int)((pool->committed - pool->base) >> PGSHIFT);
}

/* Where the pool goes when it may not be at PAGEBASE: anywhere, 1 GiB
 * aligned (its guest-physical chunks are fixed). */
static void *reserve_aligned(void)
{
	uintptr_t p = (uintptr_t)map_anon(NULL, pool->reserve + CHUNK_SIZE, PROT_NONE, 0), a;
	if (!p)
		return NULL;
	a = (p + CHUNK_SIZE - 1) & ~(CHUNK_SIZE - 1);
	if (a > p)
		munmap((void *)p, a - p);
	munmap((void *)(a + pool->reserve), p + CHUNK_SIZE - a);
	return (void *)a;
}

int ptpool_init(ptpool_mirror_fn mirror, int at_pagebase)
{
	void *base = NULL;

	if (pool) {
		pool->mirror_chunk = mirror;
		return 0;
	}
	pool = map_anon(NULL, PGSIZE, PROT_READ | PROT_WRITE, 0);
	pages = map_anon(NULL, MAX_PAGES * sizeof(struct page), PROT_READ | PROT_WRITE, 0);
	if (!pool || !pages)
		return -ENOMEM;
	pool->reserve = reserve_size();
	if (at_pagebase) {
		base = map_anon((void *)PAGEBASE, pool->reserve, PROT_NONE, MAP_FIXED_NOREPLACE);
		if (base != (void *)PAGEBASE) {
			if (base)
				munmap(base, pool->reserve);
			base = NULL;
			dune_log("0x%lx-0x%lx (Dune's PAGEBASE) is taken: page tables will not "
				 "sit at guest-physical == virtual addresses, so "
				 "load_cr3((uintptr_t)root) cannot work", PAGEBASE,
				 PAGEBASE + pool->reserve);
		}
	}
	if (!base && !(base = reserve_aligned()))
		return -ENOMEM;
	if (layout_pool((uintptr_t)base, pool->reserve, PAGEBASE) < 0)
		return -EINVAL;
	pool->base = pool->committed = (uintptr_t)base;
	pool->mirror_chunk = mirror;
	SLIST_INIT(&pool->free);
	/* the first chunk is mirrored by dune_init's full scan, like any
	 * other mapping: it holds the page tables that mirroring needs */
	if (mprotect(base, POOL_CHUNK, PROT_READ | PROT_WRITE) < 0)
		return -ENOMEM;
	/* pages handed out must have guest-physical addresses at once */
	if (layout_reserve(pool->base, pool->base + POOL_CHUNK) < 0)
		return -ENOSPC;
	pool->committed += POOL_CHUNK;
	add_free(pool->base, pool->committed);
	return 0;
}

/* Commits and mirrors one more chunk. Called with the mirror lock held. */
int ptpool_refill(void)
{
	uintptr_t chunk = pool->committed;
	long r;

	if (pool->refilling)
		return 0;
	if (chunk + POOL_CHUNK > pool->base + pool->reserve)
		return -ENOMEM;
	pool->refilling = 1;
	r = layout_reserve(chunk, chunk + POOL_CHUNK);
	if (r == 0)
		r = dune_sys(SYS_mprotect, chunk, POOL_CHUNK, PROT_READ | PROT_WRITE, 0, 0, 0);
	if (r == 0)
		r = pool->mirror_chunk ? pool->mirror_chunk(chunk, chunk + POOL_CHUNK) : 0;
	pool->refilling = 0;
	if (r < 0)
		return (int)r;
	pool->committed += POOL_CHUNK;
	add_free(chunk, chunk + POOL_CHUNK);
	return 0;
}

/* With the mirror lock held. */
static struct page *take_page(void)
{
	struct page *pg;
	if (pool->nr_free < POOL_LOW_WATER && !pool->refilling)
		ptpool_refill();
	pg = SLIST_FIRST(&pool->free);
	if (!pg)
		return NULL;
	SLIST_REMOVE_HEAD(&pool->free, link);
	pool->nr_free--;
	pool->nr_used++;
	pg->ref = 1;
	memset((void *)va_of(pg), 0, PGSIZE);
	return pg;
}

/* With the mirror lock held. */
static void drop_ref(struct page *pg)
{
	if (!pg->ref || --pg->ref)
		return;
	SLIST_INSERT_HEAD(&pool->free, pg, link);
	pool->nr_free++;
	pool->nr_used--;
}

void *ptpool_alloc(void)
{
	struct page *pg = take_page();
	return pg ? (void *)va_of(pg) : NULL;
}

void ptpool_range(uintptr_t *lo, uintptr_t *hi)
{
	*lo = pool->base;
	*hi = pool->base + pool->reserve;
}

int ptpool_contains(uintptr_t va)
{
	return pool && va >= pool->base && va < pool->committed;
}

void ptpool_get(void *page)
{
	page_of((uintptr_t)page)->ref++;
}

void ptpool_free(void *page)
{
	drop_ref(page_of((uintptr_t)page));
}

uint64_t ptpool_in_use(void)
{
	return pool ? pool->nr_used : 0;
}

/* ---- Dune's API: callable any time, so each takes the lock itself ---- */

struct page *dune_page_alloc(void)
{
	struct page *pg;
	if (!pool)
		return NULL;
	mirror_lock();
	pg = take_page();
	mirror_unlock();
	return pg;
}

static int on_free_list(struct page *pg)
{
	struct page *p;
	SLIST_FOREACH(p, &pool->free, link)
		if (p == pg)
			return 1;
	return 0;
}

/* Dune's: a page whose count the program brought to 0 goes back; one that
 * dune_page_put freed already is left alone. */
void dune_page_free(struct page *pg)
{
	mirror_lock();
	if (pg->ref)
		dune_log("dune_page_free: page 0x%lx still has %lu references; not freed",
			 (unsigned long)va_of(pg), (unsigned long)pg->ref);
	else if (!on_free_list(pg)) {
		SLIST_INSERT_HEAD(&pool->free, pg, link);
		pool->nr_free++;
		pool->nr_used--;
	}
	mirror_unlock();
}

void dune_page_ref(struct page *pg, int delta)
{
	mirror_lock();
	if (delta > 0)
		pg->ref += (uint64_t)delta;
	else
		for (; delta < 0; delta++)
			drop_ref(pg);
	mirror_unlock();
}

bool dune_page_isfrompool(physaddr_t pa)
{
	void *va = layout_pa_to_va(pa);
	return va && ptpool_contains((uintptr_t)va);
}

void dune_page_stats(void)
{
	dune_printf("DUNE Page Allocator: Alloc %lu, Free %lu, Total %d\n",
		    (unsigned long)pool->nr_used, (unsigned long)pool->nr_free, num_pages);
}
