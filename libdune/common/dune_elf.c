/*
 * dune_elf.c - Dune's ELF helpers (dune_elf_*) on libelf: open an x86-64
 * ELF file or image, walk its program and section headers, map a PT_LOAD
 * segment into this process. Runs wherever the caller runs (host or
 * guest): plain libc, no guest state.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libdune/dune_elf.h"
#include "common/log.h"
#include "common/util.h"
#include "dune.h"

static Elf *handle(struct dune_elf *elf)
{
	return (Elf *)elf->libelf;
}

/* elf->fd or elf->mem is set; checks the header as Dune did. */
static int elf_open_common(struct dune_elf *elf, const char *what)
{
	Elf *e;
	Elf64_Ehdr *eh;

	elf->phdr = NULL;
	elf->shdr = NULL;
	elf->shdrstr = NULL;
	elf->libelf = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		dune_log("dune_elf_open: libelf is unusable (%s)", elf_errmsg(-1));
		return -EIO;
	}
	e = elf->mem ? elf_memory((char *)elf->mem, (size_t)elf->len)
		     : elf_begin(elf->fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || gelf_getclass(e) != ELFCLASS64 ||
	    !(eh = elf64_getehdr(e))) {
		dune_log("dune_elf_open: %s is not a 64-bit ELF file", what);
		goto bad;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT) {
		dune_log("dune_elf_open: %s has a bad ELF header (byte order or version)", what);
		goto bad;
	}
	if (eh->e_machine != EM_X86_64) {
		dune_log("dune_elf_open: %s is not for x86-64 (machine %u)", what, eh->e_machine);
		goto bad;
	}
	elf->hdr = *eh;
	elf->libelf = e;
	return 0;
bad:
	if (e)
		elf_end(e);
	if (!elf->mem)
		close(elf->fd);
	return -EINVAL;
}

int dune_elf_open(struct dune_elf *elf, const char *path)
{
	elf->fd = open(path, O_RDONLY | O_CLOEXEC);
	elf->mem = NULL;
	elf->len = 0;
	if (elf->fd < 0) {
		dune_log("dune_elf_open: cannot open %s: %s", path, strerror(errno));
		return -EIO;
	}
	return elf_open_common(elf, path);
}

int dune_elf_open_mem(struct dune_elf *elf, void *mem, int len)
{
	elf->fd = -1;
	elf->mem = mem;
	elf->len = len;
	if (!mem || len <= 0)
		return -EINVAL;
	return elf_open_common(elf, "the image");
}

int dune_elf_close(struct dune_elf *elf)
{
	free(elf->shdr); /* our copy; phdr and shdrstr belong to libelf */
	elf->shdr = NULL;
	elf->phdr = NULL;
	elf->shdrstr = NULL;
	if (elf->libelf)
		elf_end(handle(elf));
	elf->libelf = NULL;
	if (!elf->mem && elf->fd >= 0)
		close(elf->fd);
	elf->fd = -1;
	return 0;
}

int dune_elf_iter_ph(struct dune_elf *elf, dune_elf_phcb cb)
{
	if (!elf->libelf)
		return -EINVAL;
	if (!elf->phdr && elf->hdr.e_phnum) {
		elf->phdr = elf64_getphdr(handle(elf));
		if (!elf->phdr) {
			dune_log("dune_elf_iter_ph: bad program headers (%s)", elf_errmsg(-1));
			return -EIO;
		}
	}
	for (int i = 0; i < elf->hdr.e_phnum; i++) {
		int r = cb(elf, &elf->phdr[i]);
		if (r)
			return r;
	}
	return 0;
}

/* Section headers into one array (libelf keeps them per section). */
static int load_sections(struct dune_elf *elf, size_t *count, size_t *strndx)
{
	Elf *e = handle(elf);
	Elf_Scn *scn = NULL;
	size_t n;

	if (elf_getshdrnum(e, &n) < 0 || elf_getshdrstrndx(e, strndx) < 0) {
		dune_log("dune_elf_iter_sh: bad section headers (%s)", elf_errmsg(-1));
		return -EIO;
	}
	*count = n;
	if (elf->shdr || !n)
		return 0;
	elf->shdr = calloc(n, sizeof(Elf64_Shdr));
	if (!elf->shdr)
		return -ENOMEM;
	while ((scn = elf_nextscn(e, scn))) {
		Elf64_Shdr *sh = elf64_getshdr(scn);
		size_t i = elf_ndxscn(scn);
		if (!sh)
			return -EIO;
		if (i < n)
			elf->shdr[i] = *sh;
	}
	scn = elf_getscn(e, *strndx);
	if (scn) {
		Elf_Data *d = elf_getdata(scn, NULL);
		elf->shdrstr = d ? d->d_buf : NULL;
	}
	return 0;
}

int dune_elf_iter_sh(struct dune_elf *elf, dune_elf_shcb cb)
{
	size_t n, strndx;
	int r;

	if (!elf->libelf)
		return -EINVAL;
	if ((r = load_sections(elf, &n, &strndx)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *name = elf_strptr(handle(elf), strndx, elf->shdr[i].sh_name);
		if (!name) {
			dune_log("dune_elf_iter_sh: section %zu has no name in the string table", i);
			return -EINVAL;
		}
		if ((r = cb(elf, name, (int)i, &elf->shdr[i])))
			return r;
	}
	return 0;
}

static const char *section_type(uint32_t t)
{
	static const char *const names[] = {
		"NULL", "PROGBITS", "SYMTAB", "STRTAB", "RELA", "HASH", "DYNAMIC", "NOTE",
		"NOBITS", "REL", "SHLIB", "DYNSYM", "UNKNOWN", "UNKNOWN", "INIT_ARRAY",
		"FINI_ARRAY", "PREINIT_ARRAY", "GROUP", "SYMTAB_SHNDX",
	};
	return t < ARRAY_LEN(names) ? names[t] : "UNKNOWN";
}

static const char *segment_type(uint32_t t)
{
	static const char *const names[] = {
		"NULL", "LOAD", "DYNAMIC", "INTERP", "NOTE", "SHLIB", "PHDR", "TLS",
	};
	return t < ARRAY_LEN(names) ? names[t] : "UNKNOWN";
}

static int dump_section(struct dune_elf *elf, const char *name, int i, Elf64_Shdr *sh)
{
	(void)elf;
	dune_printf("  [%2d] %-16s %-16s %016lx %08lx\n", i, name, section_type(sh->sh_type),
		    (unsigned long)sh->sh_addr, (unsigned long)sh->sh_offset);
	dune_printf("       %016lx %016lx %c%c%c%c%c %4u %4u %5lu\n",
		    (unsigned long)sh->sh_size, (unsigned long)sh->sh_entsize,
		    sh->sh_flags & SHF_WRITE ? 'W' : ' ', sh->sh_flags & SHF_ALLOC ? 'A' : ' ',
		    sh->sh_flags & SHF_EXECINSTR ? 'X' : ' ', sh->sh_flags & SHF_MERGE ? 'M' : ' ',
		    sh->sh_flags & SHF_STRINGS ? 'S' : ' ', sh->sh_link, sh->sh_info,
		    (unsigned long)sh->sh_addralign);
	return 0;
}

static int dump_segment(struct dune_elf *elf, Elf64_Phdr *ph)
{
	(void)elf;
	dune_printf("  %-20s 0x%016lx 0x%016lx 0x%016lx\n", segment_type(ph->p_type),
		    (unsigned long)ph->p_offset, (unsigned long)ph->p_vaddr,
		    (unsigned long)ph->p_paddr);
	dune_printf("  %-20s 0x%016lx 0x%016lx  %c%c%c    %lx\n", "",
		    (unsigned long)ph->p_filesz, (unsigned long)ph->p_memsz,
		    ph->p_flags & PF_R ? 'R' : ' ', ph->p_flags & PF_W ? 'W' : ' ',
		    ph->p_flags & PF_X ? 'X' : ' ', (unsigned long)ph->p_align);
	return 0;
}

int dune_elf_dump(struct dune_elf *elf)
{
	int r;

	dune_printf("--- ELF Dump ---\n");
	dune_printf("Section Headers:\n");
	dune_printf("  [Nr] %-16s %-16s %-16s %s\n", "Name", "Type", "Address", "Offset");
	dune_printf("       %-16s %-16s %s %s %s  %s\n", "Size", "EntSize", "Flags", "Link",
		    "Info", "Align");
	if ((r = dune_elf_iter_sh(elf, dump_section)))
		return r;
	dune_printf("Program Headers:\n");
	dune_printf("  %-20s %-18s %-18s %s\n", "Type", "Offset", "VirtAddr", "PhysAddr");
	dune_printf("  %-20s %-18s %-18s %s   %s\n", "", "FileSiz", "MemSize", "Flags", "Align");
	return dune_elf_iter_ph(elf, dump_segment);
}

static int segment_prot(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/*
 * Maps the PT_LOAD segment phdr at p_vaddr + off (MAP_FIXED): the file's
 * pages, then zeroed memory up to p_memsz. From an image in memory the
 * bytes are copied into anonymous memory instead.
 */
int dune_elf_load_ph(struct dune_elf *elf, Elf64_Phdr *phdr, off_t off)
{
	uintptr_t va = phdr->p_vaddr + (uintptr_t)off;
	uintptr_t start = PGADDR(va);
	uintptr_t file_end = va + phdr->p_filesz;
	uintptr_t end = PGADDR(va + phdr->p_memsz + PGSIZE - 1);
	int prot = segment_prot(phdr->p_flags);
	void *p;

	if (phdr->p_type != PT_LOAD || phdr->p_filesz > phdr->p_memsz || !phdr->p_memsz ||
	    end < va || PGOFF(va) != PGOFF(phdr->p_offset))
		return -EINVAL;
	if (elf->mem) {
		if (phdr->p_offset > (uint64_t)elf->len ||
		    phdr->p_filesz > (uint64_t)elf->len - phdr->p_offset)
			return -EINVAL;
		p = mmap((void *)start, end - start, PROT_READ | PROT_WRITE,
			 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != (void *)start)
			return -ENOMEM;
		memcpy((void *)va, elf->mem + phdr->p_offset, phdr->p_filesz);
		return mprotect(p, end - start, prot) ? -errno : 0;
	}
	if (phdr->p_filesz) {
		p = mmap((void *)start, file_end - start, prot, MAP_FIXED | MAP_PRIVATE, elf->fd,
			 (off_t)PGADDR(phdr->p_offset));
		if (p != (void *)start)
			return -ENOMEM;
	}
	if (phdr->p_memsz > phdr->p_filesz) {
		/* the rest of the file's last page is bss too */
		uintptr_t zero_from = PGADDR(file_end + PGSIZE - 1);
		if (phdr->p_filesz && PGOFF(file_end)) {
			int ro = !(prot & PROT_WRITE);
			if (ro && mprotect((void *)PGADDR(file_end), PGSIZE, prot | PROT_WRITE))
				return -errno;
			memset((void *)file_end, 0, zero_from - file_end);
			if (ro && mprotect((void *)PGADDR(file_end), PGSIZE, prot))
				return -errno;
		} else if (!phdr->p_filesz) {
			zero_from = start;
		}
		if (zero_from < end) {
			p = mmap((void *)zero_from, end - zero_from, prot,
				 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p != (void *)zero_from)
				return -ENOMEM;
		}
	}
	return 0;
}
