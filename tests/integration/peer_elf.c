/* Dune's ELF helpers (libdune/dune_elf.h, used by apps/sandbox's loader),
 * in dune mode: this program's own file opened by path and from memory,
 * program and section headers iterated (a callback's non-zero return stops
 * the walk and comes back), a PT_LOAD segment loaded elsewhere with its
 * bytes, protection and zeroed bss; errors for a missing file, a file that
 * is no ELF, a segment that is not loadable. */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libdune/dune.h"
#include "libdune/dune_elf.h"
#include "testlib.h"

#define LOAD_OFF 0x300000000000UL

static int loads, sections, text_seen;
static Elf64_Phdr first_load, rw_load, note_ph;

static int count_ph(struct dune_elf *elf, Elf64_Phdr *ph)
{
	(void)elf;
	if (ph->p_type == PT_LOAD) {
		if (!loads++)
			first_load = *ph;
		if ((ph->p_flags & PF_W) && ph->p_memsz > ph->p_filesz)
			rw_load = *ph;
	}
	if (ph->p_type == PT_NOTE)
		note_ph = *ph;
	return 0;
}

static int count_sh(struct dune_elf *elf, const char *name, int num, Elf64_Shdr *sh)
{
	(void)elf;
	(void)num;
	sections++;
	if (name && !strcmp(name, ".text") && sh->sh_type == SHT_PROGBITS &&
	    (sh->sh_flags & SHF_EXECINSTR))
		text_seen = 1;
	return 0;
}

static int stop_at_first(struct dune_elf *elf, Elf64_Phdr *ph)
{
	(void)elf;
	(void)ph;
	return 7;
}

static int native_loads(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD)
			(*(int *)arg)++;
	return 1; /* the program itself only */
}

static uintptr_t load_bias(void)
{
	extern const ElfW(Ehdr) __ehdr_start __attribute__((weak));
	/* the first PT_LOAD (offset 0) holds the ELF header */
	return &__ehdr_start ? (uintptr_t)&__ehdr_start - first_load.p_vaddr : 0;
}

int main(void)
{
	struct dune_elf elf, mem_elf;
	int native = 0, fd;
	char junk[] = "/tmp/peer_elf_XXXXXX";
	struct stat st;
	unsigned char *image;

	tl_watchdog(120);
	tl_enter();

	CHECK_EQ(dune_elf_open(&elf, "/proc/self/exe"), 0);
	CHECK_EQ(elf.hdr.e_machine, EM_X86_64);
	CHECK_EQ(dune_elf_iter_ph(&elf, count_ph), 0);
	dl_iterate_phdr(native_loads, &native);
	CHECK(loads > 0);
	CHECK_EQ(loads, native);
	CHECK_EQ(dune_elf_iter_sh(&elf, count_sh), 0);
	CHECK_EQ(sections, elf.hdr.e_shnum);
	CHECK(text_seen);
	CHECK_EQ(dune_elf_iter_ph(&elf, stop_at_first), 7);

	/* the first PT_LOAD elsewhere: its file bytes, read-only as its flags say */
	CHECK_EQ(dune_elf_load_ph(&elf, &first_load, (off_t)LOAD_OFF), 0);
	{
		const unsigned char *copy = (const unsigned char *)(LOAD_OFF + first_load.p_vaddr);
		const unsigned char *orig = (const unsigned char *)(load_bias() + first_load.p_vaddr);
		ptent_t *pte;
		CHECK_EQ(memcmp(copy, orig, 64), 0); /* the ELF header */
		CHECK_EQ(copy[1], 'E');
		CHECK_EQ(dune_vm_lookup(pgroot, (void *)copy, CREATE_NONE, &pte), 0);
		CHECK(*pte & PTE_P);
		if (!(first_load.p_flags & PF_W))
			CHECK(!(*pte & PTE_W));
	}
	/* a segment with bss: zeroes past the file's bytes */
	if (rw_load.p_type == PT_LOAD) {
		const unsigned char *bss;
		CHECK_EQ(dune_elf_load_ph(&elf, &rw_load, (off_t)LOAD_OFF), 0);
		bss = (const unsigned char *)(LOAD_OFF + rw_load.p_vaddr + rw_load.p_filesz);
		for (uint64_t i = 0; i < rw_load.p_memsz - rw_load.p_filesz; i += 512)
			if (bss[i]) {
				CHECK(!"bss is zeroed");
				break;
			}
	}
	if (note_ph.p_type == PT_NOTE)
		CHECK_EQ(dune_elf_load_ph(&elf, &note_ph, (off_t)LOAD_OFF), -EINVAL);
	CHECK_EQ(dune_elf_close(&elf), 0);

	/* the same file as an image in memory */
	fd = open("/proc/self/exe", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(fstat(fd, &st), 0);
	image = malloc((size_t)st.st_size);
	CHECK(image != NULL);
	CHECK_EQ(read(fd, image, (size_t)st.st_size), st.st_size);
	close(fd);
	CHECK_EQ(dune_elf_open_mem(&mem_elf, image, (int)st.st_size), 0);
	loads = sections = 0;
	CHECK_EQ(dune_elf_iter_ph(&mem_elf, count_ph), 0);
	CHECK_EQ(loads, native);
	CHECK_EQ(dune_elf_iter_sh(&mem_elf, count_sh), 0);
	CHECK_EQ(sections, mem_elf.hdr.e_shnum);
	CHECK_EQ(dune_elf_close(&mem_elf), 0);
	free(image);

	/* errors, one line each on stderr */
	CHECK_EQ(dune_elf_open(&elf, "/nonexistent/peer_elf"), -EIO);
	fd = mkstemp(junk);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "not an ELF file at all, just text\n", 34), 34);
	close(fd);
	CHECK_EQ(dune_elf_open(&elf, junk), -EINVAL);
	unlink(junk);
	return tl_finish("peer_elf");
}
