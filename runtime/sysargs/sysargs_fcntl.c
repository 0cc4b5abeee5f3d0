/* fcntl: a few commands take a pointer, the rest an integer; commands not
 * listed get -EINVAL, what the kernel answers for one it does not know. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>

#include "sysargs_calls.h"

_Static_assert(sizeof(struct flock) == 32, "glibc's struct flock is the kernel's");

static const int integer_commands[] = {
	F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
	F_GETOWN, F_SETOWN, F_GETSIG, F_SETSIG, F_GETLEASE, F_SETLEASE,
	F_NOTIFY, F_GETPIPE_SZ, F_SETPIPE_SZ, F_ADD_SEALS, F_GET_SEALS,
};

struct fcntl_mem {
	int cmd;
	int access;
	unsigned int size;
	const char *what;
};

static const struct fcntl_mem pointer_commands[] = {
	{ F_GETLK, SYSARGS_WRITE, sizeof(struct flock), "struct flock" },
	{ F_SETLK, SYSARGS_READ, sizeof(struct flock), "struct flock" },
	{ F_SETLKW, SYSARGS_READ, sizeof(struct flock), "struct flock" },
	{ F_OFD_GETLK, SYSARGS_WRITE, sizeof(struct flock), "struct flock" },
	{ F_OFD_SETLK, SYSARGS_READ, sizeof(struct flock), "struct flock" },
	{ F_OFD_SETLKW, SYSARGS_READ, sizeof(struct flock), "struct flock" },
	{ F_GETOWN_EX, SYSARGS_WRITE, sizeof(struct f_owner_ex), "struct f_owner_ex" },
	{ F_SETOWN_EX, SYSARGS_READ, sizeof(struct f_owner_ex), "struct f_owner_ex" },
	{ F_GET_RW_HINT, SYSARGS_WRITE, sizeof(uint64_t), "u64" },
	{ F_SET_RW_HINT, SYSARGS_READ, sizeof(uint64_t), "u64" },
	{ F_GET_FILE_RW_HINT, SYSARGS_WRITE, sizeof(uint64_t), "u64" },
	{ F_SET_FILE_RW_HINT, SYSARGS_READ, sizeof(uint64_t), "u64" },
};

/* fcntl(fd, cmd, arg): cmd is an int to the kernel */
int sa_check_fcntl(struct sa_call *c, const long a[6])
{
	int cmd = (int)a[1];

	for (size_t i = 0; i < sizeof(integer_commands) / sizeof(integer_commands[0]); i++)
		if (integer_commands[i] == cmd)
			return 0;
	for (size_t i = 0; i < sizeof(pointer_commands) / sizeof(pointer_commands[0]); i++) {
		const struct fcntl_mem *m = &pointer_commands[i];

		if (m->cmd == cmd)
			return sa_range(c, 2, m->what, (uintptr_t)a[2], m->size, m->access);
	}
	return sa_fail(c, -EINVAL, "command %d unknown", cmd);
}
