/*
 * track_mprotect.c - the classic write barrier: pointer pages are made
 * read-only when a cycle starts; the first write to each faults, the
 * SIGSEGV handler records the page and makes it writable again.
 *
 * The kernel's own writes into a protected page (a read() into an object)
 * fail with EFAULT instead of faulting: pages of gc_malloc_atomic objects
 * are never protected, so I/O buffers belong there.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

static uint64_t *writable; /* per page: written (or added) since protected */
static struct sigaction chained;

/* Only this tracker protects committed heap pages, so an access error
 * there is ours, whenever it is taken: the handler may have been held up
 * (stopped for a collection) while the cycle ended and all was unprotected.
 * Unprotect first, record second: a collect() between the two leaves the
 * page writable and recorded, never writable and forgotten. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	struct heap *h = gc_heap;

	if (si->si_code == SEGV_ACCERR && h && writable && a - h->base < (h->npages << PAGE_SHIFT)) {
		size_t pg = page_of(a);
		if (mprotect((void *)page_addr(pg), PAGE_SIZE, PROT_READ | PROT_WRITE) == 0) {
			__atomic_fetch_or(&writable[pg / 64], 1UL << (pg % 64), __ATOMIC_RELEASE);
			__atomic_fetch_add(&gc->st.traps, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	/* not ours: whoever handled SIGSEGV before, or the default (dies) */
	if (chained.sa_flags & SA_SIGINFO)
		chained.sa_sigaction(sig, si, uc);
	else if (chained.sa_handler != SIG_IGN && chained.sa_handler != SIG_DFL)
		chained.sa_handler(sig);
	else
		signal(SIGSEGV, SIG_DFL); /* the write faults again and ends the process */
}

static int mprotect_track_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &chained) < 0)
		return -errno;
	return 0;
}

/* Protects the pointer pages among [from, to) whose bit in `only` is set
 * (every one if only is NULL), a run of pages per call. */
static void protect_pointer_pages(size_t from, size_t to, const uint64_t *only)
{
	struct heap *h = gc_heap;
	size_t run = 0;
	for (size_t pg = from; pg <= to; pg++) {
		int take = pg < to && page_holds_pointers(&h->info[pg]) && (!only || bit_test(only, pg));
		if (take) {
			run++;
			continue;
		}
		if (run) {
			if (mprotect((void *)page_addr(pg - run), run << PAGE_SHIFT, PROT_READ) < 0)
				gc_fatal("mprotect of the heap failed (errno %d)%s", errno,
					 errno == ENOMEM ? ": more mappings than vm.max_map_count allows; "
							   "raise it (sysctl) or use another tracker"
							 : "");
			gc->st.protect_calls++;
			run = 0;
		}
	}
}

static void mprotect_track_start(void)
{
	struct heap *h = gc_heap;
	if (!writable) {
		writable = mmap(NULL, (gc->max_pages + 63) / 64 * 8, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (writable == MAP_FAILED)
			gc_fatal("no memory for the mprotect tracker's bitmap");
	}
	memset(writable, 0, (h->npages + 63) / 64 * 8);
	protect_pointer_pages(0, h->npages, NULL);
}

static long mprotect_track_collect(uint64_t *bits, int restart)
{
	struct heap *h = gc_heap;
	size_t words = (h->npages + 63) / 64;
	long n = 0;
	for (size_t w = 0; w < words; w++) {
		uint64_t x = __atomic_load_n(&writable[w], __ATOMIC_RELAXED);
		if (!x)
			continue;
		bits[w] |= x;
		n += __builtin_popcountl(x);
		/* forget first, protect second: a write in between lands on a
		 * page the caller scans after this returns */
		if (restart)
			__atomic_fetch_and(&writable[w], ~x, __ATOMIC_RELAXED);
	}
	if (restart && n)
		protect_pointer_pages(0, h->npages, bits);
	return n;
}

static void mprotect_track_stop(void)
{
	struct heap *h = gc_heap;
	if (mprotect((void *)h->base, h->npages << PAGE_SHIFT, PROT_READ | PROT_WRITE) < 0)
		gc_fatal("mprotect of the heap failed (errno %d)", errno);
	gc->st.protect_calls++;
}

/* a page that was free when the cycle started is writable: count it written */
static void mprotect_track_pages_added(size_t pg, size_t n)
{
	for (size_t i = pg; i < pg + n; i++)
		__atomic_fetch_or(&writable[i / 64], 1UL << (i % 64), __ATOMIC_RELAXED);
}

const struct tracker gc_track_mprotect = {
	.name = "mprotect",
	.init = mprotect_track_init,
	.start = mprotect_track_start,
	.collect = mprotect_track_collect,
	.stop = mprotect_track_stop,
	.pages_added = mprotect_track_pages_added,
	.concurrent_restart = 1,
};
