/*
 * track_dune.c - the page table's dirty bits as the write barrier: the
 * process runs in dune mode, the heap is mapped in pgroot, and libdune's
 * dune_vm_dirty_collect reads (and clears, flushing every vCPU's TLB) the
 * D bits of the heap's pages in one pass. No signal, no system call: on
 * VT-x/AMD-V the CPU sets D itself; on a shadow-paging host (PVM) the
 * first write after a clear is a page fault the host takes.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "dune.h"
#include "internal.h"

static uint64_t *discard; /* bits nobody reads (the clear at a cycle's start) */

static int dune_track_init(void)
{
	int r;
	if (!dune_in_guest() && (r = dune_init_and_enter()) < 0) {
		gc_warn("the dune tracker needs dune mode, and entering it failed (error %d, "
			"see libdune's line above); use GC_TRACKER=mprotect or softdirty", -r);
		/* no /dev/kvm nor /dev/dune: the machine lacks it, as it may */
		return r == -ENOENT || r == -ENODEV ? -ENOTSUP : r;
	}
	return 0;
}

static long pass(uint64_t *bits, int clear)
{
	struct heap *h = gc_heap;
	long n = dune_vm_dirty_collect(pgroot, (void *)h->base, (void *)page_addr(h->npages), bits,
				       clear ? DUNE_DIRTY_CLEAR : 0);
	if (n < 0)
		gc_fatal("dune_vm_dirty_collect failed (error %ld)", -n);
	gc->st.entries_read += h->npages;
	return n;
}

static void dune_track_start(void)
{
	if (!discard) {
		discard = mmap(NULL, (gc->max_pages + 63) / 64 * 8, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (discard == MAP_FAILED)
			gc_fatal("no memory for the dune tracker's bitmap");
	}
	pass(discard, 1);
}

static long dune_track_collect(uint64_t *bits, int restart)
{
	return pass(bits, restart);
}

static void dune_track_stop(void)
{
}

/* new pages start clean in pgroot: their first write sets D */
static void dune_track_pages_added(size_t pg, size_t n)
{
	(void)pg;
	(void)n;
}

const struct tracker gc_track_dune = {
	.name = "dune",
	.init = dune_track_init,
	.start = dune_track_start,
	.collect = dune_track_collect,
	.stop = dune_track_stop,
	.pages_added = dune_track_pages_added,
	.concurrent_restart = 1,
};
