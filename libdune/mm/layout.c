/* both halves - guest-physical chunks for host virtual chunks (layout.h). */
#include <errno.h>
#include <sys/mman.h>

#include "dune.h"
#include "mm/layout.h"

static uint32_t *va_chunk;  /* per VA chunk: PA chunk + 1, or 0 */
static uint64_t *va_refs;   /* per VA chunk: pages mirrored in it */
static uint32_t *pa_chunk;  /* per PA chunk: VA chunk + 1, or 0 */
static unsigned nr_pa_chunks;
static unsigned first_free_chunk = FIRST_PA_CHUNK; /* the allocator's lowest */
static unsigned next_free_hint = FIRST_PA_CHUNK;
static unsigned chunks_in_use;

/* Dune's layout (layout_dune_windows): VA chunk -> fixed PA chunk. */
static int windows_on;
static uintptr_t mmap_chunk0, stack_chunk;
/* the page pool's VA chunks and the PA chunk they start at (layout_pool) */
static uintptr_t pool_chunk0, pool_chunks, pool_pa_chunk0;

/* Dune's variables (dune.h): 0 until dune_init sets the windows. */
uintptr_t phys_limit;
uintptr_t mmap_base;
uintptr_t stack_base;

static void *table_alloc(size_t bytes)
{
	/* Zero-filled and lazily backed: most entries are never touched. */
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int layout_init(unsigned phys_bits)
{
	if (va_chunk)
		return 0;
	if (phys_bits < 33)
		return -EINVAL;
	if (phys_bits > 52)
		phys_bits = 52;
	/* The top chunk is left unused: some hosts reserve the highest
	 * guest-physical addresses (e.g. for MMIO caching tricks). */
	nr_pa_chunks = (1U << (phys_bits - CHUNK_SHIFT)) - 1;
	va_chunk = table_alloc(NR_VA_CHUNKS * sizeof(*va_chunk));
	va_refs = table_alloc(NR_VA_CHUNKS * sizeof(*va_refs));
	pa_chunk = table_alloc((size_t)(nr_pa_chunks + 1) * sizeof(*pa_chunk));
	if (!va_chunk || !va_refs || !pa_chunk)
		return -ENOMEM;
	return 0;
}

int layout_dune_windows(uintptr_t mmap_start, uintptr_t stack_start)
{
	if (!va_chunk || chunks_in_use || nr_pa_chunks <= DUNE_PHYS_LIMIT_CHUNK)
		return -EINVAL;
	mmap_chunk0 = mmap_start >> CHUNK_SHIFT;
	stack_chunk = stack_start >> CHUNK_SHIFT;
	if (mmap_chunk0 < DUNE_IDENTITY_CHUNKS || stack_chunk < DUNE_IDENTITY_CHUNKS)
		return -EINVAL;
	windows_on = 1;
	first_free_chunk = next_free_hint = DUNE_PHYS_LIMIT_CHUNK;
	mmap_base = mmap_chunk0 << CHUNK_SHIFT;
	stack_base = stack_chunk << CHUNK_SHIFT;
	phys_limit = (uintptr_t)DUNE_PHYS_LIMIT_CHUNK << CHUNK_SHIFT;
	return 0;
}

int layout_pool(uintptr_t va, uint64_t size, uint64_t pa)
{
	if (!va_chunk || ((va | size | pa) & (CHUNK_SIZE - 1)) ||
	    ((pa + size) >> CHUNK_SHIFT) > nr_pa_chunks)
		return -EINVAL;
	pool_chunk0 = va >> CHUNK_SHIFT;
	pool_chunks = size >> CHUNK_SHIFT;
	pool_pa_chunk0 = pa >> CHUNK_SHIFT;
	return 0;
}

static int in_pool_pa(uintptr_t pa_c)
{
	return pool_chunks && pa_c >= pool_pa_chunk0 && pa_c - pool_pa_chunk0 < pool_chunks;
}

/* The PA chunk Dune's layout puts VA chunk vc at, or -1 (the allocator's). */
static long fixed_pa_chunk(uintptr_t vc)
{
	if (pool_chunks && vc >= pool_chunk0 && vc - pool_chunk0 < pool_chunks)
		return (long)(pool_pa_chunk0 + (vc - pool_chunk0));
	if (!windows_on)
		return -1;
	if (vc < DUNE_IDENTITY_CHUNKS)
		return vc == DUNE_APIC_CHUNK || in_pool_pa(vc) ? -1 : (long)vc;
	if (vc == stack_chunk)
		return DUNE_PHYS_LIMIT_CHUNK - 1;
	if (vc >= mmap_chunk0 && vc - mmap_chunk0 < DUNE_MMAP_CHUNKS)
		return (long)(DUNE_IDENTITY_CHUNKS + (vc - mmap_chunk0));
	return -1;
}

static int pa_chunk_alloc(unsigned vc)
{
	long fixed = fixed_pa_chunk(vc);
	if (fixed >= 0) {
		if (pa_chunk[fixed])
			return -EEXIST;
		pa_chunk[fixed] = vc + 1;
		chunks_in_use++;
		return (int)fixed;
	}
	for (unsigned n = 0; n < nr_pa_chunks; n++) {
		unsigned pa_c = next_free_hint + n;
		if (pa_c >= nr_pa_chunks)
			pa_c = first_free_chunk + (pa_c - nr_pa_chunks);
		if (pa_c < first_free_chunk || pa_c >= nr_pa_chunks || in_pool_pa(pa_c))
			continue;
		if (!pa_chunk[pa_c]) {
			pa_chunk[pa_c] = vc + 1;
			next_free_hint = pa_c + 1;
			chunks_in_use++;
			return (int)pa_c;
		}
	}
	return -ENOSPC;
}

int layout_reserve(uintptr_t start, uintptr_t end)
{
	if (start >= end || end > (1UL << VA_BITS))
		return -EINVAL;
	for (uintptr_t c = start >> CHUNK_SHIFT; c <= (end - 1) >> CHUNK_SHIFT; c++) {
		uintptr_t lo = c << CHUNK_SHIFT, hi = lo + CHUNK_SIZE;
		if (lo < start)
			lo = start;
		if (hi > end)
			hi = end;
		if (!va_chunk[c]) {
			int pa_c = pa_chunk_alloc(c);
			if (pa_c < 0) {
				layout_release(start, lo);
				return pa_c;
			}
			va_chunk[c] = pa_c + 1;
		}
		va_refs[c] += (hi - lo) >> PGSHIFT;
	}
	return 0;
}

void layout_release(uintptr_t start, uintptr_t end)
{
	if (start >= end)
		return;
	for (uintptr_t c = start >> CHUNK_SHIFT; c <= (end - 1) >> CHUNK_SHIFT; c++) {
		uintptr_t lo = c << CHUNK_SHIFT, hi = lo + CHUNK_SIZE;
		uint64_t pages;
		if (lo < start)
			lo = start;
		if (hi > end)
			hi = end;
		pages = (hi - lo) >> PGSHIFT;
		if (!va_chunk[c])
			continue;
		va_refs[c] = va_refs[c] > pages ? va_refs[c] - pages : 0;
		if (!va_refs[c]) {
			pa_chunk[va_chunk[c] - 1] = 0;
			va_chunk[c] = 0;
			chunks_in_use--;
		}
	}
}

uint64_t layout_va_to_pa(uintptr_t va)
{
	uint32_t pa_c;
	if (va >= (1UL << VA_BITS) || !va_chunk)
		return 0;
	pa_c = va_chunk[va >> CHUNK_SHIFT];
	if (!pa_c)
		return 0;
	return ((uint64_t)(pa_c - 1) << CHUNK_SHIFT) | (va & (CHUNK_SIZE - 1));
}

void *layout_pa_to_va(uint64_t pa)
{
	uint64_t pa_c = pa >> CHUNK_SHIFT;
	if (!pa_chunk || pa_c >= nr_pa_chunks || !pa_chunk[pa_c])
		return NULL;
	return (void *)(((uintptr_t)(pa_chunk[pa_c] - 1) << CHUNK_SHIFT) |
			(pa & (CHUNK_SIZE - 1)));
}

unsigned layout_chunks_in_use(void)
{
	return chunks_in_use;
}

unsigned layout_pa_chunks_total(void)
{
	return nr_pa_chunks;
}

physaddr_t dune_va_to_pa(void *ptr)
{
	return layout_va_to_pa((uintptr_t)ptr);
}

void *dune_pa_to_va(physaddr_t pa)
{
	return layout_pa_to_va(pa);
}
