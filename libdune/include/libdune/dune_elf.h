/*
 * libdune/dune_elf.h - Dune's ELF helpers: open an x86-64 ELF file (or an
 * image in memory), iterate its program and section headers, map a
 * PT_LOAD segment into this process. Implemented on libelf (dune_elf.c);
 * programs that use them link with -lelf (pkg-config --static adds it).
 */
#ifndef LIBDUNE_DUNE_ELF_H
#define LIBDUNE_DUNE_ELF_H

#include <elf.h>
#include <sys/types.h>

struct dune_elf {
	int fd;             /* the file, or -1 for an image in memory */
	unsigned char *mem; /* the image, or NULL */
	int len;            /* its length */
	Elf64_Ehdr hdr;
	Elf64_Phdr *phdr;   /* filled by dune_elf_iter_ph */
	Elf64_Shdr *shdr;   /* filled by dune_elf_iter_sh */
	char *shdrstr;      /* section names, filled by dune_elf_iter_sh */
	void *priv;         /* the program's own */
	void *libelf;       /* (libdune addition) the libelf handle */
};

typedef int (*dune_elf_phcb)(struct dune_elf *elf, Elf64_Phdr *phdr);
typedef int (*dune_elf_shcb)(struct dune_elf *elf, const char *sname, int snum,
			     Elf64_Shdr *shdr);

/* 0, or -EIO (cannot open) / -EINVAL (not a 64-bit x86-64 ELF) with one
 * line on stderr; on failure nothing stays open. */
int dune_elf_open(struct dune_elf *elf, const char *path);
int dune_elf_open_mem(struct dune_elf *elf, void *mem, int len);
int dune_elf_close(struct dune_elf *elf);
/* Prints the section and program headers with dune_printf. */
int dune_elf_dump(struct dune_elf *elf);
/* Calls cb for each header in order; a non-zero return stops the walk
 * and is returned. */
int dune_elf_iter_sh(struct dune_elf *elf, dune_elf_shcb cb);
int dune_elf_iter_ph(struct dune_elf *elf, dune_elf_phcb cb);
/* Maps a PT_LOAD segment at p_vaddr + off with its protection, bss
 * zeroed; 0, -EINVAL (not a loadable segment) or -ENOMEM. */
int dune_elf_load_ph(struct dune_elf *elf, Elf64_Phdr *phdr, off_t off);

#endif
