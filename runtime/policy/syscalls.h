/* syscalls.h - x86-64 system call names, and which arguments are paths. */
#ifndef DUNEBOX_SYSCALLS_H
#define DUNEBOX_SYSCALLS_H

#include <stddef.h>

/* Name of a number, or NULL; number of a name (len bytes), or -1. */
const char *syscall_name(long nr);
long syscall_number(const char *name, size_t len);

/* How the monitor finds a path argument (bits of path_arg.flags). */
enum path_arg_flags {
	PATH_NOFOLLOW = 1,	/* a symlink in the last component is not followed */
	PATH_EMPTY_OK = 2,	/* AT_EMPTY_PATH: "" means the dirfd itself */
	PATH_MAY_BE_NULL = 4,	/* NULL means the dirfd itself (utimensat) */
	PATH_OPEN_HOW = 8,	/* openat2: access is a worst case; recompute it
				   with open_flags_access(how.flags) */
};

struct path_arg {
	int arg;	/* index of the path in args[] */
	int dirfd_arg;	/* index of the directory fd, or -1 for the cwd */
	int access;	/* enum access bits */
	int flags;	/* enum path_arg_flags bits */
};

/* Fills out[] with the path arguments of the call and returns how many
 * (0, 1 or 2). Access depends on the flag arguments, hence args. */
int syscall_path_args(long nr, const long args[6], struct path_arg out[2]);

/* Access an open(2) flags word asks for (enum access bits). */
int open_flags_access(long flags);

#endif
