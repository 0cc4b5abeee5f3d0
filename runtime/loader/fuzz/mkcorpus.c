/*
 * mkcorpus.c - writes the fuzz seed corpus: the real programs named on the
 * command line, the tiny ELF of the tests, and broken variants of both, one
 * per check of elf_check(), so the fuzzer starts next to every error path.
 *
 *   mkcorpus OUTDIR PROGRAM...
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiny_elf.h"

static const char *outdir;

static void put(const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static Elf64_Phdr *nth_phdr(unsigned char *buf, unsigned type, int nth)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff);

	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == type && nth-- == 0)
			return &ph[i];
	return NULL;
}

/* a real program and what becomes of it with one field broken */
static void real_variants(const char *file)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	unsigned char *buf, *v;
	char name[256];
	Elf64_Phdr *ph;
	size_t len;
	FILE *f = fopen(file, "rb");

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < sizeof(Elf64_Ehdr)) {
		perror(file);
		exit(1);
	}
	rewind(f);
	buf = malloc(len);
	v = malloc(len);
	if (!buf || !v || fread(buf, 1, len, f) != len)
		exit(1);
	fclose(f);

#define VARIANT(suffix, ...)                                          \
	do {                                                          \
		memcpy(v, buf, len);                                  \
		__VA_ARGS__;                                          \
		snprintf(name, sizeof(name), "%s-%s", base, suffix);  \
		put(name, v, len);                                    \
	} while (0)

	snprintf(name, sizeof(name), "%s", base);
	put(name, buf, len);
	snprintf(name, sizeof(name), "%s-truncated", base);
	put(name, buf, len / 2);
	if (len > 8192)
		goto out; /* the variants of the small ones cover the same checks */
	VARIANT("magic", v[1] = 'X');
	VARIANT("phoff", ((Elf64_Ehdr *)v)->e_phoff = len);
	VARIANT("filesz", if ((ph = nth_phdr(v, PT_LOAD, 0))) ph->p_filesz = ph->p_memsz + 1);
	VARIANT("congruence", if ((ph = nth_phdr(v, PT_LOAD, 1))) ph->p_vaddr += 8);
	VARIANT("overlap", if ((ph = nth_phdr(v, PT_LOAD, 1))) ph->p_vaddr = nth_phdr(v, PT_LOAD, 0)->p_vaddr + (ph->p_offset & 0xfff));
	if (nth_phdr(buf, PT_INTERP, 0)) {
		VARIANT("interp-unterminated", ph = nth_phdr(v, PT_INTERP, 0); v[ph->p_offset + ph->p_filesz - 1] = 'x');
		VARIANT("interp-missing", ph = nth_phdr(v, PT_INTERP, 0); v[ph->p_offset + 1] = 'X');
	}
out:
	free(buf);
	free(v);
}

static void tiny_variants(void)
{
	struct tiny_elf t;

#define TINY(name, type, interp, ...)             \
	do {                                      \
		tiny_elf_init(&t, type, interp);  \
		__VA_ARGS__;                      \
		put(name, &t, sizeof(t));         \
	} while (0)

	TINY("tiny-exec", ET_EXEC, NULL);
	TINY("tiny-dyn", ET_DYN, NULL);
	TINY("tiny-interp-ld-linux", ET_DYN, "/lib64/ld-linux-x86-64.so.2");
	TINY("tiny-interp-relative", ET_DYN, "ld.so");
	TINY("tiny-interp-self", ET_DYN, "/proc/self/exe");
	TINY("tiny-exec-stack", ET_EXEC, NULL, t.ph[2].p_flags |= PF_X);
	TINY("tiny-pt-phdr", ET_EXEC, NULL,
	     t.ph[3] = (Elf64_Phdr){ .p_type = PT_PHDR, .p_vaddr = TINY_EXEC_BASE + 0x40 });
	TINY("tiny-unsorted", ET_EXEC, NULL, t.ph[1].p_vaddr -= 0x10000);
	TINY("tiny-entry", ET_EXEC, NULL, t.eh.e_entry = tiny_data_vaddr(&t));
	TINY("tiny-no-load", ET_EXEC, NULL, t.ph[0].p_type = t.ph[1].p_type = PT_NOTE);
	TINY("tiny-phnum", ET_EXEC, NULL, t.eh.e_phnum = 0xffff);
	TINY("tiny-class32", ET_EXEC, NULL, t.eh.e_ident[EI_CLASS] = ELFCLASS32);
	TINY("tiny-align", ET_DYN, NULL, t.ph[1].p_align = 0x200000);
	TINY("tiny-user-top", ET_EXEC, NULL, t.ph[1].p_vaddr = 0x7ffffffff180);
	TINY("tiny-high-exec", ET_EXEC, NULL,
	     t.ph[0].p_vaddr += 1UL << 32; t.ph[1].p_vaddr += 1UL << 32; t.eh.e_entry += 1UL << 32);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s OUTDIR PROGRAM...\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	for (int i = 2; i < argc; i++)
		real_variants(argv[i]);
	tiny_variants();
	return 0;
}
