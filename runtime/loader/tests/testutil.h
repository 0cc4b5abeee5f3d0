/* testutil.h - files, limits and stack walking shared by the loader tests. */
#ifndef LOADER_TESTUTIL_H
#define LOADER_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"

/* helper programs the Makefile builds from progs/hello.c */
#define PROG_STATIC PROG_DIR "/hello_static"    /* musl, ET_EXEC */
#define PROG_STATIC_PIE PROG_DIR "/hello_spie"  /* musl, static-pie ET_DYN */
#define PROG_DYNAMIC PROG_DIR "/hello_dyn"      /* glibc, with ld-linux */

/* Test processes are PIE (0x55...) with libraries near 0x7f...: this range
 * is empty in them. */
#define TEST_LO 0x10000UL
#define TEST_HI 0x100000000000UL

struct load_limits test_limits(void);
/* whole file in malloc'd memory; fails the test if unreadable */
void *read_whole(const char *path, size_t *len);
/* writes buf to a fresh executable file in /tmp; path gets its name */
void write_tmp(const void *buf, size_t len, char path[64]);
/* value of auxv entry type on the stack at sp; *found says if it is there */
uint64_t aux_get(uintptr_t sp, uint64_t type, int *found);
/* auxv entry type as the kernel gave it to this process (glibc's
 * getauxval(AT_HWCAP) answers its own value on x86-64) */
uint64_t kernel_aux(uint64_t type);
/* open descriptors among the first 256: equal before and after a call
 * that leaks none */
int open_fd_count(void);

#endif
