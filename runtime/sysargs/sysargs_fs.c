/* File-system calls whose memory depends on a header or a command: file
 * handles, fsconfig and quotactl. */
#include <errno.h>
#include <linux/mount.h>
#include <linux/quota.h>
#include <stdint.h>

#include "sysargs_calls.h"

#define MAX_HANDLE_SZ 128	/* longest f_handle the kernel accepts */
#define FILE_HANDLE_HEAD (2 * sizeof(uint32_t))	/* handle_bytes, handle_type */
#define AT_HANDLE_MNT_ID_UNIQUE 0x001	/* Linux 6.12: mount_id is a u64 */

/* Reads handle_bytes from the header of a struct file_handle. */
static int handle_bytes(struct sa_call *c, int arg, uintptr_t fh, int access, uint32_t *bytes)
{
	int r = sa_copy(c, arg, "handle", fh, bytes, sizeof(*bytes), access);

	if (!r && *bytes > MAX_HANDLE_SZ)
		return sa_fail(c, -EINVAL, "arg %d (handle->handle_bytes %u) more than %d",
			       arg, *bytes, MAX_HANDLE_SZ);
	return r;
}

/* name_to_handle_at(dirfd, path, handle, mount_id, flags): the kernel
 * writes the header back even when the handle does not fit. */
int sa_check_name_to_handle_at(struct sa_call *c, const long a[6])
{
	size_t id_size = (a[4] & AT_HANDLE_MNT_ID_UNIQUE) ? sizeof(uint64_t) : sizeof(int);
	uint32_t bytes;
	int r = handle_bytes(c, 2, (uintptr_t)a[2], SYSARGS_WRITE, &bytes);

	if (!r)
		r = sa_range(c, 2, "handle", (uintptr_t)a[2], FILE_HANDLE_HEAD + bytes,
			     SYSARGS_WRITE);
	if (!r)
		r = sa_range(c, 3, "mount_id", (uintptr_t)a[3], id_size, SYSARGS_WRITE);
	return r;
}

/* open_by_handle_at(mount_fd, handle, flags) */
int sa_check_open_by_handle_at(struct sa_call *c, const long a[6])
{
	uint32_t bytes;
	int r = handle_bytes(c, 1, (uintptr_t)a[1], SYSARGS_READ, &bytes);

	if (r)
		return r;
	return sa_range(c, 1, "handle", (uintptr_t)a[1], FILE_HANDLE_HEAD + bytes, SYSARGS_READ);
}

/* fsconfig(fd, cmd, key, value, aux) */
int sa_check_fsconfig(struct sa_call *c, const long a[6])
{
	unsigned int cmd = (unsigned int)a[1];
	size_t len;
	int r;

	switch (cmd) {
	case FSCONFIG_CMD_CREATE:
	case FSCONFIG_CMD_RECONFIGURE:
#ifdef FSCONFIG_CMD_CREATE_EXCL
	case FSCONFIG_CMD_CREATE_EXCL:
#endif
		return 0;	/* key, value must be NULL */
	case FSCONFIG_SET_FLAG:
	case FSCONFIG_SET_STRING:
	case FSCONFIG_SET_BINARY:
	case FSCONFIG_SET_PATH:
	case FSCONFIG_SET_PATH_EMPTY:
	case FSCONFIG_SET_FD:
		break;
	default:
		return sa_fail(c, -EINVAL, "command %u unknown", cmd);
	}
	r = sa_string(c, 2, "key", (uintptr_t)a[2], SA_PATH_MAX, &len);
	if (r)
		return r;
	switch (cmd) {
	case FSCONFIG_SET_STRING:
	case FSCONFIG_SET_PATH:
	case FSCONFIG_SET_PATH_EMPTY:
		return sa_string(c, 3, "value", (uintptr_t)a[3], SA_PATH_MAX, &len);
	case FSCONFIG_SET_BINARY:
		if ((int)a[4] < 0)
			return sa_fail(c, -EINVAL, "arg 4 (aux %d) negative", (int)a[4]);
		return sa_range(c, 3, "value", (uintptr_t)a[3], (size_t)(int)a[4], SYSARGS_READ);
	}
	return 0;
}

/* The VFS quota commands; XFS's own (Q_X*) are refused. */
static int check_quota_addr(struct sa_call *c, unsigned int subcmd, uintptr_t addr, int by_fd)
{
	size_t len;

	switch (subcmd) {
	case Q_QUOTAON:
		/* quotactl_fd takes no quota file path */
		return by_fd ? 0 : sa_string(c, 3, "addr", addr, SA_PATH_MAX, &len);
	case Q_QUOTAOFF:
	case Q_SYNC:
		return 0;
	case Q_GETFMT:
		return sa_range(c, 3, "addr", addr, sizeof(uint32_t), SYSARGS_WRITE);
	case Q_GETINFO:
		return sa_range(c, 3, "addr", addr, sizeof(struct if_dqinfo), SYSARGS_WRITE);
	case Q_SETINFO:
		return sa_range(c, 3, "addr", addr, sizeof(struct if_dqinfo), SYSARGS_READ);
	case Q_GETQUOTA:
		return sa_range(c, 3, "addr", addr, sizeof(struct if_dqblk), SYSARGS_WRITE);
	case Q_SETQUOTA:
		return sa_range(c, 3, "addr", addr, sizeof(struct if_dqblk), SYSARGS_READ);
	case Q_GETNEXTQUOTA:
		return sa_range(c, 3, "addr", addr, sizeof(struct if_nextdqblk), SYSARGS_WRITE);
	}
	return sa_fail(c, -EINVAL, "command %#x unknown", subcmd);
}

/* quotactl(cmd, special, id, addr): special is in the table */
int sa_check_quotactl(struct sa_call *c, const long a[6])
{
	return check_quota_addr(c, (unsigned int)a[0] >> SUBCMDSHIFT, (uintptr_t)a[3], 0);
}

/* quotactl_fd(fd, cmd, id, addr) */
int sa_check_quotactl_fd(struct sa_call *c, const long a[6])
{
	return check_quota_addr(c, (unsigned int)a[1] >> SUBCMDSHIFT, (uintptr_t)a[3], 1);
}
