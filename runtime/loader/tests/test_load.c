/* elf_load() on real files in this process: static, static-PIE and dynamic
 * programs land where they should with the file's bytes and zeroed bss;
 * every failure returns its -errno and message and leaves nothing mapped
 * and no descriptor open. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "loader_internal.h"
#include "testutil.h"
#include "tiny_elf.h"

static struct loaded_image img;
static char err[512];
static int fds_open;
static char *const test_argv[] = { "prog", "one", NULL };
static char *const test_envp[] = { "LOADER_TEST=yes", NULL };

static int setup(void **state)
{
	(void)state;
	fds_open = open_fd_count();
	assert_true(range_is_unmapped(TEST_LO, TEST_HI));
	return 0;
}

/* every test ends with nothing mapped in the range and no descriptor leaked */
static int teardown(void **state)
{
	(void)state;
	elf_unload(&img);
	assert_true(range_is_unmapped(TEST_LO, TEST_HI));
	assert_int_equal(open_fd_count(), fds_open);
	return 0;
}

static int load(const char *path, const struct load_limits *lim)
{
	err[0] = 0;
	return elf_load(path, test_argv, test_envp, lim, &img, err, sizeof(err));
}

static void expect_fail(const char *path, const struct load_limits *lim, int rc, const char *msg)
{
	int got = load(path, lim);

	if (got != rc || !strstr(err, msg))
		fail_msg("got %d \"%s\", want %d \"%s\"", got, err, rc, msg);
	assert_int_equal(img.nr_regions, 0);
	assert_true(range_is_unmapped(TEST_LO, TEST_HI));
}

/* The file's segments are in memory at bias, bss zeroed; returns its plan. */
static struct elf_plan assert_loaded_as_file(const char *path, uintptr_t bias)
{
	struct elf_plan p;
	size_t len;
	unsigned char *buf = read_whole(path, &len);

	assert_int_equal(elf_check(buf, len, &p, err, sizeof(err)), 0);
	for (int i = 0; i < p.nr_loads; i++) {
		const struct elf_segment *s = &p.loads[i];
		const unsigned char *mem = (const unsigned char *)(s->vaddr + bias);
		assert_memory_equal(mem, buf + s->offset, s->filesz);
		if (s->memsz == s->filesz)
			continue; /* no bss: the rest of the last page is the file's */
		for (uint64_t j = s->filesz; j < PAGE_UP(s->vaddr + s->memsz) - s->vaddr; j++)
			if (mem[j])
				fail_msg("%s segment %d: byte %#lx after p_filesz is %#x", path, i,
					 (unsigned long)j, mem[j]);
	}
	free(buf);
	return p;
}

static void assert_regions_inside(uintptr_t lo, uintptr_t hi)
{
	assert_true(img.nr_regions > 0);
	for (int i = 0; i < img.nr_regions; i++) {
		assert_true(img.regions[i].start >= lo && img.regions[i].end <= hi);
		assert_true(img.regions[i].start < img.regions[i].end);
		assert_int_equal(img.regions[i].start % PAGE_SIZE, 0);
		assert_int_equal(img.regions[i].end % PAGE_SIZE, 0);
	}
	assert_int_equal(img.stack_top % 16, 0);
}

static void static_exec(void **state)
{
	struct load_limits lim = test_limits();
	struct elf_plan p;
	(void)state;

	assert_int_equal(load(PROG_STATIC, &lim), 0);
	assert_regions_inside(TEST_LO, TEST_HI);
	p = assert_loaded_as_file(PROG_STATIC, 0);
	assert_int_equal(p.type, ET_EXEC);
	assert_int_equal(img.prog_bias, 0);
	assert_int_equal(img.entry, p.entry);
	assert_int_equal(img.prog_entry, p.entry);
	assert_int_equal(img.base, 0);
	assert_int_equal(img.brk_start, p.span_hi);
	assert_int_equal(img.phdr, p.phdr_vaddr);
	assert_false(img.exec_stack);
	assert_memory_equal((void *)img.phdr, (char *)p.span_lo + sizeof(Elf64_Ehdr),
			    p.phnum * sizeof(Elf64_Phdr));
}

static void static_pie(void **state)
{
	struct load_limits lim = test_limits();
	struct elf_plan p;
	(void)state;

	assert_int_equal(load(PROG_STATIC_PIE, &lim), 0);
	assert_regions_inside(TEST_LO, TEST_HI);
	assert_true(img.prog_bias >= TEST_LO && img.prog_bias % PAGE_SIZE == 0);
	p = assert_loaded_as_file(PROG_STATIC_PIE, img.prog_bias);
	assert_int_equal(p.type, ET_DYN);
	assert_int_equal(img.entry, p.entry + img.prog_bias);
	assert_int_equal(img.base, 0);
	assert_int_equal(img.brk_start, p.span_hi + img.prog_bias);
	assert_int_equal(img.phdr, p.phdr_vaddr + img.prog_bias);
}

static void dynamic_with_interpreter(void **state)
{
	static const char *progs[] = { "/bin/true", PROG_DYNAMIC };
	struct load_limits lim = test_limits();
	struct elf_plan p, ip;
	(void)state;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(load(progs[i], &lim), 0);
		assert_regions_inside(TEST_LO, TEST_HI);
		p = assert_loaded_as_file(progs[i], img.prog_bias);
		assert_true(p.has_interp);
		assert_true(img.base >= TEST_LO && img.base % PAGE_SIZE == 0);
		ip = assert_loaded_as_file(p.interp, img.base);
		assert_int_equal(img.entry, ip.entry + img.base);
		assert_int_equal(img.prog_entry, p.entry + img.prog_bias);
		/* the interpreter sits apart from the program and its brk */
		assert_true(img.base > img.brk_start);
		elf_unload(&img);
		assert_true(range_is_unmapped(TEST_LO, TEST_HI));
	}
}

static void tiny_zeroes_bss(void **state)
{
	static const int types[] = { ET_EXEC, ET_DYN };
	struct load_limits lim = test_limits();
	struct tiny_elf t;
	char path[64];
	(void)state;

	for (int i = 0; i < 2; i++) {
		tiny_elf_init(&t, types[i], NULL);
		write_tmp(&t, sizeof(t), path);
		assert_int_equal(load(path, &lim), 0);
		assert_loaded_as_file(path, img.prog_bias);
		const char *data = (const char *)(tiny_data_vaddr(&t) + img.prog_bias);
		assert_string_equal(data, "tiny data here!");
		assert_int_equal(data[TINY_DATA_FILESZ], 0); /* 0xaa in the file */
		assert_int_equal(data[TINY_BSS_PROBE], 0);
		/* text, data (file page + bss pages), guard, stack */
		assert_int_equal(img.nr_regions, 5);
		assert_int_equal(img.regions[0].prot, PROT_READ | PROT_EXEC);
		assert_int_equal(img.regions[1].prot, PROT_READ | PROT_WRITE);
		assert_int_equal(img.regions[2].prot, PROT_READ | PROT_WRITE);
		assert_int_equal(img.regions[3].prot, PROT_NONE);
		assert_int_equal(img.regions[4].prot, PROT_READ | PROT_WRITE);
		elf_unload(&img);
		unlink(path);
	}
}

static void exec_stack_flag(void **state)
{
	struct load_limits lim = test_limits();
	struct tiny_elf t;
	char path[64];
	(void)state;

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[2].p_flags |= PF_X;
	write_tmp(&t, sizeof(t), path);
	assert_int_equal(load(path, &lim), 0);
	assert_true(img.exec_stack);
	assert_int_equal(img.regions[img.nr_regions - 1].prot, PROT_READ | PROT_WRITE | PROT_EXEC);
	unlink(path);
}

static void missing_interpreter(void **state)
{
	struct load_limits lim = test_limits();
	char path[64];
	size_t len;
	char *buf = read_whole("/bin/true", &len);
	char *ip = memmem(buf, len, "/lib64/ld-linux", 15);
	(void)state;

	assert_non_null(ip);
	memcpy(ip, "/nolib", 6); /* same length: the PT_INTERP size stays right */
	write_tmp(buf, len, path);
	free(buf);
	expect_fail(path, &lim, -ENOENT,
		    ": needs interpreter /nolib/ld-linux-x86-64.so.2, which is missing (install it, or link the program statically)");
	assert_true(strncmp(err, path, strlen(path)) == 0);
	unlink(path);
}

/* a tiny program whose PT_INTERP names the file at interp */
static void expect_interp_fail(const char *interp, int rc, const char *msg)
{
	struct load_limits lim = test_limits();
	struct tiny_elf t;
	char path[64];

	tiny_elf_init(&t, ET_EXEC, interp);
	write_tmp(&t, sizeof(t), path);
	expect_fail(path, &lim, rc, msg);
	unlink(path);
}

static void bad_interpreter(void **state)
{
	struct tiny_elf t;
	char ip[64], dir[64], fifo[80];
	(void)state;

	write_tmp("#!/bin/sh\n", 10, ip);
	expect_interp_fail(ip, -ELIBBAD, ": not an ELF file (bad magic)");
	unlink(ip);

	tiny_elf_init(&t, ET_EXEC, NULL);
	write_tmp(&t, sizeof(t), ip);
	expect_interp_fail(ip, -ELIBBAD, "is not a shared object (ET_DYN)");
	unlink(ip);

	tiny_elf_init(&t, ET_DYN, "/lib64/ld-linux-x86-64.so.2");
	write_tmp(&t, sizeof(t), ip);
	expect_interp_fail(ip, -ELIBBAD, "names an interpreter itself");
	unlink(ip);

	write_tmp("\177ELF", 4, ip);
	chmod(ip, 0644);
	expect_interp_fail(ip, -EACCES, ": not executable");
	unlink(ip);

	expect_interp_fail("/tmp", -EACCES, "interpreter /tmp: not a regular file");
	/* devices are looked at, never opened: opening a tty or watchdog acts */
	expect_interp_fail("/dev/null", -EACCES, "interpreter /dev/null: not a regular file");

	/* opening a FIFO for reading would block without O_NONBLOCK */
	strcpy(dir, "/tmp/loader-fifo-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_interp_fail(fifo, -EACCES, "not a regular file");
	unlink(fifo);
	rmdir(dir);
}

static void bad_program_file(void **state)
{
	struct load_limits lim = test_limits();
	struct tiny_elf t;
	char path[64];
	size_t len;
	char *buf;
	(void)state;

	expect_fail("/nonexistent/prog", &lim, -ENOENT,
		    "/nonexistent/prog: cannot open: No such file or directory");
	expect_fail("/tmp", &lim, -EACCES, "/tmp: not a regular file");

	tiny_elf_init(&t, ET_EXEC, NULL);
	write_tmp(&t, sizeof(t), path);
	chmod(path, 0644);
	expect_fail(path, &lim, -EACCES, "not executable (chmod +x it)");
	unlink(path);

	buf = read_whole(PROG_STATIC, &len);
	write_tmp(buf, len / 3, path);
	expect_fail(path, &lim, -ENOEXEC, "extend past the end of the file");
	unlink(path);
	write_tmp(buf, 20, path);
	expect_fail(path, &lim, -ENOEXEC, "truncated: 20 bytes, less than an ELF header");
	free(buf);
	unlink(path);

	tiny_elf_init(&t, ET_EXEC, NULL);
	t.ph[0].p_filesz = 0; /* the headers are in no segment */
	write_tmp(&t, sizeof(t), path);
	expect_fail(path, &lim, -ENOEXEC, "program headers are in no PT_LOAD segment");
	unlink(path);
}

static void limits(void **state)
{
	struct load_limits lim = test_limits();
	(void)state;

	lim.lo = 0x10000000;
	expect_fail(PROG_STATIC, &lim, -ENOMEM, "outside the program area");
	lim = test_limits();
	lim.hi = lim.lo + 0x8000;
	expect_fail(PROG_STATIC_PIE, &lim, -ENOMEM, "widen the limits");
	lim = test_limits();
	lim.stack_size = TEST_HI; /* larger than the area */
	expect_fail(PROG_STATIC, &lim, -ENOMEM, "no free");
	lim = test_limits();
	lim.lo = lim.hi;
	expect_fail(PROG_STATIC, &lim, -EINVAL, "bad limits");
	lim = test_limits();
	lim.lo += 1;
	expect_fail(PROG_STATIC, &lim, -EINVAL, "bad limits");
	expect_fail(PROG_STATIC, NULL, -EINVAL, "bad limits");
}

static void never_clobbers(void **state)
{
	struct load_limits lim = test_limits();
	struct elf_plan p;
	size_t len;
	void *buf = read_whole(PROG_STATIC, &len);
	(void)state;

	assert_int_equal(elf_check(buf, len, &p, err, sizeof(err)), 0);
	free(buf);
	/* the monitor's own page where the program's data segment would go */
	uintptr_t mine = PAGE_DOWN(p.loads[p.nr_loads - 1].vaddr);
	char *page = mmap((void *)mine, PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	assert_true(page == (char *)mine);
	strcpy(page, "monitor");
	int rc = load(PROG_STATIC, &lim);
	if (rc != -EEXIST || !strstr(err, "would land on an existing mapping of the monitor"))
		fail_msg("got %d \"%s\"", rc, err);
	assert_string_equal(page, "monitor");
	assert_true(range_is_unmapped(TEST_LO, mine));
	assert_true(range_is_unmapped(mine + PAGE_SIZE, TEST_HI));
	munmap(page, PAGE_SIZE);
}

static void arguments_too_long(void **state)
{
	struct load_limits lim = test_limits();
	static char big[40000];
	char *envp[] = { big, NULL };
	(void)state;

	lim.stack_size = 128 << 10;
	memset(big, 'x', sizeof(big) - 1);
	int rc = elf_load(PROG_STATIC, test_argv, envp, &lim, &img, err, sizeof(err));
	assert_int_equal(rc, -E2BIG);
	assert_non_null(strstr(err, "argument list too long"));
	assert_int_equal(img.nr_regions, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(static_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(static_pie, setup, teardown),
		cmocka_unit_test_setup_teardown(dynamic_with_interpreter, setup, teardown),
		cmocka_unit_test_setup_teardown(tiny_zeroes_bss, setup, teardown),
		cmocka_unit_test_setup_teardown(exec_stack_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_interpreter, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_interpreter, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_program_file, setup, teardown),
		cmocka_unit_test_setup_teardown(limits, setup, teardown),
		cmocka_unit_test_setup_teardown(never_clobbers, setup, teardown),
		cmocka_unit_test_setup_teardown(arguments_too_long, setup, teardown),
	};
	return cmocka_run_group_tests_name("elf_load", tests, NULL, NULL);
}
