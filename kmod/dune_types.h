/* SPDX-License-Identifier: GPL-2.0 */
/* Integer types for code built both in the module and in userspace tests. */
#ifndef DUNE_TYPES_H
#define DUNE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#endif
