/*
 * libdune/fpu.h - x87/SSE/AVX state save and restore for programs that
 * switch FPU contexts themselves (Dune's fpu.h). XSAVE-based: every CPU
 * libdune runs on has it.
 */
#ifndef LIBDUNE_COMPAT_FPU_H
#define LIBDUNE_COMPAT_FPU_H

#include <stdint.h>
#include <string.h>

#include "types.h"

struct fxsave_area {
	LIBDUNE_FXSAVE_FIELDS(st_regs, xmm_regs);
} __attribute__((packed));

struct xsave_header {
	uint64_t xstate_bv;
	uint64_t reserved_zero[2];
	uint64_t reserved[5];
} __attribute__((packed));

struct xsave_area {
	struct fxsave_area fxsave;
	struct xsave_header header;
	uint32_t ymm_regs[64]; /* upper halves of YMM0-15 */
} __attribute__((packed, aligned(64)));

struct fpu_area {
	struct xsave_area xsave;
};

/* The area holds x87, SSE and AVX: callers pass masks within those. */
static inline void fpu_xsave(struct fpu_area *fp, uint64_t mask)
{
	asm volatile("xsaveq %0" : "=m"(fp->xsave) : "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
		     : "memory");
}

static inline void fpu_xsaveopt(struct fpu_area *fp, uint64_t mask)
{
	asm volatile("xsaveoptq %0" : "=m"(fp->xsave)
		     : "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

static inline void fpu_xrstor(struct fpu_area *fp, uint64_t mask)
{
	asm volatile("xrstorq %0" : : "m"(fp->xsave), "a"((uint32_t)mask),
		     "d"((uint32_t)(mask >> 32)) : "memory");
}

/* Only the components struct xsave_area has room for: x87, SSE, AVX. */
#define DUNE_FPU_MASK 0x7ULL

/* A clean FPU state: x87 control word and MXCSR at their reset values. */
static inline void dune_fpu_init(struct fpu_area *fp)
{
	memset(fp, 0, sizeof(*fp));
	fp->xsave.fxsave.cwd = 0x37f;
	fp->xsave.fxsave.mxcsr = 0x1f80;
}

static inline void dune_fpu_load(struct fpu_area *fp)
{
	fpu_xrstor(fp, DUNE_FPU_MASK);
}

/* Only for an area last loaded with dune_fpu_load (XSAVEOPT skips what
 * did not change since). */
static inline void dune_fpu_save(struct fpu_area *fp)
{
	fpu_xsaveopt(fp, DUNE_FPU_MASK);
}

static inline void dune_fpu_save_safe(struct fpu_area *fp)
{
	fpu_xsave(fp, DUNE_FPU_MASK);
}

#endif
