/* Capabilities, seccomp and landlock: structures sized by a version or a
 * type, and BPF programs reached through a struct sock_fprog. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdint.h>

#include "sysargs_calls.h"

int sa_sock_fprog(struct sa_call *c, int arg, const char *what, uintptr_t prog)
{
	struct sock_fprog fp;
	char label[64];
	int r = sa_copy(c, arg, what, prog, &fp, sizeof(fp), SYSARGS_READ);

	if (r)
		return r;
	snprintf(label, sizeof(label), "%s->filter", what);
	return sa_array(c, arg, label, (uintptr_t)fp.filter, fp.len,
			sizeof(struct sock_filter), SYSARGS_READ);
}

/* The kernel writes its preferred version into the header when it does
 * not know the one given, so the header is written either way. */
static int cap_header(struct sa_call *c, uintptr_t hdr, size_t *structs)
{
	struct __user_cap_header_struct h;
	int r = sa_copy(c, 0, "hdrp", hdr, &h, sizeof(h), SYSARGS_WRITE);

	if (r)
		return r;
	switch (h.version) {
	case _LINUX_CAPABILITY_VERSION_1:
		*structs = _LINUX_CAPABILITY_U32S_1;
		break;
	case _LINUX_CAPABILITY_VERSION_2:
	case _LINUX_CAPABILITY_VERSION_3:
		*structs = _LINUX_CAPABILITY_U32S_3;
		break;
	default:
		*structs = 0;	/* EINVAL: data is not touched */
	}
	return 0;
}

/* capget(hdrp, datap): NULL datap probes the version */
int sa_check_capget(struct sa_call *c, const long a[6])
{
	size_t n;
	int r = cap_header(c, (uintptr_t)a[0], &n);

	if (r || !a[1])
		return r;
	return sa_array(c, 1, "datap", (uintptr_t)a[1], n,
			sizeof(struct __user_cap_data_struct), SYSARGS_WRITE);
}

int sa_check_capset(struct sa_call *c, const long a[6])
{
	size_t n;
	int r = cap_header(c, (uintptr_t)a[0], &n);

	if (r)
		return r;
	return sa_array(c, 1, "datap", (uintptr_t)a[1], n,
			sizeof(struct __user_cap_data_struct), SYSARGS_READ);
}

/* seccomp(operation, flags, args) */
int sa_check_seccomp(struct sa_call *c, const long a[6])
{
	switch ((unsigned int)a[0]) {
	case SECCOMP_SET_MODE_STRICT:
		return 0;
	case SECCOMP_SET_MODE_FILTER:
		return sa_sock_fprog(c, 2, "args", (uintptr_t)a[2]);
	case SECCOMP_GET_ACTION_AVAIL:
		return sa_range(c, 2, "action", (uintptr_t)a[2], sizeof(uint32_t), SYSARGS_READ);
	case SECCOMP_GET_NOTIF_SIZES:
		return sa_range(c, 2, "sizes", (uintptr_t)a[2],
				sizeof(struct seccomp_notif_sizes), SYSARGS_WRITE);
	}
	return sa_fail(c, -EINVAL, "operation %u unknown", (unsigned int)a[0]);
}

/* landlock_add_rule(ruleset_fd, rule_type, rule_attr, flags) */
int sa_check_landlock_add_rule(struct sa_call *c, const long a[6])
{
	switch ((int)a[1]) {
	case LANDLOCK_RULE_PATH_BENEATH:
		return sa_range(c, 2, "rule_attr", (uintptr_t)a[2],
				sizeof(struct landlock_path_beneath_attr), SYSARGS_READ);
#ifdef LANDLOCK_RULE_NET_PORT
	case LANDLOCK_RULE_NET_PORT:
		return sa_range(c, 2, "rule_attr", (uintptr_t)a[2],
				sizeof(struct landlock_net_port_attr), SYSARGS_READ);
#endif
	}
	return sa_fail(c, -EINVAL, "rule type %d unknown", (int)a[1]);
}
