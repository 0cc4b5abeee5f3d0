/* syslog and reboot: each takes a pointer for one of its commands only. */
#include <errno.h>
#include <linux/reboot.h>

#include "sysargs_calls.h"

/* syslog(2) actions that copy the kernel log into buf */
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define RESTART2_CMD_MAX 256	/* the kernel reads at most this, NUL included */

/* syslog(type, buf, len) */
int sa_check_syslog(struct sa_call *c, const long a[6])
{
	int type = (int)a[0], len = (int)a[2];

	if (type != SYSLOG_ACTION_READ && type != SYSLOG_ACTION_READ_ALL &&
	    type != SYSLOG_ACTION_READ_CLEAR)
		return 0;
	if (len < 0)
		return sa_fail(c, -EINVAL, "arg 2 (len %d) negative", len);
	return sa_range(c, 1, "buf", (uintptr_t)a[1], (size_t)len, SYSARGS_WRITE);
}

/* reboot(magic, magic2, cmd, arg): RESTART2 passes a command string */
int sa_check_reboot(struct sa_call *c, const long a[6])
{
	size_t len;

	if ((unsigned int)a[2] != LINUX_REBOOT_CMD_RESTART2)
		return 0;
	return sa_string(c, 3, "arg", (uintptr_t)a[3], RESTART2_CMD_MAX, &len);
}
