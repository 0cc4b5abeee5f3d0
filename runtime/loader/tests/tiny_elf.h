/*
 * tiny_elf.h - a complete 448-byte x86-64 executable as a C struct, so a
 * test can break one field and see what the loader says.
 *
 * ph[0] maps the whole file read+exec (headers and code); ph[1] maps 16
 * bytes of data followed by bss, with 0xAA bytes after p_filesz in the file
 * that must read as zero; ph[2] is PT_GNU_STACK; ph[3] is PT_NULL or
 * PT_INTERP. The code exits with 42 + the byte after the data + a bss byte,
 * so it exits 42 only if the loader zeroed both.
 */
#ifndef TINY_ELF_H
#define TINY_ELF_H

#include <elf.h>

#define TINY_EXEC_BASE 0x400000UL
#define TINY_DATA_GAP 0x2000UL /* data's page lies this far above the text's */
#define TINY_DATA_FILESZ 16
#define TINY_BSS_PROBE 0x1800 /* a byte in the bss pages, from the data start */

struct tiny_elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[4];
	unsigned char code[32];
	char interp[64];
	unsigned char data[64];
};

/* type ET_EXEC (at TINY_EXEC_BASE) or ET_DYN (at 0); interp NULL for none */
void tiny_elf_init(struct tiny_elf *t, int type, const char *interp);
/* vaddr of the data segment, unbiased */
unsigned long tiny_data_vaddr(const struct tiny_elf *t);

#endif
