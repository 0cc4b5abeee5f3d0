/* both halves - stale translations: flushed on this vCPU, shot down on
 * the others (the guest half asks, each host half honours it). */
#ifndef LIBDUNE_TLB_H
#define LIBDUNE_TLB_H

#include <stdint.h>

struct dune_percpu;

/* Guest: this vCPU's translations of [va, end), the user view's copies,
 * then every other vCPU's. Nothing to do in host mode. */
void tlb_flush_range(uintptr_t va, uintptr_t end);
/* Guest: every other vCPU drops stale translations before we go on. */
void tlb_shootdown(void);
/* Host loop, before each entry and after a kick: honour shootdowns. */
void tlb_sync(struct dune_percpu *cpu);
/* The current shootdown generation: a new vCPU has honoured it. */
uint64_t tlb_generation(void);

#endif
