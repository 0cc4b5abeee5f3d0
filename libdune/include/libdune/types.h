/*
 * libdune/types.h - the integer type names Dune's headers use (its JOS
 * heritage), on top of the C library's own. Part of the Dune-compatible
 * header set (see libdune/mmu.h).
 */
#ifndef LIBDUNE_COMPAT_TYPES_H
#define LIBDUNE_COMPAT_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef int bool_t;             /* a true-or-false int */
typedef uint64_t physaddr_t;    /* a guest-physical address */
typedef uint64_t ppn_t;         /* a physical page number */

/* The FXSAVE image's fields (512 bytes), as Dune's two names for it
 * spell them: struct fxsave_area (fpu.h) and struct Fpregs (mmu-x86.h). */
#define LIBDUNE_FXSAVE_FIELDS(st, xmm)                                      \
	uint16_t cwd;                                                       \
	uint16_t swd;                                                       \
	uint16_t twd;                                                       \
	uint16_t fop;                                                       \
	uint64_t rip;                                                       \
	uint64_t rdp;                                                       \
	uint32_t mxcsr;                                                     \
	uint32_t mxcsr_mask;                                                \
	uint32_t st[32];  /* 8 x87 registers, 16 bytes each */              \
	uint32_t xmm[64]; /* 16 XMM registers, 16 bytes each */             \
	uint32_t padding[24]

/* Dune defined these itself; <inttypes.h> wins when a program has it. */
#ifndef PRIu64
#define PRIu64 "lu"
#endif
#ifndef PRIx64
#define PRIx64 "lx"
#endif

#endif
