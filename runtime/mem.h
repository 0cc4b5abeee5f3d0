/*
 * mem.h - the program's memory: one region, [BOX_LO, BOX_HI); mmap and
 * friends emulated so that every mapping stays inside it
 */
#ifndef DUNEBOX_MEM_H
#define DUNEBOX_MEM_H

#include <stddef.h>
#include <stdint.h>

int mem_contains(uintptr_t addr, size_t len);
int mem_range_ok(void *ctx, uintptr_t addr, size_t len, int write);
long mem_syscall(long nr, const long a[6]); /* mmap & co: emulated inside the region */
void mem_reset(uintptr_t brk_start);        /* a new program image */
void mem_set_mmap_top(uintptr_t top);
int mem_unmap_all(void);
void mem_after_fork(void); /* in a forked child, first thing */

#endif
