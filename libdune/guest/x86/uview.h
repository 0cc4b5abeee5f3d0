/* guest ring 0 - the user view: the page table user code runs under. */
#ifndef LIBDUNE_UVIEW_H
#define LIBDUNE_UVIEW_H

#include <stdint.h>

#include "dune.h"

int uview_setup(void);                      /* dune_init: the view's state */
int uview_init(void);                       /* the view, before user code runs */
int uview_fill(uintptr_t va, uint64_t fec); /* 1: mapped now, retry */
void uview_invalidate(uintptr_t va, uintptr_t end);
/* ring 0's pages (entry code, IDT, per-CPU pages, trap stacks): in every
 * user view, now and later */
void uview_add_entry_range(uintptr_t start, uintptr_t end);
/* Before user code runs: the view follows the table the program has loaded
 * (the copies go when it changed or was flushed behind libdune's back). */
void uview_before_enter(void);
/* set by the emulation when the program flushes behind libdune's back */
extern volatile int *uview_stale_flag;
/* Does the program run on pgroot (not a table of its own)? */
int uview_program_on_pgroot(void);
/* What this vCPU's ring 0 needs to take a trap from user code (entry code,
 * IDT, its per-CPU page and stacks), supervisor-only, into root: for user
 * code run under a table of the program's own (dune_set_user_root). */
int uview_map_ring0(ptent_t *root);

#endif
