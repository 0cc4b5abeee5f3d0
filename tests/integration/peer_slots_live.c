/* Slots replaced under running code. A heap that grows one mprotect'ed
 * page at a time (glibc's thread arenas, Dune's sandbox running threaded
 * programs) makes a slot per page until libdune merges them; the merge
 * replaces slots that hold live memory, the code and stack doing it among
 * them. Splitting the slot that holds the running thread's own stack
 * (mprotect PROT_NONE on its far end, as a guard page is made) is the same.
 * The guest must run on through both, with its memory intact.
 * (DUNE_MAX_SLOTS makes the merge come early: KVM slot changes cost about a
 * millisecond each here, a merge at 8191 slots takes a minute.) */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "testlib.h"

#define PG 4096UL
#define RESERVE (256UL << 20)
#define STACK (1UL << 20)

static char *stack;

static unsigned long deep(unsigned n)
{
	volatile char buf[512];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(n + i);
	return n ? deep(n - 1) + (unsigned char)buf[n % sizeof(buf)] : (unsigned char)buf[7];
}

static void *on_own_stack(void *arg)
{
	(void)arg;
	if (dune_enter())
		return (void *)1;
	/* the far end of this very stack, in the same slot as the frames */
	if (mprotect(stack, PG, PROT_NONE))
		return (void *)2;
	deep(200); /* about 100 KiB of stack, all through the replaced slot */
	if (mprotect(stack, PG, PROT_READ | PROT_WRITE))
		return (void *)3;
	stack[0] = 1;
	return NULL;
}

int main(void)
{
	struct dune_mem_stats s0, s;
	unsigned long pages = 0, most = 0, limit;
	pthread_attr_t at;
	pthread_t t;
	void *ret = (void *)-1;
	char *heap;
	int merged = 0;

	tl_watchdog(600);
	/* merges start at a quarter of the limit: 128 slots, not 8191 */
	setenv("DUNE_MAX_SLOTS", "512", 1);
	tl_enter();

	/* 1: a reserve made accessible page by page, like an arena */
	heap = mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(heap != MAP_FAILED);
	dune_get_mem_stats(&s0);
	limit = RESERVE / PG;
	for (pages = 0; pages < limit; pages++) {
		/* a slot per page: KVM cannot grow a slot */
		char *p = heap + pages * PG;
		CHECK_EQ(mprotect(p, PG, PROT_READ | PROT_WRITE), 0);
		p[0] = (char)pages;
		p[PG - 1] = (char)~pages;
		dune_get_mem_stats(&s);
		if (s.slots > most)
			most = s.slots;
		if (s.slots + 64 < most) {
			merged = 1; /* a merge ran under this very code */
			break;
		}
	}
	CHECK(merged);
	for (unsigned long i = 0; i <= pages && i < limit; i++) {
		char *p = heap + i * PG;
		if (p[0] != (char)i || p[PG - 1] != (char)~i) {
			CHECK(!"heap page intact");
			break;
		}
	}
	printf("slots: %lu at start, at most %lu, merged after %lu pages, %lu now\n",
	       (unsigned long)s0.slots, most, pages, (unsigned long)s.slots);
	CHECK_EQ(munmap(heap, RESERVE), 0);

	/* 2: the running thread splits the slot holding its own stack */
	stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(stack != MAP_FAILED);
	pthread_attr_init(&at);
	pthread_attr_setstack(&at, stack, STACK);
	CHECK_EQ(pthread_create(&t, &at, on_own_stack, NULL), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == NULL);
	return tl_finish("peer_slots_live");
}
