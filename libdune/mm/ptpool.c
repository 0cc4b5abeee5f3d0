/* both halves - ptpool.c: pages for page tables (and for dune_vm_map_pages).
 *
 * The pool is one reserved range of host memory committed 2 MiB at a time;
 * committed chunks are mirrored into the guest, so every pool page has a
 * guest-physical address and the guest can edit it. A reserve is kept so
 * that mirroring a new chunk never needs the chunk itself.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "dune.h"
#include "guest/x86/hypercall.h"
#include "mm/layout.h"
#include "mm/ptpool.h"

#define POOL_RESERVE_MAX (16UL << 30)
#define POOL_RESERVE_MIN (64UL << 20)
#define POOL_AS_SHARE 8 /* under RLIMIT_AS: at most this part of it */
#define POOL_CHUNK (2UL << 20)
#define POOL_LOW_WATER 64

static uintptr_t pool_base, pool_committed;
static size_t pool_reserve; /* the reserved range; counts against RLIMIT_AS */
static uint16_t *refs; /* per pool page */
static void *free_list;
static uint64_t nr_free, nr_used;
static int refilling;
static ptpool_mirror_fn mirror_chunk;

int ptpool_init(ptpool_mirror_fn mirror)
{
	void *p;
	struct rlimit as;
	mirror_chunk = mirror;
	if (pool_base)
		return 0;
	/* a reservation is address space: under `ulimit -v` take a share */
	pool_reserve = POOL_RESERVE_MAX;
	if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
		pool_reserve = (as.rlim_cur / POOL_AS_SHARE) & ~(POOL_CHUNK - 1);
		if (pool_reserve > POOL_RESERVE_MAX)
			pool_reserve = POOL_RESERVE_MAX;
		if (pool_reserve < POOL_RESERVE_MIN)
			pool_reserve = POOL_RESERVE_MIN;
	}
	p = mmap(NULL, pool_reserve, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	pool_base = pool_committed = (uintptr_t)p;
	p = mmap(NULL, (pool_reserve >> PGSHIFT) * sizeof(*refs),
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	refs = p;
	/* the first chunk is mirrored by dune_init's full scan, like any
	 * other mapping: it holds the page tables that mirroring needs */
	if (mprotect((void *)pool_base, POOL_CHUNK, PROT_READ | PROT_WRITE) < 0)
		return -ENOMEM;
	/* pages handed out must have guest-physical addresses at once */
	if (layout_reserve(pool_base, pool_base + POOL_CHUNK) < 0)
		return -ENOSPC;
	pool_committed += POOL_CHUNK;
	for (uintptr_t pg = pool_base + POOL_CHUNK - PGSIZE; pg >= pool_base; pg -= PGSIZE) {
		*(void **)pg = free_list;
		free_list = (void *)pg;
		nr_free++;
	}
	return 0;
}

/* Commits and mirrors one more chunk. Called with the mirror lock held. */
int ptpool_refill(void)
{
	uintptr_t chunk = pool_committed;
	long r;

	if (refilling)
		return 0;
	if (chunk + POOL_CHUNK > pool_base + pool_reserve)
		return -ENOMEM;
	refilling = 1;
	r = layout_reserve(chunk, chunk + POOL_CHUNK);
	if (r == 0)
		r = dune_sys(SYS_mprotect, chunk, POOL_CHUNK, PROT_READ | PROT_WRITE, 0, 0, 0);
	if (r == 0)
		r = mirror_chunk ? mirror_chunk(chunk, chunk + POOL_CHUNK) : 0;
	refilling = 0;
	if (r < 0)
		return (int)r;
	pool_committed += POOL_CHUNK;
	for (uintptr_t pg = chunk + POOL_CHUNK - PGSIZE; pg >= chunk; pg -= PGSIZE) {
		*(void **)pg = free_list;
		free_list = (void *)pg;
		nr_free++;
	}
	return 0;
}

void *ptpool_alloc(void)
{
	void *pg;
	if (nr_free < POOL_LOW_WATER && !refilling)
		ptpool_refill();
	if (!free_list)
		return NULL;
	pg = free_list;
	free_list = *(void **)pg;
	nr_free--;
	nr_used++;
	memset(pg, 0, PGSIZE);
	refs[((uintptr_t)pg - pool_base) >> PGSHIFT] = 1;
	return pg;
}

void ptpool_range(uintptr_t *lo, uintptr_t *hi)
{
	*lo = pool_base;
	*hi = pool_base + pool_reserve;
}

int ptpool_contains(uintptr_t va)
{
	return va >= pool_base && va < pool_committed;
}

void ptpool_get(void *page)
{
	refs[((uintptr_t)page - pool_base) >> PGSHIFT]++;
}

void ptpool_free(void *page)
{
	uint16_t *r = &refs[((uintptr_t)page - pool_base) >> PGSHIFT];
	if (!*r || --*r)
		return;
	*(void **)page = free_list;
	free_list = page;
	nr_free++;
	nr_used--;
}

uint64_t ptpool_in_use(void)
{
	return nr_used;
}
