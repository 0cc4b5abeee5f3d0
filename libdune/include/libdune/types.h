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

/* Dune defined these itself; <inttypes.h> wins when a program has it. */
#ifndef PRIu64
#define PRIu64 "lu"
#endif
#ifndef PRIx64
#define PRIx64 "lx"
#endif

#endif
