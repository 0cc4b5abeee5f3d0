/*
 * track_softdirty.c - Linux soft-dirty bits: writing "4" to
 * /proc/self/clear_refs write-protects every page of the process in the
 * kernel's page tables and clears the bits; the kernel sets a page's bit on
 * its next write fault; /proc/self/pagemap shows it (bit 55 of the page's
 * entry). Needs a kernel built with CONFIG_MEM_SOFT_DIRTY.
 *
 * clear_refs clears the whole process at once, so a restart while other
 * threads write could lose a write made between reading pagemap and
 * clearing: the collector stops the world around it (concurrent_restart 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_CHUNK 4096 /* pagemap entries read per call */

static int clear_fd = -1, pagemap_fd = -1;
static uint64_t entries[PM_CHUNK];

static int clear_all(void)
{
	return pwrite(clear_fd, "4", 1, 0) == 1 ? 0 : -errno;
}

static int soft_dirty(void *page)
{
	uint64_t e;
	if (pread(pagemap_fd, &e, sizeof(e), (off_t)((uintptr_t)page >> PAGE_SHIFT) * 8) != sizeof(e))
		return -1;
	return (e & PM_SOFT_DIRTY) != 0;
}

/* Kernels without CONFIG_MEM_SOFT_DIRTY accept the clear and never set a
 * bit: write a page after a clear and look. */
static int softdirty_track_init(void)
{
	volatile char *probe;
	int seen;

	clear_fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (clear_fd < 0 || pagemap_fd < 0) {
		gc_warn("the softdirty tracker cannot open /proc/self/clear_refs or pagemap "
			"(errno %d); mount /proc, or use GC_TRACKER=mprotect", errno);
		return -ENOTSUP;
	}
	probe = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (probe == MAP_FAILED)
		return -ENOMEM;
	probe[0] = 1;
	if (clear_all() < 0 || soft_dirty((void *)probe) != 0) {
		seen = -1;
	} else {
		probe[0] = 2;
		seen = soft_dirty((void *)probe);
	}
	munmap((void *)probe, PAGE_SIZE);
	if (seen != 1) {
		gc_warn("this kernel keeps no soft-dirty bits (CONFIG_MEM_SOFT_DIRTY is off, or "
			"clear_refs refused); use GC_TRACKER=mprotect or dune");
		return -ENOTSUP;
	}
	return 0;
}

static void softdirty_track_start(void)
{
	if (clear_all() < 0)
		gc_fatal("writing /proc/self/clear_refs failed (errno %d)", errno);
}

static long softdirty_track_collect(uint64_t *bits, int restart)
{
	struct heap *h = gc_heap;
	long n = 0;
	for (size_t pg = 0; pg < h->npages; pg += PM_CHUNK) {
		size_t count = h->npages - pg < PM_CHUNK ? h->npages - pg : PM_CHUNK;
		off_t at = (off_t)(page_addr(pg) >> PAGE_SHIFT) * 8;
		if (pread(pagemap_fd, entries, count * 8, at) != (ssize_t)(count * 8))
			gc_fatal("reading /proc/self/pagemap failed (errno %d)", errno);
		for (size_t i = 0; i < count; i++)
			if (entries[i] & PM_SOFT_DIRTY) {
				bit_set(bits, pg + i);
				n++;
			}
	}
	gc->st.entries_read += h->npages;
	if (restart)
		softdirty_track_start();
	return n;
}

static void softdirty_track_stop(void)
{
}

/* a page new to the heap is soft-dirty from its first write fault on */
static void softdirty_track_pages_added(size_t pg, size_t n)
{
	(void)pg;
	(void)n;
}

const struct tracker gc_track_softdirty = {
	.name = "softdirty",
	.init = softdirty_track_init,
	.start = softdirty_track_start,
	.collect = softdirty_track_collect,
	.stop = softdirty_track_stop,
	.pages_added = softdirty_track_pages_added,
	.concurrent_restart = 0,
};
