/* The edges of the contract, once per tracker: a pointer to any byte of an
 * object keeps it (the last byte of a small one, the last page of a large
 * one); a pointer in a large object's last page keeps its target; a
 * pointer kept only in an atomic object, or in malloc memory not given to
 * gc_add_roots, keeps nothing; static data and gc_add_roots ranges do;
 * memory comes back zeroed even where garbage was; garbage is reclaimed
 * (a heap limit far below what is allocated); gc_malloc(0) works. Whether
 * an object survived a cycle is asked at the end of that cycle's marking. */
#include <stdint.h>

#include "gctest.h"
#include "lib/debug.h"

#define LARGE_BYTES (1UL << 20)

static char *last_byte;      /* static data: a root */
static char *large_last_page;
static void **registered;    /* malloc'd, given to gc_add_roots */
static void **unregistered;  /* malloc'd, not scanned */

/* addresses the collector must not see (kept xor'ed), and what their
 * objects' marks were at the end of the last marking */
#define HIDE(p) ((uintptr_t)(p) ^ 0x5555555555555555UL)
static uintptr_t watched[8];
static int watched_marked[8];

void gc_debug_after_mark(void)
{
	for (int i = 0; i < 8; i++)
		if (watched[i])
			watched_marked[i] = gc_debug_marked((void *)HIDE(watched[i]));
}

static void churn(long bytes)
{
	for (long done = 0; done < bytes; done += 256)
		if (!gc_malloc(256)) {
			fprintf(stderr, "FAIL gc_malloc refused garbage churn\n");
			tl_failures++;
			return;
		}
}

/* In a frame of its own, wiped afterwards: no stale copy of a pointer on
 * the stack may keep the objects that must go. */
static void __attribute__((noinline)) make_objects(void)
{
	char *small, *large, *target, *atomic_holder, *dropped, *via_malloc, *via_roots;

	/* interior pointers: the last byte of a small object, the last page of a large one */
	small = gc_malloc(100);
	large = gc_malloc(LARGE_BYTES);
	CHECK(small && large);
	memset(small, 0x11, 100);
	memset(large, 0x22, LARGE_BYTES);
	last_byte = small + 99;
	large_last_page = large + LARGE_BYTES - 8;
	watched[0] = HIDE(small);
	watched[1] = HIDE(large);
	/* a target reached only from the large object's last page */
	target = gc_malloc(48);
	memset(target, 0x33, 48);
	*(char **)(large + LARGE_BYTES - 64) = target + 47;
	watched[2] = HIDE(target);
	/* reached only from an atomic object: not kept */
	atomic_holder = gc_malloc_atomic(64);
	dropped = gc_malloc(32);
	*(char **)atomic_holder = dropped;
	watched[3] = HIDE(dropped);
	/* reached only from malloc memory: not kept; from a gc_add_roots range: kept */
	registered = calloc(4, sizeof(void *));
	unregistered = calloc(4, sizeof(void *));
	CHECK(registered && unregistered);
	CHECK_EQ(gc_add_roots(registered, registered + 4), 0);
	via_malloc = gc_malloc(40);
	via_roots = gc_malloc(40);
	unregistered[1] = via_malloc;
	registered[2] = via_roots + 39;
	watched[4] = HIDE(via_malloc);
	watched[5] = HIDE(via_roots);
}

static void __attribute__((noinline)) wipe_stack(void)
{
	volatile char junk[16384];
	memset((char *)junk, 0, sizeof(junk));
}

static int scenario(void)
{
	long rounds = tl_iters(20);
	struct gc_stats st;

	make_objects();
	wipe_stack();
	for (long r = 0; r < rounds; r++) {
		churn(1L << 20);
		gc_collect();
	}
	CHECK_EQ(watched_marked[0], 1);
	CHECK_EQ(watched_marked[1], 1);
	CHECK_EQ(watched_marked[2], 1);
	CHECK_EQ(watched_marked[3], 0);
	CHECK_EQ(watched_marked[4], 0);
	CHECK_EQ(watched_marked[5], 1);
	for (int i = 0; i < 100; i++)
		CHECK_EQ(last_byte[i - 99], 0x11);
	CHECK_EQ(large_last_page[-(long)LARGE_BYTES + 8], 0x22);
	CHECK_EQ(large_last_page[0], 0x22);
	{
		char *t = *(char **)(large_last_page - 56) - 47;
		int ok = 1;
		for (int i = 0; i < 48; i++)
			ok &= t[i] == 0x33;
		CHECK(ok);
	}

	/* zeroed memory where garbage was: dirty a size class, drop it, reuse it */
	for (int i = 0; i < 2000; i++)
		memset(gc_malloc(200), 0xee, 200);
	gc_collect();
	{
		long dirty = 0;
		for (int i = 0; i < 4000; i++) {
			unsigned char *p = gc_malloc(200);
			for (int j = 0; j < 200; j++)
				dirty += p[j] != 0;
		}
		CHECK_EQ(dirty, 0);
		for (int i = 0; i < 20; i++) {
			unsigned char *p = gc_malloc(3 * 4096 + 100);
			for (int j = 0; j < 3 * 4096 + 100; j++)
				dirty += p[j] != 0;
			memset(p, 0xdd, 3 * 4096 + 100);
		}
		gc_collect();
		for (int i = 0; i < 20; i++) {
			unsigned char *p = gc_malloc(3 * 4096 + 100);
			for (int j = 0; j < 3 * 4096 + 100; j++)
				dirty += p[j] != 0;
		}
		CHECK_EQ(dirty, 0);
	}

	/* zero bytes: a real, distinct object */
	{
		void *a = gc_malloc(0), *b = gc_malloc(0);
		CHECK(a && b && a != b);
	}

	/* garbage is reclaimed: 40x the heap limit allocated, nothing refused */
	churn(tl_iters(40) * (16L << 20));
	gc_get_stats(&st);
	CHECK(st.heap_bytes_max <= 16UL << 20);
	CHECK_EQ(st.oom, 0);
	CHECK(st.cycles >= (uint64_t)rounds);
	return 0;
}

int main(void)
{
	struct gt_setup s = { .max_heap = 16UL << 20, .timeout = 300 };
	return gt_run("gc_edges", &s, scenario);
}
