/* elf_check() on images in memory: the tiny ELF and real programs pass;
 * each kind of malformed header fails with -ENOEXEC and its own message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "elf_load.h"
#include "testutil.h"
#include "tiny_elf.h"

static struct elf_plan plan;
static char err[512];

static void expect(const void *buf, size_t len, int rc, const char *msg)
{
	err[0] = 0;
	int got = elf_check(buf, len, &plan, err, sizeof(err));
	if (got != rc || !strstr(err, msg))
		fail_msg("got %d \"%s\", want %d \"%s\"", got, err, rc, msg);
}

static void tiny_passes(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	expect(&t, sizeof(t), 0, "");
	assert_int_equal(plan.type, ET_EXEC);
	assert_int_equal(plan.nr_loads, 2);
	assert_int_equal(plan.entry, TINY_EXEC_BASE + offsetof(struct tiny_elf, code));
	assert_int_equal(plan.span_lo, TINY_EXEC_BASE);
	assert_int_equal(plan.span_hi, TINY_EXEC_BASE + 0x6000);
	assert_int_equal(plan.loads[0].prot, PROT_READ | PROT_EXEC);
	assert_int_equal(plan.loads[1].prot, PROT_READ | PROT_WRITE);
	assert_true(plan.has_phdr);
	assert_int_equal(plan.phdr_vaddr, TINY_EXEC_BASE + sizeof(Elf64_Ehdr));
	assert_false(plan.has_interp);
	assert_false(plan.exec_stack);

	t.ph[2].p_flags |= PF_X;
	expect(&t, sizeof(t), 0, "");
	assert_true(plan.exec_stack);

	tiny_elf_init(&t, ET_DYN, "/lib/ld.so");
	expect(&t, sizeof(t), 0, "");
	assert_int_equal(plan.type, ET_DYN);
	assert_true(plan.has_interp);
	assert_string_equal(plan.interp, "/lib/ld.so");
}

static void real_programs_pass(void **state)
{
	size_t len;
	void *buf;
	(void)state;

	buf = read_whole("/bin/true", &len);
	expect(buf, len, 0, "");
	assert_int_equal(plan.type, ET_DYN);
	assert_true(plan.has_interp);
	assert_string_equal(plan.interp, "/lib64/ld-linux-x86-64.so.2");
	free(buf);

	buf = read_whole(PROG_STATIC, &len);
	expect(buf, len, 0, "");
	assert_int_equal(plan.type, ET_EXEC);
	assert_false(plan.has_interp);
	free(buf);

	buf = read_whole(PROG_STATIC_PIE, &len);
	expect(buf, len, 0, "");
	assert_int_equal(plan.type, ET_DYN);
	assert_false(plan.has_interp);
	free(buf);

	buf = read_whole("/lib64/ld-linux-x86-64.so.2", &len);
	expect(buf, len, 0, "");
	assert_int_equal(plan.type, ET_DYN);
	assert_false(plan.has_interp);
	free(buf);
}

/* Linux ignores section headers, and so does the loader */
static void broken_section_table_ignored(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_shoff = 0x100000;
	t.eh.e_shnum = 9;
	t.eh.e_shentsize = 3;
	t.eh.e_shstrndx = 77;
	expect(&t, sizeof(t), 0, "");
	t.eh.e_shoff = 0x100; /* e_shnum 0: the count would be in a garbage section 0 */
	t.eh.e_shnum = 0;
	expect(&t, sizeof(t), 0, "");
}

static void truncated(void **state)
{
	struct tiny_elf t;
	size_t len;
	void *buf;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	expect(&t, 0, -ENOEXEC, "bad magic");
	expect(&t, 3, -ENOEXEC, "bad magic");
	expect(&t, 40, -ENOEXEC, "truncated");
	expect(&t, sizeof(Elf64_Ehdr) + 10, -ENOEXEC, "program headers at offset 0x40");
	expect(&t, offsetof(struct tiny_elf, code), -ENOEXEC, "segment 0: file bytes");

	buf = read_whole(PROG_STATIC, &len);
	expect(buf, len / 2, -ENOEXEC, "extend past the end of the file");
	free(buf);
}

static void bad_ident(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_ident[EI_MAG1] = 'X';
	expect(&t, sizeof(t), -ENOEXEC, "not an ELF file (bad magic)");
	expect("#!/bin/sh\necho hi\n", 18, -ENOEXEC, "bad magic");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_ident[EI_CLASS] = ELFCLASS32;
	expect(&t, sizeof(t), -ENOEXEC, "32-bit ELF");
	t.eh.e_ident[EI_CLASS] = 7;
	expect(&t, sizeof(t), -ENOEXEC, "unknown ELF class 7");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	expect(&t, sizeof(t), -ENOEXEC, "not a little-endian");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_ident[EI_VERSION] = 9;
	expect(&t, sizeof(t), -ENOEXEC, "unknown ELF version 9");
}

static void bad_header(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_machine = EM_AARCH64;
	expect(&t, sizeof(t), -ENOEXEC, "built for ELF machine 183, not x86-64");

	tiny_elf_init(&t, ET_REL, NULL);
	expect(&t, sizeof(t), -ENOEXEC, "an object file: link it first");
	tiny_elf_init(&t, ET_CORE, NULL);
	expect(&t, sizeof(t), -ENOEXEC, "a core dump");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_phentsize = 32;
	expect(&t, sizeof(t), -ENOEXEC, "program header size 32, not 56");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_phnum = 0;
	expect(&t, sizeof(t), -ENOEXEC, "no program headers");
	t.eh.e_phnum = 0xffff; /* PN_XNUM: the count would be in section 0 */
	expect(&t, sizeof(t), -ENOEXEC, "65535 program headers, more than the 128 allowed");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_phoff = 0x10000;
	expect(&t, sizeof(t), -ENOEXEC, "program headers at offset 0x10000 (4 entries) extend past the end");
	t.eh.e_phoff = ~0UL - 8; /* offset + size overflows */
	expect(&t, sizeof(t), -ENOEXEC, "extend past the end");
}

static void bad_segments(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[1].p_filesz = 0x4000;
	expect(&t, sizeof(t), -ENOEXEC, "segment 1: file size 0x4000 exceeds memory size 0x3000");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[1].p_filesz = 0x1000;
	expect(&t, sizeof(t), -ENOEXEC, "segment 1: file bytes [0x180, +0x1000) extend past the end");
	t.ph[1].p_offset = ~0UL - 0x7f; /* offset + size overflows */
	t.ph[1].p_vaddr = TINY_EXEC_BASE + TINY_DATA_GAP + 0x80;
	expect(&t, sizeof(t), -ENOEXEC, "segment 1: file bytes");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[1].p_vaddr += 8;
	expect(&t, sizeof(t), -ENOEXEC, "differ modulo the page size");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[1].p_vaddr = 0xfffffffffffff180UL; /* vaddr + memsz overflows */
	expect(&t, sizeof(t), -ENOEXEC, "ends beyond the 47-bit user address space");
	t.ph[1].p_vaddr = ELF_USER_TOP - 0x1000 + 0x180;
	expect(&t, sizeof(t), -ENOEXEC, "ends beyond the 47-bit user address space");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[1].p_align = 0x3000;
	expect(&t, sizeof(t), -ENOEXEC, "segment 1: bad alignment 0x3000");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[1].p_vaddr = TINY_EXEC_BASE + 0x180; /* same page as segment 0 */
	expect(&t, sizeof(t), -ENOEXEC, "overlaps the pages of the previous one");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[1].p_vaddr = TINY_EXEC_BASE - 0x10000 + 0x180;
	expect(&t, sizeof(t), -ENOEXEC, "must be sorted");

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[0].p_type = PT_NULL;
	t.ph[1].p_type = PT_NOTE;
	expect(&t, sizeof(t), -ENOEXEC, "no loadable (PT_LOAD) segment");
}

static void too_many_loads(void **state)
{
	enum { N = ELF_MAX_LOADS + 1 };
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph[N];
	} m;
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	memset(&m, 0, sizeof(m));
	m.eh = t.eh;
	m.eh.e_phnum = N;
	m.eh.e_entry = TINY_EXEC_BASE;
	for (int i = 0; i < N; i++)
		m.ph[i] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
					.p_vaddr = TINY_EXEC_BASE + 0x1000UL * i, .p_memsz = 0x100 };
	expect(&m, sizeof(m), -ENOEXEC, "more than 16 loadable segments");
}

static void bad_entry(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.eh.e_entry = 0x1234;
	expect(&t, sizeof(t), -ENOEXEC, "entry point 0x1234 is not inside an executable segment");
	t.eh.e_entry = tiny_data_vaddr(&t); /* mapped, but not executable */
	expect(&t, sizeof(t), -ENOEXEC, "is not inside an executable segment");
}

static void bad_interp(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, "/lib/ld.so");
	t.interp[10] = 'x';
	expect(&t, sizeof(t), -ENOEXEC, "interpreter path is not NUL-terminated");

	tiny_elf_init(&t, ET_EXEC, "/lib/ld.so");
	t.interp[4] = 0;
	expect(&t, sizeof(t), -ENOEXEC, "interpreter path has a NUL inside it");

	tiny_elf_init(&t, ET_EXEC, "lib/ld.so");
	expect(&t, sizeof(t), -ENOEXEC, "interpreter path \"lib/ld.so\" is not absolute");

	tiny_elf_init(&t, ET_EXEC, "/lib/ld.so");
	t.ph[3].p_filesz = 1; /* the empty path */
	expect(&t, sizeof(t), -ENOEXEC, "PT_INTERP of 1 bytes is no path");
	t.ph[3].p_filesz = 5000;
	expect(&t, sizeof(t), -ENOEXEC, "PT_INTERP of 5000 bytes is no path");

	tiny_elf_init(&t, ET_EXEC, "/lib/ld.so");
	t.ph[3].p_offset = sizeof(t) - 4;
	expect(&t, sizeof(t), -ENOEXEC, "PT_INTERP at offset 0x1bc extends past the end");

	tiny_elf_init(&t, ET_EXEC, "/lib/ld.so");
	t.ph[2] = t.ph[3];
	expect(&t, sizeof(t), -ENOEXEC, "more than one PT_INTERP");
}

static void bad_phdr(void **state)
{
	struct tiny_elf t;
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[3] = (Elf64_Phdr){ .p_type = PT_PHDR, .p_vaddr = TINY_EXEC_BASE + 0x40 };
	expect(&t, sizeof(t), 0, "");
	t.ph[3].p_vaddr += 8;
	expect(&t, sizeof(t), -ENOEXEC, "PT_PHDR at 0x400048 does not match");

	/* no load holds the headers: fine for elf_check, refused by elf_load */
	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[0].p_filesz = 0;
	expect(&t, sizeof(t), 0, "");
	assert_false(plan.has_phdr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tiny_passes),
		cmocka_unit_test(real_programs_pass),
		cmocka_unit_test(broken_section_table_ignored),
		cmocka_unit_test(truncated),
		cmocka_unit_test(bad_ident),
		cmocka_unit_test(bad_header),
		cmocka_unit_test(bad_segments),
		cmocka_unit_test(too_many_loads),
		cmocka_unit_test(bad_entry),
		cmocka_unit_test(bad_interp),
		cmocka_unit_test(bad_phdr),
	};
	return cmocka_run_group_tests_name("elf_check", tests, NULL, NULL);
}
