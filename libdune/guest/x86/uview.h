/* guest ring 0 - the user view: the page table user code runs under. */
#ifndef LIBDUNE_UVIEW_H
#define LIBDUNE_UVIEW_H

#include <stdint.h>

int uview_init(void);                       /* the user view of pgroot */
int uview_fill(uintptr_t va, uint64_t fec); /* 1: mapped now, retry */
void uview_invalidate(uintptr_t va, uintptr_t end);
/* ring 0's pages (entry code, IDT, per-CPU pages, trap stacks): in every
 * user view, now and later */
void uview_add_entry_range(uintptr_t start, uintptr_t end);
void uview_before_enter(void);              /* drops stale entries (entry.S) */
extern volatile int uview_stale;            /* pgroot edited behind libdune */

#endif
