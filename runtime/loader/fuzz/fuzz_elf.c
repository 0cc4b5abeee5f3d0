/*
 * fuzz_elf.c - libFuzzer target: elf_check() on every input, and elf_load()
 * + elf_unload() on a file copy of every valid input and of 1 in 8 others.
 * A hash of the input picks those others and the stack size.
 *
 * Besides sanitizer reports, it aborts when
 *   - elf_check() accepts a plan the mapping code could not trust,
 *   - elf_load() disagrees with elf_check() on an invalid file,
 *   - anything stays mapped in the load area or a descriptor stays open.
 * The load area lies below ASan's shadow memory (which starts at
 * 0x7fff8000), where nothing of the fuzzer itself lives.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader_internal.h"

#define FUZZ_LO 0x10000UL
#define FUZZ_HI 0x7fff0000UL

static char path[64];
static int file_fd = -1;

static void die(const char *what, const char *err)
{
	fprintf(stderr, "fuzz_elf: %s (%s)\n", what, err);
	abort();
}

/* What map_image.c and elf_load.c rely on without checking again. */
static void check_plan(const struct elf_plan *p, size_t size)
{
	int exec_entry = 0;

	if (p->type != 2 && p->type != 3) /* ET_EXEC, ET_DYN */
		die("plan: type", "");
	if (p->nr_loads < 1 || p->nr_loads > ELF_MAX_LOADS)
		die("plan: load count", "");
	if (p->align < PAGE_SIZE || (p->align & (p->align - 1)))
		die("plan: alignment", "");
	if (p->span_lo % PAGE_SIZE || p->span_hi % PAGE_SIZE || p->span_lo >= p->span_hi ||
	    p->span_hi > ELF_USER_TOP)
		die("plan: span", "");
	for (int i = 0; i < p->nr_loads; i++) {
		const struct elf_segment *s = &p->loads[i];
		if (!s->memsz || s->filesz > s->memsz || s->offset + s->filesz > size ||
		    (s->vaddr - s->offset) % PAGE_SIZE || s->vaddr < p->span_lo ||
		    s->vaddr + s->memsz > p->span_hi)
			die("plan: segment", "");
		if (i && PAGE_DOWN(s->vaddr) < PAGE_UP(s[-1].vaddr + s[-1].memsz))
			die("plan: overlapping segments", "");
		if ((s->prot & PROT_EXEC) && p->entry >= s->vaddr && p->entry < s->vaddr + s->memsz)
			exec_entry = 1;
	}
	if (!exec_entry)
		die("plan: entry", "");
	if (p->has_interp && (p->interp[0] != '/' || strnlen(p->interp, PATH_MAX) == PATH_MAX))
		die("plan: interpreter path", "");
}

static void remove_input(void)
{
	unlink(path);
}

static void write_input(const uint8_t *data, size_t size)
{
	if (file_fd < 0) {
		strcpy(path, "/tmp/fuzz_elf-XXXXXX");
		file_fd = mkstemp(path);
		if (file_fd < 0 || fchmod(file_fd, 0700))
			die("temp file", strerror(errno));
		atexit(remove_input);
	}
	if (ftruncate(file_fd, 0) || pwrite(file_fd, data, size, 0) != (ssize_t)size)
		die("temp file write", strerror(errno));
}

/* open descriptors among the first 256: poll flags closed ones POLLNVAL */
static int open_fd_count(void)
{
	struct pollfd p[256];
	int n = 0;

	for (int i = 0; i < 256; i++)
		p[i] = (struct pollfd){ .fd = i };
	poll(p, 256, 0);
	for (int i = 0; i < 256; i++)
		n += !(p[i].revents & POLLNVAL);
	return n;
}

/* stack_size from 64 KiB to 1 GiB: large ones fail after the program is
 * mapped, which exercises the cleanup */
static void load_file(const uint8_t *data, size_t size, int check_rc, const char *check_err,
		      uint32_t h)
{
	static char *const argv[] = { "fuzz", "arg", NULL };
	static char *const envp[] = { "A=b", NULL };
	struct load_limits lim = { .lo = FUZZ_LO, .hi = FUZZ_HI,
				   .stack_size = (64UL << 10) << ((h >> 3) % 15) };
	struct loaded_image img;
	char err[1024], want[1024];
	int fd_before, rc;

	write_input(data, size);
	fd_before = open_fd_count();
	rc = elf_load(path, argv, envp, &lim, &img, err, sizeof(err));
	if (rc == 0) {
		for (int i = 0; i < img.nr_regions; i++)
			if (img.regions[i].start < FUZZ_LO || img.regions[i].end > FUZZ_HI)
				die("region outside the limits", path);
		if (img.stack_top % 16)
			die("misaligned stack", path);
		elf_unload(&img);
	} else if (check_rc) {
		/* the same checks read through a descriptor must say the same */
		snprintf(want, sizeof(want), "%s: %s", path, check_err);
		if (rc != check_rc || strcmp(err, want))
			die("elf_load and elf_check disagree", err);
	}
	if (!range_is_unmapped(FUZZ_LO, FUZZ_HI))
		die("mapping left behind", err);
	if (open_fd_count() != fd_before)
		die("descriptor left open", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_plan plan;
	char err[512] = "";
	uint32_t h = 2166136261u; /* FNV-1a picks the invalid inputs to load */
	int rc;

	rc = elf_check(data, size, &plan, err, sizeof(err));
	if (rc == 0)
		check_plan(&plan, size);
	else if (rc != -ENOEXEC || !err[0])
		die("elf_check: unexpected error", err);
	for (size_t i = 0; i < size && i < 256; i++)
		h = (h ^ data[i]) * 16777619u;
	if (rc == 0 || (h & 7) == 0)
		load_file(data, size, rc, err, h);
	return 0;
}
