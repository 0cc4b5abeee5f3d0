/* both halves - memory-slot bookkeeping (slots.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "dune.h"
#include "mm/layout.h"
#include "mm/slots.h"

struct slot {
	uint64_t hva, size, gpa;
	uint32_t id;
};

#define SLOT_TABLE_MAX 32768
#define COMPACT_THRESHOLD 128

static struct slot *slots; /* sorted by hva, no overlap */
static unsigned nr_slots, max_slots;
static uint8_t *id_used;
static slot_set_fn slot_set;
static slot_batch_fn slot_batch;
static uint64_t total_bytes;

/* Replacing a slot (a split, a merge) deletes it and registers its
 * successors. Memory in it may be live: the code doing this, its stack,
 * this table. The host runs the whole replacement in one step (one
 * hypercall from the guest), so this vCPU never runs with the memory
 * missing; other vCPUs that touch it meanwhile are served by the run
 * loop (MMIO emulation, a retried instruction fetch). */
#define BATCH_MAX 4
static struct slot_op batch[BATCH_MAX];
static unsigned nr_batch;
static int batching;

int slots_init(unsigned max, slot_set_fn set)
{
	if (max > SLOT_TABLE_MAX)
		max = SLOT_TABLE_MAX;
	if (max < 8)
		return -EINVAL;
	slot_set = set;
	slot_batch = NULL;
	if (slots) {
		max_slots = max;
		return 0;
	}
	slots = mmap(NULL, SLOT_TABLE_MAX * sizeof(*slots) + SLOT_TABLE_MAX,
		     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		slots = NULL;
		return -ENOMEM;
	}
	id_used = (uint8_t *)(slots + SLOT_TABLE_MAX);
	max_slots = max;
	return 0;
}

void slots_set_batch(slot_batch_fn fn)
{
	slot_batch = fn;
}

/* registers with the host now, or queues into the open batch */
static int host_set(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva)
{
	if (!batching)
		return slot_set(id, gpa, size, hva);
	if (nr_batch == BATCH_MAX)
		return -E2BIG;
	batch[nr_batch++] = (struct slot_op){ id, 0, gpa, size, hva };
	return 0;
}

static void batch_open(void)
{
	batching = 1;
	nr_batch = 0;
}

static int batch_commit(void)
{
	int r = 0;
	batching = 0;
	if (slot_batch)
		r = slot_batch(batch, nr_batch);
	else
		for (unsigned i = 0; i < nr_batch && r >= 0; i++)
			r = slot_set(batch[i].id, batch[i].gpa, batch[i].size, batch[i].hva);
	nr_batch = 0;
	return r < 0 ? r : 0;
}

int slots_run_batch(const struct slot_op *ops, unsigned n, slot_set_fn set)
{
	for (unsigned i = 0; i < n; i++) {
		int r = set(ops[i].id, ops[i].gpa, ops[i].size, ops[i].hva);
		if (r < 0)
			return r;
	}
	return 0;
}

static int id_alloc(void)
{
	for (unsigned i = 0; i < max_slots; i++)
		if (!id_used[i]) {
			id_used[i] = 1;
			return (int)i;
		}
	return -ENOSPC;
}

/* index of the first slot whose end is above hva */
static unsigned find_first(uint64_t hva)
{
	unsigned lo = 0, hi = nr_slots;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (slots[mid].hva + slots[mid].size <= hva)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int insert(uint64_t hva, uint64_t size, uint64_t gpa)
{
	unsigned at;
	int id, r;

	if (nr_slots >= max_slots)
		return -ENOSPC;
	id = id_alloc();
	if (id < 0)
		return id;
	r = host_set((uint32_t)id, gpa, size, hva);
	if (r < 0) {
		id_used[id] = 0;
		return r;
	}
	at = find_first(hva);
	memmove(&slots[at + 1], &slots[at], (nr_slots - at) * sizeof(*slots));
	slots[at] = (struct slot){ hva, size, gpa, (uint32_t)id };
	nr_slots++;
	total_bytes += size;
	return 0;
}

static int drop(unsigned at)
{
	int r = host_set(slots[at].id, slots[at].gpa, 0, slots[at].hva);
	if (r < 0)
		return r;
	id_used[slots[at].id] = 0;
	total_bytes -= slots[at].size;
	memmove(&slots[at], &slots[at + 1], (nr_slots - at - 1) * sizeof(*slots));
	nr_slots--;
	return 0;
}

int slots_add(uintptr_t hva, uint64_t size)
{
	uintptr_t end = hva + size;
	int r;

	if (!size || (hva | size) & (PGSIZE - 1))
		return -EINVAL;
	/* one slot per chunk piece: chunks need not be contiguous in PA */
	while (hva < end) {
		uintptr_t piece_end = (hva | (CHUNK_SIZE - 1)) + 1;
		uint64_t gpa = layout_va_to_pa(hva);
		if (piece_end > end)
			piece_end = end;
		if (!gpa)
			return -EINVAL;
		r = insert(hva, piece_end - hva, gpa);
		if (r == -ENOSPC && slots_compact() > 0)
			r = insert(hva, piece_end - hva, gpa);
		if (r < 0)
			return r;
		hva = piece_end;
	}
	if (nr_slots > COMPACT_THRESHOLD && nr_slots > max_slots / 4)
		slots_compact();
	return 0;
}

int slots_remove(uintptr_t hva, uint64_t size)
{
	uint64_t end = hva + size;
	unsigned at = find_first(hva);
	int r;

	while (at < nr_slots && slots[at].hva < end) {
		struct slot s = slots[at];
		uint64_t s_end = s.hva + s.size;
		batch_open();
		r = drop(at);
		if (r >= 0 && s.hva < hva) {
			r = insert(s.hva, hva - s.hva, s.gpa);
			at++;
		}
		if (r >= 0 && s_end > end) {
			r = insert(end, s_end - end, s.gpa + (end - s.hva));
			at++;
		}
		if (r < 0) {
			batching = 0;
			return r;
		}
		if ((r = batch_commit()) < 0)
			return r;
	}
	return 0;
}

int slots_compact(void)
{
	int merged = 0;
	for (unsigned i = 0; i + 1 < nr_slots;) {
		struct slot a = slots[i], b = slots[i + 1];
		if (a.hva + a.size != b.hva || a.gpa + a.size != b.gpa ||
		    (a.hva >> CHUNK_SHIFT) != (b.hva >> CHUNK_SHIFT)) {
			i++;
			continue;
		}
		batch_open();
		if (drop(i + 1) < 0 || drop(i) < 0 || insert(a.hva, a.size + b.size, a.gpa) < 0 ||
		    batch_commit() < 0) {
			batching = 0;
			return -EIO;
		}
		merged++;
	}
	return merged;
}

unsigned slots_count(void)
{
	return nr_slots;
}

uint64_t slots_bytes(void)
{
	return total_bytes;
}

int slots_cover(uintptr_t hva, uint64_t size)
{
	uint64_t end = hva + size;
	unsigned at = find_first(hva);
	while (hva < end) {
		if (at >= nr_slots || slots[at].hva > hva)
			return 0;
		hva = slots[at].hva + slots[at].size;
		at++;
	}
	return 1;
}

/* Neighbours contiguous in both spaces become one entry, without telling
 * the host: for a VM that has no slots yet. */
static void merge_in_table(void)
{
	unsigned out = 0;
	for (unsigned i = 0; i < nr_slots; i++) {
		struct slot *prev = out ? &slots[out - 1] : NULL, s = slots[i];
		if (prev && prev->hva + prev->size == s.hva && prev->gpa + prev->size == s.gpa &&
		    (prev->hva >> CHUNK_SHIFT) == (s.hva >> CHUNK_SHIFT)) {
			prev->size += s.size;
			id_used[s.id] = 0;
			continue;
		}
		slots[out++] = s;
	}
	nr_slots = out;
}

/* A forked child's new VM: register every slot again, same ids, merged
 * first (each registration costs the host work, up to a millisecond on
 * a shadow-paging host; fork pays them all). */
int slots_replay(void)
{
	merge_in_table();
	for (unsigned i = 0; i < nr_slots; i++) {
		int r = slot_set(slots[i].id, slots[i].gpa, slots[i].size, slots[i].hva);
		if (r < 0)
			return r;
	}
	return 0;
}
