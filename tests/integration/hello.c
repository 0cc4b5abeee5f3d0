#include "testlib.h"
int main(void)
{
	tl_watchdog(20);
	tl_enter();
	CHECK(dune_in_guest());
	printf("hello from guest ring 0\n");
	return tl_finish("hello");
}
