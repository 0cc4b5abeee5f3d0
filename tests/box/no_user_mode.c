/* Linked into a test build of dunebox with -Wl,--wrap=dune_jump_to_user:
 * user mode fails to start, as on a CPU without FSGSBASE. */
#include <errno.h>

#include "dune.h"

int __wrap_dune_jump_to_user(struct dune_tf *tf);

int __wrap_dune_jump_to_user(struct dune_tf *tf)
{
	(void)tf;
	return -ENOTSUP;
}
