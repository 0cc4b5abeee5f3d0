/* privs.c - no privileges: no_new_privs (nothing exec'd gains any), every
 * capability gone from every set, the bounding set included, and the
 * securebits locked so that uid 0 inside the user namespace (the box of a
 * root user) cannot get them back by exec either. libcap-ng does the
 * capability sets; the result is read back. */
#include <cap-ng.h>
#include <errno.h>
#include <sys/prctl.h>

#include "jail_internal.h"

int privs_drop(struct jail_state *s)
{
	return privs_drop_but(s, -1);
}

/* keep: one capability left in the effective and permitted sets (the
 * waiting process outside, which must remove the box's cgroup from a
 * directory only root may write), or -1 */
int privs_drop_but(struct jail_state *s, int keep)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return jail_fail(s, -errno, "no_new_privs");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return jail_fail(s, -errno, "clearing the ambient capabilities");
	capng_clear(CAPNG_SELECT_ALL);
	if (keep >= 0 && capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, (unsigned)keep) < 0)
		return jail_fail(s, -EINVAL, "keeping capability %d", keep);
	/* the securebits need CAP_SETPCAP: before the sets are applied */
	if (capng_lock() < 0)
		return jail_fail(s, -EPERM, "locking the securebits (capng_lock)");
	if (capng_apply(CAPNG_SELECT_ALL) < 0)
		return jail_fail(s, -EPERM, "dropping the capabilities (capng_apply)");
	capng_get_caps_process();
	if ((keep < 0 && capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE) ||
	    capng_have_capabilities(CAPNG_SELECT_BOUNDS) != CAPNG_NONE)
		return jail_fail(s, -EPERM, "capabilities still held after dropping them");
	return 0;
}
