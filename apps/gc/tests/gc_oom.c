/* Out of memory, once per tracker: with a 16 MiB heap limit, keeping large
 * objects, then small ones, alive until gc_malloc says NULL (errno ENOMEM,
 * one line on stderr, no crash, the heap never past its limit); a request
 * larger than the limit is refused at once; after letting go, a collection
 * makes room and allocation works again. */
#include <stdint.h>

#include "gctest.h"

#define LIMIT (16UL << 20)

struct link {
	struct link *next;
	char bytes[];
};

static struct link *kept; /* a root */

static long fill(size_t size)
{
	long n = 0;
	for (;;) {
		struct link *l = gc_malloc(size);
		if (!l)
			break;
		l->next = kept;
		kept = l;
		n++;
	}
	return n;
}

static int scenario(void)
{
	struct gc_stats st;
	long large, small;

	errno = 0;
	large = fill(64 * 1024);
	CHECK_EQ(errno, ENOMEM);
	/* most of the limit, in 64 KiB objects */
	CHECK(large >= (long)(LIMIT / (64 * 1024)) / 2);
	CHECK(large <= (long)(LIMIT / (64 * 1024)));
	kept = NULL;
	gc_collect();

	errno = 0;
	small = fill(1000);
	CHECK_EQ(errno, ENOMEM);
	CHECK(small >= (long)(LIMIT / 1024) / 2);
	CHECK(gc_malloc(LIMIT + 4096) == NULL);
	kept = NULL;
	gc_collect();

	/* room again */
	CHECK(fill(64 * 1024) >= large / 2);
	kept = NULL;
	gc_get_stats(&st);
	CHECK(st.heap_bytes_max <= LIMIT);
	CHECK(st.oom >= 3);
	return 0;
}

int main(void)
{
	struct gt_setup s = { .max_heap = LIMIT, .timeout = 300 };
	return gt_run("gc_oom", &s, scenario);
}
