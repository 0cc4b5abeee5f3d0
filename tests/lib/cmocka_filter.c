/* Linked into every cmocka test program: TEST_CASE=PATTERN in the
 * environment (tools/run-tests -t NAME/CASE, make test T=NAME/CASE) runs
 * only the cases matching it, through cmocka's own filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

__attribute__((constructor)) static void cmocka_filter_from_env(void)
{
	const char *pattern = getenv("TEST_CASE");
	if (pattern && *pattern)
		cmocka_set_test_filter(pattern);
}
