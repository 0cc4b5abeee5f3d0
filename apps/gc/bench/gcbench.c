/*
 * gcbench - the shape of the classic GCBench (Ellis, Kovac; Boehm's C
 * version), written here: a long-lived binary tree and an array of doubles
 * stay alive while trees of growing depth are built top-down (allocate,
 * then fill in children) and bottom-up (children first), each dropped
 * after it is built. With malloc the trees are freed.
 */
#include "bm.h"

#define STRETCH_DEPTH 18
#define LONG_LIVED_DEPTH 16
#define ARRAY_SIZE 500000
#define MIN_DEPTH 4
#define MAX_DEPTH 16

struct node {
	struct node *left, *right;
	int i, j;
};

static struct node *new_node(struct node *l, struct node *r)
{
	struct node *n = bm_alloc(sizeof(*n));
	n->left = l;
	n->right = r;
	return n;
}

static void free_tree(struct node *n)
{
#ifdef BM_MALLOC
	if (!n)
		return;
	free_tree(n->left);
	free_tree(n->right);
	bm_free(n);
#else
	(void)n;
#endif
}

static long tree_size(int depth)
{
	return (1L << (depth + 1)) - 1;
}

static long iterations(int depth)
{
	return 2 * tree_size(STRETCH_DEPTH) / tree_size(depth);
}

/* top-down: the node exists before its children */
static void populate(int depth, struct node *n)
{
	if (depth-- <= 0)
		return;
	n->left = new_node(NULL, NULL);
	n->right = new_node(NULL, NULL);
	populate(depth, n->left);
	populate(depth, n->right);
}

/* bottom-up: children first */
static struct node *make_tree(int depth)
{
	if (depth <= 0)
		return new_node(NULL, NULL);
	return new_node(make_tree(depth - 1), make_tree(depth - 1));
}

static long count(struct node *n)
{
	return n ? 1 + count(n->left) + count(n->right) : 0;
}

static long time_construction(int depth)
{
	long n = bm_scale(iterations(depth)), built = 0;
	for (long i = 0; i < n; i++) {
		struct node *t = new_node(NULL, NULL);
		populate(depth, t);
		built += t->left != NULL;
		free_tree(t);
	}
	for (long i = 0; i < n; i++) {
		struct node *t = make_tree(depth);
		built += t->right != NULL;
		free_tree(t);
	}
	return built;
}

int main(void)
{
	struct node *long_lived, *t;
	double *array;
	long check = 0;
	int r;

	if ((r = bm_init()))
		return r;
	t = make_tree(STRETCH_DEPTH); /* stretch the heap */
	free_tree(t);
	long_lived = new_node(NULL, NULL);
	populate(LONG_LIVED_DEPTH, long_lived);
	array = bm_alloc_atomic(ARRAY_SIZE * sizeof(double));
	for (int i = 0; i < ARRAY_SIZE / 2; i++)
		array[i] = 1.0 / (i + 1);
	for (int d = MIN_DEPTH; d <= MAX_DEPTH; d += 2)
		check += time_construction(d);
	/* the long-lived data must have survived it all */
	if (count(long_lived) != tree_size(LONG_LIVED_DEPTH) || array[1000] != 1.0 / 1001) {
		fprintf(stderr, "gcbench: long-lived data damaged\n");
		return 1;
	}
	bm_report("gcbench", check);
	return 0;
}
