/* table.h - page tables for user code: the template every domain's table
 * starts from, and lookups (table.c). */
#ifndef STHREAD_TABLE_H
#define STHREAD_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "dune.h"

extern ptent_t *table_template; /* image.ro, user-readable */
int table_template_build(void);
/* the leaf entry of va in root, made if missing; NULL on failure */
ptent_t *table_entry(ptent_t *root, uintptr_t va, int create);
/* [addr, addr + len) reachable by user code under root for reading (and
 * writing), through the same frames as in the program: what a system
 * call may be given */
int table_user_range_ok(ptent_t *root, uintptr_t addr, size_t len, int write);

#endif
