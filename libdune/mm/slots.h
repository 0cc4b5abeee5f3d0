/* both halves - slots.h: memory slots: guest-physical ranges backed by host memory.
 *
 * A slot is registered only for mirrored (mapped, accessible) host memory,
 * so the slots' total size equals the mirrored size. Shadow-paging hosts
 * charge metadata per page of slot size (about 8 bytes per 4 KiB on PVM),
 * whether anything is mapped there or not.
 */
#ifndef LIBDUNE_SLOTS_H
#define LIBDUNE_SLOTS_H

#include <stdint.h>

/* Registers (size != 0) or deletes (size == 0) slot id with the host. */
typedef int (*slot_set_fn)(uint32_t id, uint64_t gpa, uint64_t size, uint64_t hva);

/* One slot operation of a batch the host runs in order, in one step. */
struct slot_op {
	uint32_t id, pad;
	uint64_t gpa, size, hva;
};
/* Runs n operations in order, stops at the first failure. */
typedef int (*slot_batch_fn)(const struct slot_op *ops, unsigned n);

int slots_init(unsigned max_slots, slot_set_fn set);
/* Where slots are replaced (split, merged), the operations go to fn in one
 * call; without it, to set one by one. */
void slots_set_batch(slot_batch_fn fn);
/* The host half of a batch: ops in order through set. */
int slots_run_batch(const struct slot_op *ops, unsigned n, slot_set_fn set);
/* [hva, hva+size) must be laid out (layout_reserve) and not yet in a slot. */
int slots_add(uintptr_t hva, uint64_t size);
/* Drops every slotted byte of [hva, hva+size); the guest must no longer
 * reach it through its page tables. */
int slots_remove(uintptr_t hva, uint64_t size);
/* Merges neighbours that are contiguous in both spaces. */
int slots_compact(void);
int slots_replay(void);
unsigned slots_count(void);
uint64_t slots_bytes(void);
/* 1 if every page of [hva, hva+size) is in a slot */
int slots_cover(uintptr_t hva, uint64_t size);

#endif
