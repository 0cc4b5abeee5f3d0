/* Run by the loader tests through a stack elf_load() built: prints what it
 * got and exits 42 only if libc found everything it needs in the auxv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static __thread int tls_counter = 7; /* PT_TLS: libc finds it through AT_PHDR */

int main(int argc, char **argv)
{
	const unsigned char *rnd = (const void *)getauxval(AT_RANDOM);
	const char *env = getenv("LOADER_TEST");
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const char *platform = (const char *)getauxval(AT_PLATFORM);

	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	printf("env=%s\n", env ? env : "(none)");
	printf("execfn=%s\n", execfn ? execfn : "(none)");
	fflush(stdout);
	if (!rnd || getauxval(AT_PAGESZ) != 4096 || !getauxval(AT_PHDR))
		return 1;
	if (!platform || strcmp(platform, "x86_64"))
		return 2;
	if (++tls_counter != 8)
		return 3;
	return 42;
}
