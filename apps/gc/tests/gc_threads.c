/* Several mutator threads, stopped for each cycle's final phase, once per
 * tracker. Each thread grows and rewires a graph of its own, moves edges
 * between its graph and one shared by all (from a node another thread may
 * not have scanned into one this thread wrote), keeps nodes alive from its
 * stack only while others allocate, and sleeps now and then (a stop signal
 * must reach a thread blocked in the kernel too). At the end of every
 * marking, with the world stopped, every node reachable from the roots
 * must be marked; at the end each thread checks its nodes' checksums. */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "gctest.h"
#include "lib/debug.h"

#define NTHREADS 4
#define NSLOTS 64
#define MAGIC 0x7468726561647321ULL

struct node {
	uint64_t magic; /* MAGIC ^ sum */
	uint64_t sum;   /* of the payload */
	struct node *kid[2];
	uint32_t len;
	unsigned char payload[];
};

static struct node *slots[NTHREADS][NSLOTS]; /* a data segment: roots */
static struct node *shared[NSLOTS];
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long bad, marks_checked;

static struct node *new_node(uint64_t seed)
{
	uint32_t len = 8 + (uint32_t)(seed % 300);
	struct node *n = gc_malloc(sizeof(*n) + len);
	uint64_t s = 0;
	if (!n) {
		__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	n->len = len;
	for (uint32_t i = 0; i < len; i++)
		s = s * 31 + (n->payload[i] = (unsigned char)(seed + i));
	n->sum = s;
	n->magic = MAGIC ^ s;
	return n;
}

static int intact(struct node *n)
{
	uint64_t s = 0;
	for (uint32_t i = 0; i < n->len; i++)
		s = s * 31 + n->payload[i];
	return s == n->sum && n->magic == (MAGIC ^ s);
}

/* depth-limited walk: checks every node on the way */
static long check(struct node *n, int depth)
{
	long wrong = 0;
	if (!n || depth == 0)
		return 0;
	if (!intact(n))
		return 1;
	for (int k = 0; k < 2; k++)
		wrong += check(n->kid[k], depth - 1);
	return wrong;
}

static long marked_check(struct node *n, int depth)
{
	long wrong = 0;
	if (!n || depth == 0)
		return 0;
	if (!gc_debug_marked(n))
		wrong++;
	for (int k = 0; k < 2; k++)
		wrong += marked_check(n->kid[k], depth - 1);
	return wrong;
}

void gc_debug_after_mark(void)
{
	long wrong = 0;
	for (int t = 0; t < NTHREADS; t++)
		for (int i = 0; i < NSLOTS; i++)
			wrong += marked_check(slots[t][i], 8);
	for (int i = 0; i < NSLOTS; i++)
		wrong += marked_check(shared[i], 8);
	if (wrong) {
		fprintf(stderr, "FAIL %ld reachable nodes not marked at the end of marking\n", wrong);
		bad += wrong;
	}
	marks_checked++;
}

static void *mutator(void *arg)
{
	long me = (long)arg, steps = tl_iters(20000);
	uint64_t rng = 0x1234567ULL * (uint64_t)(me + 1);
	struct node **mine = slots[me];

	for (long s = 0; s < steps && !bad; s++) {
		unsigned r;
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		r = (unsigned)(rng % 100);
		if (r < 45) { /* a new node in my graph, pointing into it */
			struct node *n = new_node(rng);
			if (!n)
				break;
			n->kid[0] = mine[(rng >> 8) % NSLOTS];
			n->kid[1] = mine[(rng >> 16) % NSLOTS];
			mine[(rng >> 24) % NSLOTS] = n;
		} else if (r < 65) { /* rewire my graph */
			struct node *a = mine[(rng >> 8) % NSLOTS];
			if (a)
				a->kid[(rng >> 16) & 1] = mine[(rng >> 24) % NSLOTS];
		} else if (r < 80) { /* an edge from the shared graph into mine, taken away there */
			struct node *a = mine[(rng >> 8) % NSLOTS], *t;
			pthread_mutex_lock(&shared_lock);
			t = shared[(rng >> 16) % NSLOTS];
			if (a && t) {
				a->kid[(rng >> 24) & 1] = t->kid[0] ? t->kid[0] : t;
				t->kid[0] = NULL;
			}
			pthread_mutex_unlock(&shared_lock);
		} else if (r < 92) { /* one of mine goes to the shared graph */
			pthread_mutex_lock(&shared_lock);
			shared[(rng >> 8) % NSLOTS] = mine[(rng >> 16) % NSLOTS];
			pthread_mutex_unlock(&shared_lock);
		} else if (r < 98) { /* nodes held by this stack only */
			struct node *volatile chain = NULL;
			for (int i = 0; i < 20; i++) {
				struct node *n = new_node(rng + (uint64_t)i);
				if (!n)
					break;
				n->kid[0] = chain;
				chain = n;
			}
			if (check(chain, 100))
				__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
		} else { /* blocked in the kernel while the others collect */
			struct timespec ts = { 0, 200000 };
			nanosleep(&ts, NULL);
		}
	}
	for (int i = 0; i < NSLOTS; i++)
		if (check(mine[i], 8))
			__atomic_add_fetch(&bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int scenario(void)
{
	pthread_t t[NTHREADS];
	struct gc_stats st;

	for (long i = 1; i < NTHREADS; i++)
		CHECK_EQ(gc_pthread_create(&t[i], NULL, mutator, (void *)i), 0);
	mutator((void *)0);
	for (int i = 1; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	gc_collect();
	for (int i = 0; i < NSLOTS; i++)
		CHECK_EQ(check(shared[i], 8), 0);
	gc_get_stats(&st);
	CHECK_EQ(bad, 0);
	CHECK_EQ(marks_checked, st.cycles);
	CHECK(st.cycles >= (uint64_t)tl_iters(50));
	CHECK(st.world_stops >= st.cycles);
	return 0;
}

int main(void)
{
	struct gt_setup s = { .max_heap = 256UL << 20, .trigger = 64 << 10, .timeout = 600 };
	return gt_run("gc_threads", &s, scenario);
}
