/* Random object graphs under mutation, across thousands of cycles (a small
 * fixed trigger), once per tracker. Every edge is an interior pointer to a
 * random byte of its target; nodes carry their id, a checksum of their
 * payload and the ids their edges must reach; some nodes are large (one
 * edge in their last bytes, on a page of its own) and some own an atomic
 * blob. Mutations include the one incremental marking must not lose: an
 * edge moved from a node not yet scanned into one already scanned. A
 * traversal from the roots checks every reachable node against a model kept
 * in malloc memory (which the collector does not scan, so it keeps nothing
 * alive): a live node freed and reused shows as a wrong id, magic, address
 * or checksum. */
#include <stdint.h>

#include "gctest.h"
#include "lib/debug.h"

#define NROOTS 256
#define LIVE_CAP 1500 /* nodes: roots let go faster above it */
#define NEXTRA 64
#define NKIDS 4
#define LARGE 4096
#define MAGIC 0x6763676370617468ULL

struct node {
	uint64_t magic; /* MAGIC ^ id */
	uint32_t id, size;
	char *kid[NKIDS]; /* kid node + kid_off */
	uint32_t kid_off[NKIDS];
	uint32_t kid_id[NKIDS]; /* 0: no kid */
	unsigned char *blob;    /* atomic, blob_len bytes */
	uint32_t blob_len, blob_sum;
	uint64_t sum; /* of the payload */
	unsigned char payload[];
};

/* a large node's extra edge, in its last bytes */
struct tail {
	char *kid;
	uint32_t kid_off, kid_id;
};

struct model {
	struct node *addr;
	uint32_t seen;
};

static struct node *roots_tab[NROOTS]; /* a data segment: a root */
static struct node **extra;            /* malloc'd, given to gc_add_roots */
static struct model *model;
static uint32_t next_id = 1, max_ids, epoch;
static long bad, marks_checked;
static unsigned long last_reachable; /* at the end of the last marking */

static struct tail *tail_of(struct node *n)
{
	/* aligned, as C keeps pointers */
	return n->size >= LARGE ? (struct tail *)((char *)n + ((n->size - sizeof(struct tail)) & ~7UL))
				: NULL;
}

static size_t payload_len(struct node *n)
{
	return n->size >= LARGE ? (size_t)((char *)tail_of(n) - (char *)n->payload)
				: n->size - sizeof(*n);
}

static uint64_t payload_sum(struct node *n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < payload_len(n); i++)
		s = s * 31 + n->payload[i];
	return s;
}

static void set_edge(char **slot, uint32_t *off, uint32_t *id, struct node *to)
{
	if (!to) {
		*slot = NULL;
		*off = *id = 0;
		return;
	}
	*off = (uint32_t)(gt_rand() % to->size); if (getenv("NOOFF")) *off = 0;
	*id = to->id;
	*slot = (char *)to + *off;
}

static struct node *edge(char *p, uint32_t off)
{
	return p ? (struct node *)(p - off) : NULL;
}

static struct node *kid(struct node *n, int k)
{
	return edge(n->kid[k], n->kid_off[k]);
}

static struct node *any_node(void)
{
	struct node *n = NULL;
	for (int tries = 0; !n && tries < 8; tries++)
		n = roots_tab[gt_rand() % NROOTS];
	for (int d = (int)(gt_rand() % 5); n && d > 0; d--) {
		struct node *k = kid(n, (int)(gt_rand() % NKIDS));
		if (k)
			n = k;
	}
	return n;
}

static struct node *new_node(void)
{
	unsigned r = (unsigned)(gt_rand() % 100);
	uint32_t size = sizeof(struct node) + (uint32_t)(gt_rand() % 200);
	struct node *n;

	if (r >= 85)
		size += (uint32_t)(gt_rand() % 2000);
	if (r >= 98)
		size = LARGE + (uint32_t)(gt_rand() % (60 * 1024));
	if (next_id == max_ids) {
		fprintf(stderr, "FAIL the test ran out of node ids\n");
		bad++;
		return NULL;
	}
	n = gc_malloc(size);
	if (!n) {
		fprintf(stderr, "FAIL gc_malloc(%u) returned NULL\n", size);
		bad++;
		return NULL;
	}
	if (n->magic || n->id || ((char *)n)[size - 1]) {
		fprintf(stderr, "FAIL gc_malloc returned memory that is not zero\n");
		bad++;
	}
	n->id = next_id++;
	n->magic = MAGIC ^ n->id;
	n->size = size;
	for (size_t i = 0; i < payload_len(n); i++)
		n->payload[i] = (unsigned char)(n->id * 7 + i);
	n->sum = payload_sum(n);
	for (int k = 0; k < NKIDS; k++) /* fewer edges while the graph is big */
		if (gt_rand() % 8 < (last_reachable > LIVE_CAP ? 1u : 3u))
			set_edge(&n->kid[k], &n->kid_off[k], &n->kid_id[k], any_node());
	if (tail_of(n))
		set_edge(&tail_of(n)->kid, &tail_of(n)->kid_off, &tail_of(n)->kid_id, any_node());
	if (gt_rand() % 10 == 0) {
		uint32_t len = 1 + (uint32_t)(gt_rand() % 3000), s = 0;
		unsigned char *b = gc_malloc_atomic(len);
		if (b) {
			for (uint32_t i = 0; i < len; i++)
				s += b[i] = (unsigned char)(i ^ n->id);
			n->blob = b;
			n->blob_len = len;
			n->blob_sum = s;
		}
	}
	model[n->id].addr = n;
	return n;
}

/* ---- checking ---- */

static struct node **todo;
static size_t ntodo, cap_todo;

static void visit(struct node *n, uint32_t want_id)
{
	if (!n)
		return;
	if (n->id != want_id || n->magic != (MAGIC ^ want_id)) {
		fprintf(stderr, "FAIL node %p: id %u magic %#llx, the edge wants id %u\n", (void *)n,
			n->id, (unsigned long long)n->magic, want_id);
		bad++;
		return;
	}
	if (model[want_id].seen == epoch)
		return;
	model[want_id].seen = epoch;
	if (ntodo == cap_todo) {
		cap_todo = cap_todo ? 2 * cap_todo : 4096;
		todo = realloc(todo, cap_todo * sizeof(*todo));
	}
	todo[ntodo++] = n;
}

/* Every node reachable from the roots, once each, through check(); the
 * edges of a node that fails its check are not followed. */
static long walk(int (*check)(struct node *n))
{
	long reached = 0;
	epoch++;
	for (int r = 0; r < NROOTS; r++)
		if (roots_tab[r])
			visit(roots_tab[r], roots_tab[r]->id);
	for (int r = 0; r < NEXTRA; r++)
		if (extra[r])
			visit(extra[r], extra[r]->id);
	while (ntodo) {
		struct node *n = todo[--ntodo];
		struct tail *t = tail_of(n);
		reached++;
		if (!check(n))
			continue;
		for (int k = 0; k < NKIDS; k++)
			visit(kid(n, k), n->kid_id[k]);
		if (t)
			visit(edge(t->kid, t->kid_off), t->kid_id);
	}
	return reached;
}

/* the node is where the model says, with its payload and blob intact */
static int intact(struct node *n)
{
	if (n->id >= next_id || model[n->id].addr != n || n->sum != payload_sum(n)) {
		fprintf(stderr, "FAIL node %u at %p: model %p, sum %s\n", n->id, (void *)n,
			(void *)model[n->id].addr, n->sum == payload_sum(n) ? "ok" : "wrong");
		bad++;
		return 0;
	}
	if (n->blob) {
		uint32_t s = 0;
		for (uint32_t i = 0; i < n->blob_len; i++)
			s += n->blob[i];
		if (s != n->blob_sum || n->blob[0] != (unsigned char)n->id) {
			fprintf(stderr, "FAIL blob of node %u changed\n", n->id);
			bad++;
		}
	}
	return 1;
}

static long check_graph(void)
{
	return walk(intact);
}

/* ---- the mutator ---- */

static void step(void)
{
	unsigned r = (unsigned)(gt_rand() % 100);
	struct node *a, *b, *t;
	int k;

	if (r < 40) { /* a new node, hung somewhere */
		struct node *n = new_node();
		unsigned where = (unsigned)(gt_rand() % 10);
		if (!n)
			return;
		if (where < (last_reachable > LIVE_CAP ? 8u : 5u))
			roots_tab[gt_rand() % NROOTS] = n;
		else if (where < 8 && (a = any_node()))
			k = (int)(gt_rand() % NKIDS), set_edge(&a->kid[k], &a->kid_off[k], &a->kid_id[k], n);
		else
			extra[gt_rand() % NEXTRA] = n;
	} else if (r < 65) { /* an edge changes */
		if ((a = any_node()))
			k = (int)(gt_rand() % NKIDS),
			set_edge(&a->kid[k], &a->kid_off[k], &a->kid_id[k], gt_rand() % 4 < (last_reachable > LIVE_CAP ? 1u : 3u) ? any_node() : NULL);
	} else if (r < 80) { /* an edge moves: from a (maybe unscanned) to b (maybe scanned) */
		a = any_node();
		b = any_node();
		k = (int)(gt_rand() % NKIDS);
		if (a && b && (t = kid(a, k))) {
			int j = (int)(gt_rand() % NKIDS);
			set_edge(&b->kid[j], &b->kid_off[j], &b->kid_id[j], t);
			set_edge(&a->kid[k], &a->kid_off[k], &a->kid_id[k], NULL);
		}
	} else if (r < 85) { /* a large node's last bytes */
		a = any_node();
		if (a && tail_of(a))
			set_edge(&tail_of(a)->kid, &tail_of(a)->kid_off, &tail_of(a)->kid_id, any_node());
	} else if (r < (last_reachable > LIVE_CAP ? 85u : 93u)) {
		return; /* nothing */
	} else if (r < 98) { /* a root lets go */
		if (gt_rand() % 4)
			roots_tab[gt_rand() % NROOTS] = NULL;
		else
			extra[gt_rand() % NEXTRA] = NULL;
	} else { /* held only by this frame while garbage piles up */
		struct node *volatile hold = new_node();
		for (int i = 0; i < 50; i++)
			new_node();
		if (hold)
			visit(hold, hold->id), ntodo = 0;
		if (hold && (hold->sum != payload_sum(hold) || model[hold->id].addr != hold)) {
			fprintf(stderr, "FAIL a node held on the stack only was lost\n");
			bad++;
		}
	}
}

/* At the end of every cycle's marking (world stopped): all the model can
 * reach must be marked, or the sweep would free it. */
static int marked(struct node *n)
{
	if (!gc_debug_marked(n)) {
		fprintf(stderr, "FAIL reachable node %u is not marked at the end of marking\n", n->id);
		bad++;
	}
	return 1;
}

void gc_debug_after_mark(void)
{
	last_reachable = (unsigned long)walk(marked);
	marks_checked++;
}

static int nonnull_roots(void)
{
	int n = 0;
	for (int r = 0; r < NROOTS; r++)
		n += roots_tab[r] != NULL;
	return n;
}

static int scenario(void)
{
	long steps = tl_iters(250000), checks = 0;
	struct gc_stats st;

	max_ids = (uint32_t)(2 * steps + 1000); /* 0.4 + 0.02 * 51 a step */
	model = calloc(max_ids, sizeof(*model));
	extra = calloc(NEXTRA, sizeof(*extra));
	CHECK(model && extra);
	CHECK_EQ(gc_add_roots(extra, extra + NEXTRA), 0);
	for (long s = 1; s <= steps && !bad; s++) {
		step();
		if (s % 20000 == 0 || s == steps) {
			long n = check_graph();
			checks++;
			if (s == steps)
				printf("# %ld nodes reachable after %ld steps, %u allocated, %d roots\n", n, s,
				       next_id - 1, nonnull_roots());
		}
	}
	gc_collect();
	check_graph();
	gc_get_stats(&st);
	CHECK_EQ(bad, 0);
	CHECK(checks >= 1);
	/* a run that collected little would prove little */
	CHECK(st.cycles >= (uint64_t)steps / 1000);
	CHECK_EQ(marks_checked, st.cycles);
	return 0;
}

int main(void)
{
	struct gt_setup s = { .max_heap = 256UL << 20, .trigger = 32 << 10, .timeout = 600 };
	return gt_run("gc_graph", &s, scenario);
}
