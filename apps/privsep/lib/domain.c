/* domain.c - a domain: the memory user code owns while it runs (a stack,
 * TLS, a private copy of the program's globals) and the page table it runs
 * under (the template's code, that memory, the tags lent to it). A domain
 * is made once and reused: between uses the pages its user code wrote
 * (the dirty bit of their entries in its table) go back to their first
 * state, and the lent tags are unmapped.
 *
 * The table is edited only while no vCPU runs user code under it; the
 * next entry into user code loads it into CR3, which drops whatever the
 * TLB held of it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domain.h"
#include "dune.h"
#include "image.h"
#include "sthread.h"
#include "table.h"
#include "tag.h"

#define PAGE_UP(a) (((uintptr_t)(a) + PGSIZE - 1) & ~(uintptr_t)(PGSIZE - 1))

static size_t tls_pages(void)
{
	return PAGE_UP(image.tls_lo_offset + image.tls_size) / PGSIZE;
}

/* page i of the TLS area as it starts: the template, the control block
 * pointing at itself */
static void tls_fill_page(struct domain *d, size_t i)
{
	uint8_t *page = d->tls + i * PGSIZE;
	size_t lo = image.tls_lo_offset, hi = lo + image.tls_size;
	size_t p_lo = i * PGSIZE, p_hi = p_lo + PGSIZE;

	memset(page, 0, PGSIZE);
	if (hi > p_lo && lo < p_hi) {
		size_t from = lo > p_lo ? lo : p_lo, to = hi < p_hi ? hi : p_hi;
		memcpy(d->tls + from, image.tls + (from - lo), to - from);
	}
	/* glibc's tcbhead_t: tcb (fs:0) and self (fs:16) */
	for (int k = 0; k <= 16; k += 16) {
		uintptr_t at = d->fs + (uintptr_t)k;
		if (at >= (uintptr_t)page && at < (uintptr_t)page + PGSIZE)
			*(uintptr_t *)at = d->fs;
	}
}

/* page i of the globals copy as it starts: the snapshot */
static void globals_fill_page(struct domain *d, size_t i)
{
	memcpy(d->globals_copy + i * PGSIZE, image.snapshot + i * PGSIZE, PGSIZE);
}

static int map_own(struct domain *d, uintptr_t va, void *frame)
{
	ptent_t *pte = table_entry(d->root, va, 1);
	uint64_t pa = dune_va_to_pa(frame);
	if (!pte || !pa)
		return -ENOMEM;
	*pte = pa | PTE_P | PTE_U | PTE_W | PTE_NX | PTE_A;
	d->own_ptes[d->nown++] = pte;
	return 0;
}

struct domain *domain_new(void)
{
	size_t stack = STACK_PAGES * PGSIZE, tls = tls_pages() * PGSIZE;
	struct domain *d = calloc(1, sizeof(*d));
	int r = 0;

	if (!d)
		return NULL;
	d->mem_size = PGSIZE + stack + tls + image.globals_size;
	d->own_ptes = calloc(d->mem_size / PGSIZE, sizeof(*d->own_ptes));
	d->mem = mmap(NULL, d->mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	d->root = dune_vm_clone(table_template);
	if (!d->own_ptes || d->mem == MAP_FAILED || !d->root) {
		if (d->mem == MAP_FAILED)
			d->mem = NULL;
		domain_free(d);
		return NULL;
	}
	/* the lowest page stays out of the table: a guard below the stack */
	d->stack_top = (uintptr_t)d->mem + PGSIZE + stack;
	d->tls = d->mem + PGSIZE + stack;
	d->fs = (uintptr_t)d->tls + image.tls_lo_offset + image.tls_fs_offset;
	d->globals_copy = d->tls + tls;
	for (uintptr_t va = (uintptr_t)d->mem + PGSIZE; !r && va < (uintptr_t)d->globals_copy;
	     va += PGSIZE)
		r = map_own(d, va, (void *)va);
	for (size_t i = 0; i < tls / PGSIZE; i++)
		tls_fill_page(d, i);
	/* the copy of the globals, at the globals' own addresses */
	for (int g = 0, off = 0; !r && g < image.nglobals; g++)
		for (uintptr_t va = image.globals[g].start; !r && va < image.globals[g].end;
		     va += PGSIZE, off += PGSIZE)
			r = map_own(d, va, d->globals_copy + off);
	memcpy(d->globals_copy, image.snapshot, image.globals_size);
	if (r) {
		domain_free(d);
		return NULL;
	}
	return d;
}

void domain_free(struct domain *d)
{
	if (!d)
		return;
	domain_unlend(d, 0);
	if (d->root)
		dune_vm_free(d->root);
	if (d->mem)
		munmap(d->mem, d->mem_size);
	free(d->own_ptes);
	free(d);
}

void domain_scrub(struct domain *d)
{
	size_t stack_pages = STACK_PAGES, tls = tls_pages();

	for (int i = 0; i < d->nown; i++) {
		ptent_t *pte = d->own_ptes[i];
		size_t k = (size_t)i;
		if (!(*pte & PTE_D))
			continue;
		if (k < stack_pages)
			memset(d->mem + PGSIZE + k * PGSIZE, 0, PGSIZE);
		else if (k < stack_pages + tls)
			tls_fill_page(d, k - stack_pages);
		else
			globals_fill_page(d, k - stack_pages - tls);
		*pte &= ~PTE_D;
	}
}

/* the tag's pages in d's table with mode, or out (mode 0) */
static int map_tag(struct domain *d, struct tag *tag, int mode)
{
	ptent_t flags = PTE_P | PTE_U | PTE_NX | PTE_A | ((mode & SC_WRITE) ? PTE_W : 0);

	for (uintptr_t va = tag->base; va < tag->base + tag->size; va += PGSIZE) {
		ptent_t *pte = table_entry(d->root, va, mode != 0);
		uint64_t pa = dune_va_to_pa((void *)va);
		if (!mode) {
			if (pte)
				*pte = 0;
			continue;
		}
		if (!pte || !pa)
			return -ENOMEM;
		*pte = pa | flags;
	}
	return 0;
}

/* A tag lent again (a gate's own tag passed to it by its caller) keeps
 * the wider mode until that loan ends, then gets its own back. */
int domain_lend(struct domain *d, struct tag *tag, int mode)
{
	int prev = 0, r;

	if (d->nlent == (int)(sizeof(d->lent) / sizeof(d->lent[0])))
		return -E2BIG;
	for (int i = 0; i < d->nlent; i++)
		if (d->lent[i].tag == tag)
			prev |= d->lent[i].mode;
	if ((r = map_tag(d, tag, mode | prev)) < 0) {
		map_tag(d, tag, prev);
		return r;
	}
	tags_lock();
	tag->users++;
	tags_unlock();
	d->lent[d->nlent].tag = tag;
	d->lent[d->nlent].mode = mode;
	d->lent[d->nlent].prev = prev;
	d->nlent++;
	return 0;
}

void domain_unlend(struct domain *d, int from)
{
	while (d->nlent > from) {
		d->nlent--;
		map_tag(d, d->lent[d->nlent].tag, d->lent[d->nlent].prev);
		tags_lock();
		d->lent[d->nlent].tag->users--;
		tags_unlock();
	}
}
