/*
 * hashmap - a chained hash map with a large live heap (about a million
 * entries, each with a value object that points back at its entry), under
 * a mix of operations that writes all over it: replace a value (the old
 * one becomes garbage), update a value in place (a write, no allocation),
 * delete a key and insert a new one, look up and verify. With malloc, what
 * is dropped is freed. The check at the end walks the whole map.
 */
#include "bm.h"

#define ENTRIES (1L << 20)
#define OPS (4L << 20)

struct entry;

struct value {
	struct entry *owner;
	uint64_t sum;
	uint32_t len;
	unsigned char bytes[];
};

struct entry {
	struct entry *next;
	uint64_t key;
	struct value *val;
};

static struct entry **buckets; /* a root */
static size_t nbuckets;
static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t bucket_of(uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ULL) >> 20) & (nbuckets - 1);
}

static struct value *new_value(struct entry *owner, uint64_t seed)
{
	uint32_t len = 32 + (uint32_t)(seed % 224);
	struct value *v = bm_alloc(sizeof(*v) + len);
	uint64_t s = 0;
	v->owner = owner;
	v->len = len;
	for (uint32_t i = 0; i < len; i++)
		s += v->bytes[i] = (unsigned char)(seed >> (i % 56));
	v->sum = s;
	return v;
}

static int value_ok(const struct entry *e)
{
	uint64_t s = 0;
	for (uint32_t i = 0; i < e->val->len; i++)
		s += e->val->bytes[i];
	return s == e->val->sum && e->val->owner == e;
}

static struct entry *find(uint64_t key)
{
	struct entry *e = buckets[bucket_of(key)];
	while (e && e->key != key)
		e = e->next;
	return e;
}

static void insert(uint64_t key)
{
	size_t b = bucket_of(key);
	struct entry *e = bm_alloc(sizeof(*e));
	e->key = key;
	e->val = new_value(e, key);
	e->next = buckets[b];
	buckets[b] = e;
}

static void delete(uint64_t key)
{
	struct entry **pp = &buckets[bucket_of(key)], *e;
	while ((e = *pp) && e->key != key)
		pp = &e->next;
	if (!e)
		return;
	*pp = e->next;
	bm_free(e->val);
	bm_free(e);
}

int main(void)
{
	long entries = bm_scale(ENTRIES), ops = bm_scale(OPS), bad = 0, count = 0;
	uint64_t *keys, check = 0;
	int r;

	if ((r = bm_init()))
		return r;
	for (nbuckets = 1; nbuckets < (size_t)entries; nbuckets *= 2)
		;
	buckets = bm_alloc(nbuckets * sizeof(*buckets));
	keys = malloc(entries * sizeof(*keys)); /* plain numbers: no roots */
	for (long i = 0; i < entries; i++)
		insert(keys[i] = next_rand());
	for (long i = 0; i < ops; i++) {
		uint64_t k = keys[next_rand() % (uint64_t)entries], op = next_rand() % 100;
		struct entry *e = find(k);
		if (!e) {
			bad++;
			continue;
		}
		if (op < 50) { /* replace the value */
			struct value *old = e->val;
			e->val = new_value(e, next_rand());
			bm_free(old);
		} else if (op < 70) { /* look up */
			bad += !value_ok(e);
		} else if (op < 85) { /* delete, insert another key */
			long at = (long)(next_rand() % (uint64_t)entries);
			delete(keys[at]);
			insert(keys[at] = next_rand());
		} else { /* update in place */
			uint32_t at = (uint32_t)(next_rand() % e->val->len);
			e->val->sum -= e->val->bytes[at];
			e->val->bytes[at] = (unsigned char)op;
			e->val->sum += (unsigned char)op;
		}
	}
	for (size_t b = 0; b < nbuckets; b++)
		for (struct entry *e = buckets[b]; e; e = e->next) {
			bad += !value_ok(e);
			check += e->val->sum;
			count++;
		}
	if (bad || count != entries) {
		fprintf(stderr, "hashmap: %ld damaged entries, %ld of %ld present\n", bad, count, entries);
		return 1;
	}
	bm_report("hashmap", (long)(check % 1000000007));
	return 0;
}
