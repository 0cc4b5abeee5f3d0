/*
 * map_image.c - maps a checked image's PT_LOAD segments at a load bias:
 * file pages, a zeroed tail of the last file page, anonymous bss pages.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "loader_internal.h"

int region_map(struct loaded_image *img, uintptr_t addr, size_t len, int prot,
	       int fd, uint64_t off)
{
	int flags = MAP_PRIVATE | MAP_FIXED_NOREPLACE | (fd < 0 ? MAP_ANONYMOUS : 0);
	void *p;

	if (img->nr_regions == ELF_MAX_REGIONS)
		return -ENOSPC; /* cannot happen: the plan bounds the loads */
	p = mmap((void *)addr, len, prot, flags, fd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	if ((uintptr_t)p != addr) {
		munmap(p, len); /* kernels before 4.17 take the address as a hint */
		return -EEXIST;
	}
	img->regions[img->nr_regions++] = (struct load_region){ addr, addr + len, prot };
	return 0;
}

static int map_fail(int rc, uintptr_t start, uintptr_t end,
		    char *err, size_t errlen)
{
	if (rc == -EEXIST)
		return errmsg(err, errlen, rc,
			      "segment [%#lx, %#lx) would land on an existing mapping of the monitor (give the loader other limits)",
			      start, end);
	return errmsg(err, errlen, rc, "cannot map segment [%#lx, %#lx): %s",
		      start, end, strerror(-rc));
}

static int segment_map(const struct elf_segment *s, int fd, uintptr_t bias,
		       struct loaded_image *img, char *err, size_t errlen)
{
	uintptr_t start = PAGE_DOWN(s->vaddr + bias);
	uintptr_t file_end = s->vaddr + bias + s->filesz;
	uintptr_t file_pages_end = s->filesz ? PAGE_UP(file_end) : start;
	uintptr_t mem_end = PAGE_UP(s->vaddr + bias + s->memsz);
	/* the file's bytes after p_filesz share the last page: they must read as 0 */
	int zero_tail = s->filesz && s->memsz > s->filesz && file_end != file_pages_end;
	int rc;

	if (s->filesz) {
		rc = region_map(img, start, file_pages_end - start,
				zero_tail ? s->prot | PROT_READ | PROT_WRITE : s->prot,
				fd, PAGE_DOWN(s->offset));
		if (rc)
			return map_fail(rc, start, file_pages_end, err, errlen);
		if (zero_tail) {
			memset((void *)file_end, 0, file_pages_end - file_end);
			if (mprotect((void *)start, file_pages_end - start, s->prot))
				return map_fail(-errno, start, file_pages_end, err, errlen);
			img->regions[img->nr_regions - 1].prot = s->prot;
		}
	}
	if (mem_end > file_pages_end) {
		rc = region_map(img, file_pages_end, mem_end - file_pages_end, s->prot, -1, 0);
		if (rc)
			return map_fail(rc, file_pages_end, mem_end, err, errlen);
	}
	return 0;
}

int image_map(const struct elf_plan *plan, int fd, uintptr_t bias,
	      struct loaded_image *img, char *err, size_t errlen)
{
	for (int i = 0; i < plan->nr_loads; i++) {
		int rc = segment_map(&plan->loads[i], fd, bias, img, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}
