/* origin - a program that finds its library through RPATH $ORIGIN: run
 * through a symlink elsewhere, it works only if /proc/self/exe names where
 * it really is (tests/box/box-tests.list). */
#include <stdio.h>

const char *origin_greeting(void);

int main(void)
{
	printf("%s\n", origin_greeting());
	return 0;
}
