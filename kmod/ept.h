/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EPT page tables: building entries, walking, zapping. Memory is reached
 * through a small ops table so the same code runs in the module (pages from
 * the page allocator, __va) and in userspace unit tests (malloc'd tables).
 * Callers serialize (the module holds the VM's mmu_lock).
 */
#ifndef DUNE_EPT_H
#define DUNE_EPT_H

#include "dune_types.h"

#define EPT_R		(1ull << 0)
#define EPT_W		(1ull << 1)
#define EPT_X		(1ull << 2)
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT	3
#define EPT_MT_WB	(6ull << EPT_MT_SHIFT)
#define EPT_MT_UC	(0ull << EPT_MT_SHIFT)
#define EPT_IPAT	(1ull << 6)
#define EPT_LARGE	(1ull << 7)
#define EPT_ADDR_MASK	0x000ffffffffff000ull
#define EPT_LEVELS	4
#define EPT_ENTRIES	512

/* EPTP: WB paging structures, 4-level walk */
#define EPTP_WB		6ull
#define EPTP_WALK_4	(3ull << 3)

struct ept_ops {
	/* a zeroed 4 KiB table: its physical address, or 0 if none left */
	u64 (*alloc_table)(void *ctx);
	void (*free_table)(void *ctx, u64 pa);
	u64 *(*table_va)(void *ctx, u64 pa);
	void *ctx;
};

static inline unsigned int ept_index(u64 gpa, int level)
{
	/* level 0 is the page table, 3 the PML4 */
	return (unsigned int)((gpa >> (12 + 9 * level)) & (EPT_ENTRIES - 1));
}

static inline bool ept_present(u64 pte)
{
	return (pte & EPT_RWX) != 0;
}

static inline u64 ept_make_eptp(u64 root_pa)
{
	return (root_pa & EPT_ADDR_MASK) | EPTP_WALK_4 | EPTP_WB;
}

/* a 4 KiB leaf of memory type mt: always readable and executable, writable if asked */
static inline u64 ept_make_leaf_mt(u64 pa, bool writable, u64 mt)
{
	return (pa & EPT_ADDR_MASK) | EPT_R | EPT_X | (writable ? EPT_W : 0) | mt;
}

static inline u64 ept_make_leaf(u64 pa, bool writable)
{
	return ept_make_leaf_mt(pa, writable, EPT_MT_WB);
}

static inline u64 ept_make_table(u64 pa)
{
	return (pa & EPT_ADDR_MASK) | EPT_RWX;
}

/*
 * The level-0 entry for gpa, creating missing tables if create is set.
 * NULL if a table is missing (and !create) or allocation failed (-ENOMEM
 * in *err) or a large page is in the way (-EEXIST).
 */
u64 *ept_walk(const struct ept_ops *ops, u64 root_pa, u64 gpa, bool create, int *err);

/* install a 4 KiB leaf; returns the previous entry value */
int ept_set_leaf(const struct ept_ops *ops, u64 root_pa, u64 gpa, u64 leaf, u64 *old);

/* a 2 MiB leaf from a 4 KiB-style leaf value */
static inline u64 ept_make_large(u64 leaf)
{
	return leaf | EPT_LARGE;
}

/*
 * install a 2 MiB leaf at 2 MiB-aligned gpa: 0, -EBUSY if 4 KiB entries
 * (a table) are there already, -EEXIST if a 2 MiB leaf is, -ENOMEM
 */
int ept_set_large(const struct ept_ops *ops, u64 root_pa, u64 gpa, u64 leaf);

/* the leaf entry for gpa, 0 if none */
u64 ept_lookup(const struct ept_ops *ops, u64 root_pa, u64 gpa);

/* clear every leaf in [start, end); returns how many were present */
unsigned long ept_zap_range(const struct ept_ops *ops, u64 root_pa, u64 start, u64 end);

/* free every table below the root (the root itself is cleared, kept) */
void ept_free_tree(const struct ept_ops *ops, u64 root_pa);

#endif
