/*
 * loader_internal.h - what the loader's files share and the tests reach.
 */
#ifndef RUNTIME_LOADER_INTERNAL_H
#define RUNTIME_LOADER_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_load.h"

#define PAGE_SIZE 4096UL
#define PAGE_DOWN(x) ((x) & ~(PAGE_SIZE - 1))
#define PAGE_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* An ELF image either in memory (buf) or behind a descriptor (fd). */
struct elf_source {
	const void *buf; /* NULL: read fd */
	int fd;
	uint64_t size;
};

/* errmsg.c: writes the message (if err) and returns code, a -errno. */
int errmsg(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* open_regular.c: a read-only descriptor for path and its stat, or
 * -errno; a path that is no regular file is never opened and fails with
 * -EACCES and *irregular set. */
struct stat;
int open_regular(const char *path, struct stat *st, int *irregular);
/* The same from a descriptor that names the file (O_PATH is enough);
 * pfd stays open. */
int open_regular_fd(int pfd, struct stat *st, int *irregular);

/* elf_check.c: elf_check() for either kind of source. */
int elf_check_source(const struct elf_source *src, struct elf_plan *plan,
		     char *err, size_t errlen);

/* free_range.c: finds x in [lo, hi) with [x, x + size) unmapped in this
 * process and x % align == phase, the lowest such x or (top_down) the
 * highest. Returns 0 or -ENOMEM. */
int free_range_find(uintptr_t lo, uintptr_t hi, uint64_t size, uint64_t align,
		    uint64_t phase, int top_down, uintptr_t *out);
/* 1 if nothing in [lo, hi) is mapped in this process */
int range_is_unmapped(uintptr_t lo, uintptr_t hi);

/* map_image.c: maps every load of plan at bias from fd, recording each
 * mapping in img (the caller unmaps them on failure). */
int image_map(const struct elf_plan *plan, int fd, uintptr_t bias,
	      struct loaded_image *img, char *err, size_t errlen);
/* mmap at exactly addr, never over an existing mapping; records it in img */
int region_map(struct loaded_image *img, uintptr_t addr, size_t len, int prot,
	       int fd, uint64_t off);

/* stack.c */
struct aux_values {
	uintptr_t phdr, phent, phnum, base, entry, vdso;
	const char *execfn;
};
/* Writes argc, argv, envp, auxv and their strings below top (inside
 * [lo, top)), as Linux does; *sp gets the address of argc. */
int stack_build(uintptr_t lo, uintptr_t top, char *const argv[], char *const envp[],
		const struct aux_values *av, uintptr_t *sp, char *err, size_t errlen);
/* Maps the stack with a guard page below it, top-down from lim->hi. */
int stack_map(const struct load_limits *lim, int exec, struct loaded_image *img,
	      uintptr_t *lo, uintptr_t *top, char *err, size_t errlen);

#endif
