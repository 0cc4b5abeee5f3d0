/* both halves - small helpers with no state. */
#ifndef LIBDUNE_UTIL_H
#define LIBDUNE_UTIL_H

#include "dune.h"

#define PAGE_ALIGN_UP(x) (((x) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PAGE_ALIGN_DOWN(x) ((x) & ~(PGSIZE - 1))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
