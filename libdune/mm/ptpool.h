/* both halves - pages for page tables (and dune_vm_map_pages), each with a
 * guest-physical address from the moment it is handed out. */
#ifndef LIBDUNE_PTPOOL_H
#define LIBDUNE_PTPOOL_H

#include <stdint.h>

/* Mirrors a newly committed pool chunk into the guest (mirror.c; NULL in
 * tests without a guest). */
typedef int (*ptpool_mirror_fn)(uintptr_t start, uintptr_t end);

/* at_pagebase: at virtual PAGEBASE too (Dune's full mapping); else
 * wherever the host puts it. Guest-physical PAGEBASE either way. */
int ptpool_init(ptpool_mirror_fn mirror, int at_pagebase);
void *ptpool_alloc(void); /* zeroed page, mapped in the guest, or NULL */
void ptpool_free(void *page);
void ptpool_get(void *page); /* one more reference (a cloned page table) */
int ptpool_refill(void);      /* with the mirror lock held */
int ptpool_contains(uintptr_t va);
void ptpool_range(uintptr_t *lo, uintptr_t *hi);
uint64_t ptpool_in_use(void);

#endif
