/* Loaded programs actually run: a forked child loads one, jumps to its
 * entry with rsp at the stack elf_load() built, and the parent checks the
 * exit code and output. This proves the stack and auxv are right for musl's
 * and glibc's start code, and for ld-linux. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "elf_load.h"
#include "testutil.h"
#include "tiny_elf.h"

static char *const hello_argv[] = { "hello", "one", "two words", NULL };
static char *const hello_envp[] = { "LOADER_TEST=yes", NULL };

/* The process entry state of the x86-64 ABI: rsp at argc, rdx 0 (no
 * atexit hook), rbp 0 (outermost frame). */
static __attribute__((noreturn)) void enter(uintptr_t entry, uintptr_t sp)
{
	asm volatile("mov %1, %%rsp\n\t"
		     "xor %%edx, %%edx\n\t"
		     "xor %%ebp, %%ebp\n\t"
		     "jmp *%0"
		     :
		     : "a"(entry), "c"(sp)
		     : "memory");
	__builtin_unreachable();
}

static void child(const char *path, char *const argv[], int out_fd)
{
	struct load_limits lim = test_limits();
	struct loaded_image img;
	char err[512];

	dup2(out_fd, 1);
	close(out_fd);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL); /* cmocka's handlers must not run in the program */
	alarm(10);
	if (elf_load(path, argv, hello_envp, &lim, &img, err, sizeof(err))) {
		dprintf(2, "%s\n", err);
		_exit(100);
	}
	enter(img.entry, img.stack_top);
}

/* Runs path loaded in a child; returns its wait status, output in out. */
static int run_loaded(const char *path, char *const argv[], char *out, size_t outlen)
{
	int pfd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		child(path, argv, pfd[1]);
	}
	close(pfd[1]);
	while (got + 1 < outlen && (n = read(pfd[0], out + got, outlen - 1 - got)) > 0)
		got += n;
	out[got] = 0;
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void expect_hello(const char *path)
{
	char out[1024], want[1024];
	int status = run_loaded(path, hello_argv, out, sizeof(out));

	snprintf(want, sizeof(want),
		 "argc=3\nargv[0]=hello\nargv[1]=one\nargv[2]=two words\nenv=yes\nexecfn=%s\n", path);
	assert_string_equal(out, want);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 42)
		fail_msg("%s: wait status %#x, want exit 42", path, status);
}

static void runs_static(void **state)
{
	(void)state;
	expect_hello(PROG_STATIC);
}

static void runs_static_pie(void **state)
{
	(void)state;
	expect_hello(PROG_STATIC_PIE);
}

static void runs_dynamic_through_ld_linux(void **state)
{
	(void)state;
	expect_hello(PROG_DYNAMIC);
}

static void runs_system_echo(void **state)
{
	char *const argv[] = { "echo", "loaded", "by", "dunebox", NULL };
	char out[256];
	(void)state;

	int status = run_loaded("/bin/echo", argv, out, sizeof(out));
	assert_string_equal(out, "loaded by dunebox\n");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void runs_tiny(void **state)
{
	static const int types[] = { ET_EXEC, ET_DYN };
	struct tiny_elf t;
	char path[64], out[16];
	(void)state;

	for (int i = 0; i < 2; i++) {
		tiny_elf_init(&t, types[i], NULL);
		write_tmp(&t, sizeof(t), path);
		int status = run_loaded(path, hello_argv, out, sizeof(out));
		unlink(path);
		/* 42 only if the file's 0xaa bytes after p_filesz and the bss read 0 */
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 42)
			fail_msg("tiny type %d: wait status %#x, want exit 42", types[i], status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_static),
		cmocka_unit_test(runs_static_pie),
		cmocka_unit_test(runs_dynamic_through_ld_linux),
		cmocka_unit_test(runs_system_echo),
		cmocka_unit_test(runs_tiny),
	};
	return cmocka_run_group_tests_name("loaded programs run", tests, NULL, NULL);
}
