// SPDX-License-Identifier: GPL-2.0
/* EPT page-table code shared by the module and the unit tests. */
#include "ept.h"

u64 *ept_walk(const struct ept_ops *ops, u64 root_pa, u64 gpa, bool create, int *err)
{
	u64 *table = ops->table_va(ops->ctx, root_pa);
	int level;

	*err = 0;
	for (level = EPT_LEVELS - 1; level > 0; level--) {
		u64 *pte = &table[ept_index(gpa, level)];

		if (!ept_present(*pte)) {
			u64 pa;

			if (!create)
				return NULL;
			pa = ops->alloc_table(ops->ctx);
			if (!pa) {
				*err = -ENOMEM;
				return NULL;
			}
			*pte = ept_make_table(pa);
		} else if (*pte & EPT_LARGE) {
			*err = -EEXIST;
			return NULL;
		}
		table = ops->table_va(ops->ctx, *pte & EPT_ADDR_MASK);
	}
	return &table[ept_index(gpa, 0)];
}

int ept_set_leaf(const struct ept_ops *ops, u64 root_pa, u64 gpa, u64 leaf, u64 *old)
{
	int err;
	u64 *pte = ept_walk(ops, root_pa, gpa, true, &err);

	if (!pte)
		return err;
	if (old)
		*old = *pte;
	*pte = leaf;
	return 0;
}

int ept_set_large(const struct ept_ops *ops, u64 root_pa, u64 gpa, u64 leaf)
{
	u64 *table = ops->table_va(ops->ctx, root_pa);
	u64 *pde;
	int level;

	for (level = EPT_LEVELS - 1; level > 1; level--) {
		u64 *pte = &table[ept_index(gpa, level)];

		if (!ept_present(*pte)) {
			u64 pa = ops->alloc_table(ops->ctx);

			if (!pa)
				return -ENOMEM;
			*pte = ept_make_table(pa);
		} else if (*pte & EPT_LARGE) {
			return -EEXIST;
		}
		table = ops->table_va(ops->ctx, *pte & EPT_ADDR_MASK);
	}
	pde = &table[ept_index(gpa, 1)];
	if (ept_present(*pde))
		return (*pde & EPT_LARGE) ? -EEXIST : -EBUSY;
	*pde = leaf | EPT_LARGE;
	return 0;
}

u64 ept_lookup(const struct ept_ops *ops, u64 root_pa, u64 gpa)
{
	u64 *table = ops->table_va(ops->ctx, root_pa);
	int level;

	for (level = EPT_LEVELS - 1; level >= 0; level--) {
		u64 pte = table[ept_index(gpa, level)];

		if (!ept_present(pte))
			return 0;
		if (level == 0 || (pte & EPT_LARGE))
			return pte;
		table = ops->table_va(ops->ctx, pte & EPT_ADDR_MASK);
	}
	return 0;
}

static u64 level_size(int level)
{
	return 1ull << (12 + 9 * level);
}

static unsigned long zap_level(const struct ept_ops *ops, u64 table_pa, int level,
			       u64 base, u64 start, u64 end)
{
	u64 *table = ops->table_va(ops->ctx, table_pa);
	u64 size = level_size(level);
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 lo = base + (u64)i * size, hi = lo + size;

		if (hi <= start || lo >= end)
			continue;
		if (!ept_present(table[i]))
			continue;
		if (level == 0 || (table[i] & EPT_LARGE)) {
			table[i] = 0;
			n++;
			continue;
		}
		n += zap_level(ops, table[i] & EPT_ADDR_MASK, level - 1, lo, start, end);
	}
	return n;
}

unsigned long ept_zap_range(const struct ept_ops *ops, u64 root_pa, u64 start, u64 end)
{
	if (start >= end)
		return 0;
	return zap_level(ops, root_pa, EPT_LEVELS - 1, 0, start, end);
}

static void free_level(const struct ept_ops *ops, u64 table_pa, int level)
{
	u64 *table = ops->table_va(ops->ctx, table_pa);
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		u64 pte = table[i];

		if (!ept_present(pte))
			continue;
		table[i] = 0;
		if (level > 0 && !(pte & EPT_LARGE)) {
			free_level(ops, pte & EPT_ADDR_MASK, level - 1);
			ops->free_table(ops->ctx, pte & EPT_ADDR_MASK);
		}
	}
}

void ept_free_tree(const struct ept_ops *ops, u64 root_pa)
{
	free_level(ops, root_pa, EPT_LEVELS - 1);
}
