/*
 * binarytrees - the benchmarks-game shape, single-threaded: a stretch tree
 * of depth N+1, a long-lived tree of depth N, then 2^(N-d+4) trees of each
 * depth d = 4, 6, ..., N, built bottom-up, walked for a checksum, dropped.
 * With malloc the trees are freed.
 */
#include "bm.h"

#define MAX_DEPTH 16

struct node {
	struct node *left, *right;
};

static struct node *make(int depth)
{
	struct node *n = bm_alloc(sizeof(*n));
	if (depth > 0) {
		n->left = make(depth - 1);
		n->right = make(depth - 1);
	} else {
		n->left = n->right = NULL;
	}
	return n;
}

static long check(struct node *n)
{
	return 1 + (n->left ? check(n->left) + check(n->right) : 0);
}

static void release(struct node *n)
{
#ifdef BM_MALLOC
	if (n->left) {
		release(n->left);
		release(n->right);
	}
	bm_free(n);
#else
	(void)n;
#endif
}

int main(void)
{
	struct node *stretch, *long_lived;
	long total = 0;
	int r;

	if ((r = bm_init()))
		return r;
	stretch = make(MAX_DEPTH + 1);
	total += check(stretch);
	release(stretch);
	long_lived = make(MAX_DEPTH);
	for (int d = 4; d <= MAX_DEPTH; d += 2) {
		long n = bm_scale(1L << (MAX_DEPTH - d + 4));
		for (long i = 0; i < n; i++) {
			struct node *t = make(d);
			total += check(t);
			release(t);
		}
	}
	total += check(long_lived);
	bm_report("binarytrees", total);
	return 0;
}
