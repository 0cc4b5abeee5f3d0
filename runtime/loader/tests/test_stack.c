/* The initial stack elf_load() builds: argc, argv, envp and every auxv
 * entry Linux gives, with the values the program must see. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "loader_internal.h"
#include "testutil.h"

static struct loaded_image img;
static char err[512];
static char *const test_argv[] = { "hello", "one", "two words", NULL };
static char *const test_envp[] = { "A=1", "LOADER_TEST=yes", NULL };

static int teardown(void **state)
{
	(void)state;
	elf_unload(&img);
	return 0;
}

static const struct load_region *stack_region(void)
{
	return &img.regions[img.nr_regions - 1];
}

static int on_stack(uint64_t addr, size_t len)
{
	return addr >= stack_region()->start && addr + len <= stack_region()->end;
}

static uint64_t aux(uint64_t type)
{
	int found;
	uint64_t v = aux_get(img.stack_top, type, &found);

	if (!found)
		fail_msg("auxv entry %lu missing", (unsigned long)type);
	return v;
}

static void argc_argv_envp(void **state)
{
	struct load_limits lim = test_limits();
	(void)state;

	assert_int_equal(elf_load(PROG_STATIC, test_argv, test_envp, &lim, &img, err, sizeof(err)), 0);
	const uint64_t *sp = (const uint64_t *)img.stack_top;
	assert_int_equal(img.stack_top % 16, 0);
	assert_true(on_stack(img.stack_top, 8));
	assert_int_equal(sp[0], 3);
	for (int i = 0; i < 3; i++) {
		assert_true(on_stack(sp[1 + i], strlen(test_argv[i]) + 1));
		assert_string_equal((const char *)sp[1 + i], test_argv[i]);
	}
	assert_int_equal(sp[4], 0);
	assert_string_equal((const char *)sp[5], "A=1");
	assert_string_equal((const char *)sp[6], "LOADER_TEST=yes");
	assert_int_equal(sp[7], 0);
	/* Linux ends the stack with a NULL pointer right above the strings */
	assert_int_equal(*(const uint64_t *)(stack_region()->end - 8), 0);
}

static void empty_argv_envp(void **state)
{
	struct load_limits lim = test_limits();
	(void)state;

	assert_int_equal(elf_load(PROG_STATIC, NULL, NULL, &lim, &img, err, sizeof(err)), 0);
	const uint64_t *sp = (const uint64_t *)img.stack_top;
	assert_int_equal(img.stack_top % 16, 0);
	assert_int_equal(sp[0], 0);
	assert_int_equal(sp[1], 0);
	assert_int_equal(sp[2], 0);
	assert_int_equal(aux(AT_PAGESZ), 4096);
}

static void auxv_static(void **state)
{
	struct load_limits lim = test_limits();
	struct elf_plan p;
	size_t len;
	unsigned char *file = read_whole(PROG_STATIC, &len);
	(void)state;

	assert_int_equal(elf_check(file, len, &p, err, sizeof(err)), 0);
	assert_int_equal(elf_load(PROG_STATIC, test_argv, test_envp, &lim, &img, err, sizeof(err)), 0);

	/* AT_PHDR points at the program headers, as mapped from the file */
	assert_int_equal(aux(AT_PHDR), img.phdr);
	assert_int_equal(aux(AT_PHENT), sizeof(Elf64_Phdr));
	assert_int_equal(aux(AT_PHNUM), p.phnum);
	assert_memory_equal((void *)aux(AT_PHDR), file + ((Elf64_Ehdr *)file)->e_phoff,
			    p.phnum * sizeof(Elf64_Phdr));
	assert_int_equal(aux(AT_ENTRY), ((Elf64_Ehdr *)file)->e_entry);
	assert_int_equal(aux(AT_BASE), 0);
	assert_int_equal(aux(AT_FLAGS), 0);
	assert_int_equal(aux(AT_PAGESZ), 4096);
	assert_int_equal(aux(AT_CLKTCK), 100);
	assert_int_equal(aux(AT_UID), getuid());
	assert_int_equal(aux(AT_EUID), geteuid());
	assert_int_equal(aux(AT_GID), getgid());
	assert_int_equal(aux(AT_EGID), getegid());
	assert_int_equal(aux(AT_SECURE), 0);
	/* the kernel reports the same CPU words to this test process */
	assert_int_equal(aux(AT_HWCAP), kernel_aux(AT_HWCAP));
	assert_int_equal(aux(AT_HWCAP2), kernel_aux(AT_HWCAP2));
	assert_true(aux(AT_MINSIGSTKSZ) > 0);
	assert_int_equal(aux(AT_SYSINFO_EHDR), lim.vdso);

	assert_true(on_stack(aux(AT_PLATFORM), 7));
	assert_string_equal((const char *)aux(AT_PLATFORM), "x86_64");
	assert_true(on_stack(aux(AT_EXECFN), strlen(PROG_STATIC) + 1));
	assert_string_equal((const char *)aux(AT_EXECFN), PROG_STATIC);

	/* AT_RANDOM: 16 bytes on the stack, fresh on each load */
	unsigned char first[16], zero[16] = { 0 };
	assert_true(on_stack(aux(AT_RANDOM), 16));
	memcpy(first, (void *)aux(AT_RANDOM), 16);
	assert_memory_not_equal(first, zero, 16);
	elf_unload(&img);
	assert_int_equal(elf_load(PROG_STATIC, test_argv, test_envp, &lim, &img, err, sizeof(err)), 0);
	assert_memory_not_equal(first, (void *)aux(AT_RANDOM), 16);
	free(file);
}

static void auxv_each_once(void **state)
{
	struct load_limits lim = test_limits();
	int seen[64] = { 0 };
	const uint64_t *w;
	(void)state;

	assert_int_equal(elf_load(PROG_STATIC, test_argv, test_envp, &lim, &img, err, sizeof(err)), 0);
	w = (const uint64_t *)img.stack_top;
	w += w[0] + 2;
	while (*w)
		w++;
	for (w++; w[0] != AT_NULL; w += 2) {
		assert_true(w[0] < 64);
		assert_int_equal(seen[w[0]]++, 0);
	}
	assert_true(on_stack((uintptr_t)w, 16));
	assert_int_equal(w[1], 0);
}

static void auxv_without_vdso(void **state)
{
	struct load_limits lim = test_limits();
	int found;
	(void)state;

	lim.vdso = 0;
	assert_int_equal(elf_load(PROG_STATIC, test_argv, test_envp, &lim, &img, err, sizeof(err)), 0);
	aux_get(img.stack_top, AT_SYSINFO_EHDR, &found);
	assert_false(found);
}

static void auxv_pie_and_interpreter(void **state)
{
	struct load_limits lim = test_limits();
	struct elf_plan p;
	size_t len;
	unsigned char *file = read_whole(PROG_DYNAMIC, &len);
	(void)state;

	assert_int_equal(elf_check(file, len, &p, err, sizeof(err)), 0);
	assert_int_equal(elf_load(PROG_DYNAMIC, test_argv, test_envp, &lim, &img, err, sizeof(err)), 0);
	assert_true(img.prog_bias != 0);
	assert_int_equal(aux(AT_ENTRY), p.entry + img.prog_bias);
	assert_int_equal(aux(AT_BASE), img.base);
	assert_true(img.base != 0);
	assert_int_equal(aux(AT_PHDR), p.phdr_vaddr + img.prog_bias);
	assert_memory_equal((void *)aux(AT_PHDR), file + ((Elf64_Ehdr *)file)->e_phoff,
			    p.phnum * sizeof(Elf64_Phdr));
	/* the interpreter's ELF header is at its base */
	assert_memory_equal((void *)img.base, ELFMAG, SELFMAG);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(argc_argv_envp, teardown),
		cmocka_unit_test_teardown(empty_argv_envp, teardown),
		cmocka_unit_test_teardown(auxv_static, teardown),
		cmocka_unit_test_teardown(auxv_each_once, teardown),
		cmocka_unit_test_teardown(auxv_without_vdso, teardown),
		cmocka_unit_test_teardown(auxv_pie_and_interpreter, teardown),
	};
	return cmocka_run_group_tests_name("initial stack", tests, NULL, NULL);
}
