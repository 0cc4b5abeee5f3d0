/* both halves - layout.h: where host memory sits in guest-physical space.
 *
 * Host virtual addresses use 47 bits; guest-physical space has fewer
 * (46 on the PVM host, 40 or less in emulators). The host space is cut into
 * 1 GiB chunks; each chunk that holds mirrored memory gets a 1 GiB
 * guest-physical chunk of its own, so translation either way is one table
 * lookup and ranges inside a chunk stay contiguous in both spaces.
 */
#ifndef LIBDUNE_LAYOUT_H
#define LIBDUNE_LAYOUT_H

#include <stdint.h>

#define CHUNK_SHIFT 30
#define CHUNK_SIZE (1UL << CHUNK_SHIFT)
#define VA_BITS 47
#define NR_VA_CHUNKS (1UL << (VA_BITS - CHUNK_SHIFT))
#define FIRST_PA_CHUNK 4 /* leave the low 4 GiB of guest-physical space alone */

/* phys_bits: the guest's MAXPHYADDR. Returns 0 or -errno. */
int layout_init(unsigned phys_bits);

/* Dune's layout, in chunks: GPA == VA below 16 GiB (the APIC's 3-4 GiB
 * chunk excepted), the 63 GiB mmap window at GPA 16 GiB, the stack chunk
 * right below phys_limit (80 GiB); the allocator gives out chunks from
 * there up. Dune's programs compute with these numbers (dune.h). */
#define DUNE_IDENTITY_CHUNKS 16
#define DUNE_APIC_CHUNK 3
#define DUNE_MMAP_CHUNKS 63
#define DUNE_PHYS_LIMIT_CHUNK (DUNE_IDENTITY_CHUNKS + DUNE_MMAP_CHUNKS + 1)
/* Turns Dune's layout on before anything is reserved; sets mmap_base,
 * stack_base (rounded down to chunks) and phys_limit. -EINVAL if chunks
 * are in use already or the guest-physical space is too small. */
int layout_dune_windows(uintptr_t mmap_start, uintptr_t stack_start);
/* The page pool's [va, va + size) sits at guest-physical [pa, pa + size),
 * whatever else the layout says (all three chunk-aligned). */
int layout_pool(uintptr_t va, uint64_t size, uint64_t pa);
/* Takes a reference on every chunk touched by [start, end), giving each a
 * guest-physical chunk when it has none. -ENOSPC when the space is full. */
int layout_reserve(uintptr_t start, uintptr_t end);
void layout_release(uintptr_t start, uintptr_t end);
uint64_t layout_va_to_pa(uintptr_t va); /* 0: not laid out */
void *layout_pa_to_va(uint64_t pa);     /* NULL: not laid out */
unsigned layout_chunks_in_use(void);
unsigned layout_pa_chunks_total(void);

#endif
