/* Which arguments of a system call are paths, relative to what, and what
 * the call does to them. A call not listed here names no path. */
#include <sys/syscall.h>

#include "policy.h"
#include "syscalls.h"

/* Calls newer than some build hosts' headers. */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#define __NR_getxattrat 464
#define __NR_listxattrat 465
#define __NR_removexattrat 466
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif

/* Kernel values, the same on every x86-64 libc. */
#define K_O_ACCMODE 03
#define K_O_WRONLY 01
#define K_O_RDWR 02
#define K_O_CREAT 0100
#define K_O_TRUNC 01000
#define K_O_APPEND 02000
#define K_O_PATH 010000000
#define K_O_TMPFILE 020000000	/* without the O_DIRECTORY it comes with */
#define K_AT_SYMLINK_NOFOLLOW 0x100
#define K_AT_SYMLINK_FOLLOW 0x400
#define K_AT_EMPTY_PATH 0x1000
#define K_RENAME_EXCHANGE 2
#define K_W_OK 2

int open_flags_access(long flags)
{
	int acc = 0;

	if (flags & K_O_PATH)	/* only names the file: no read, no write */
		return ACC_LOOKUP;
	switch (flags & K_O_ACCMODE) {
	case 0:
		acc = ACC_READ;
		break;
	case K_O_WRONLY:
		acc = ACC_WRITE;
		break;
	default:	/* O_RDWR, and 3, which asks for both */
		acc = ACC_READ | ACC_WRITE;
	}
	if (flags & (K_O_TRUNC | K_O_APPEND))
		acc |= ACC_WRITE;
	if (flags & (K_O_CREAT | K_O_TMPFILE))
		acc |= ACC_CREATE | ACC_WRITE;
	return acc;
}

static int at_flags(long flags)
{
	int f = 0;

	if (flags & K_AT_SYMLINK_NOFOLLOW)
		f |= PATH_NOFOLLOW;
	if (flags & K_AT_EMPTY_PATH)
		f |= PATH_EMPTY_OK;
	return f;
}

static int one(struct path_arg *out, int arg, int dirfd_arg, int access, int flags)
{
	out[0] = (struct path_arg){ arg, dirfd_arg, access, flags };
	return 1;
}

static int two(struct path_arg *out, struct path_arg a, struct path_arg b)
{
	out[0] = a;
	out[1] = b;
	return 2;
}

/* Renaming removes the old name and makes the new one (replacing whatever
 * was there); an exchange does both to both. */
static int rename_args(struct path_arg *out, int old, int olddir, int new, int newdir, long flags)
{
	int both = ACC_DELETE | ACC_CREATE;
	bool exchange = flags & K_RENAME_EXCHANGE;

	return two(out, (struct path_arg){ old, olddir, exchange ? both : ACC_DELETE, PATH_NOFOLLOW },
		   (struct path_arg){ new, newdir, both, PATH_NOFOLLOW });
}

/* A hard link to a file is a second way to write it, so linking needs
 * write access to the source, not just read. */
static int link_args(struct path_arg *out, int old, int olddir, int new, int newdir, int oldflags)
{
	return two(out, (struct path_arg){ old, olddir, ACC_WRITE, oldflags },
		   (struct path_arg){ new, newdir, ACC_CREATE, PATH_NOFOLLOW });
}

static int access_mode(long mode)
{
	return mode & K_W_OK ? ACC_WRITE : ACC_LOOKUP;
}

int syscall_path_args(long nr, const long args[6], struct path_arg out[2])
{
	static const long no_args[6];

	if (!args)
		args = no_args;
	switch (nr) {
	case __NR_open:
		return one(out, 0, -1, open_flags_access(args[1]), 0);
	case __NR_creat:
		return one(out, 0, -1, ACC_CREATE | ACC_WRITE, 0);
	case __NR_openat:
		return one(out, 1, 0, open_flags_access(args[2]), 0);
	case __NR_openat2:
		return one(out, 1, 0, ACC_READ | ACC_WRITE | ACC_CREATE, PATH_OPEN_HOW);

	case __NR_stat:
	case __NR_statfs:
	case __NR_chdir:
		return one(out, 0, -1, ACC_LOOKUP, 0);
	case __NR_getxattr:
	case __NR_listxattr:
		return one(out, 0, -1, ACC_READ, 0);
	case __NR_lstat:
	case __NR_readlink:
		return one(out, 0, -1, ACC_LOOKUP, PATH_NOFOLLOW);
	case __NR_lgetxattr:
	case __NR_llistxattr:
		return one(out, 0, -1, ACC_READ, PATH_NOFOLLOW);
	case __NR_newfstatat:
		return one(out, 1, 0, ACC_LOOKUP, at_flags(args[3]));
	case __NR_statx:
		return one(out, 1, 0, ACC_LOOKUP, at_flags(args[2]));
	case __NR_readlinkat:
		return one(out, 1, 0, ACC_LOOKUP, PATH_NOFOLLOW);
	case __NR_getxattrat:
	case __NR_listxattrat:
		return one(out, 1, 0, ACC_READ, at_flags(args[2]));
	case __NR_inotify_add_watch:
		return one(out, 1, -1, ACC_READ, 0);
	case __NR_fanotify_mark:
		return one(out, 4, 3, ACC_READ, PATH_MAY_BE_NULL);
	case __NR_name_to_handle_at:
		return one(out, 1, 0, ACC_READ, at_flags(args[4]));
	case __NR_open_tree:
	case __NR_open_tree_attr:
		return one(out, 1, 0, ACC_READ, at_flags(args[2]));

	case __NR_access:
		return one(out, 0, -1, access_mode(args[1]), 0);
	case __NR_faccessat:
		return one(out, 1, 0, access_mode(args[2]), 0);
	case __NR_faccessat2:
		return one(out, 1, 0, access_mode(args[2]), at_flags(args[3]));

	case __NR_execve:
	case __NR_uselib:
		return one(out, 0, -1, ACC_EXEC | ACC_READ, 0);
	case __NR_execveat:
		return one(out, 1, 0, ACC_EXEC | ACC_READ, at_flags(args[4]));

	case __NR_unlink:
	case __NR_rmdir:
		return one(out, 0, -1, ACC_DELETE, PATH_NOFOLLOW);
	case __NR_unlinkat:
		return one(out, 1, 0, ACC_DELETE, PATH_NOFOLLOW);
	case __NR_rename:
		return rename_args(out, 0, -1, 1, -1, 0);
	case __NR_renameat:
		return rename_args(out, 1, 0, 3, 2, 0);
	case __NR_renameat2:
		return rename_args(out, 1, 0, 3, 2, args[4]);
	case __NR_link:
		return link_args(out, 0, -1, 1, -1, PATH_NOFOLLOW);
	case __NR_linkat:
		return link_args(out, 1, 0, 3, 2,
				 (args[4] & K_AT_SYMLINK_FOLLOW ? 0 : PATH_NOFOLLOW) |
				 (args[4] & K_AT_EMPTY_PATH ? PATH_EMPTY_OK : 0));
	/* the symlink's target is only text stored in it, not a path used */
	case __NR_symlink:
		return one(out, 1, -1, ACC_CREATE, PATH_NOFOLLOW);
	case __NR_symlinkat:
		return one(out, 2, 1, ACC_CREATE, PATH_NOFOLLOW);
	case __NR_mkdir:
	case __NR_mknod:
		return one(out, 0, -1, ACC_CREATE, PATH_NOFOLLOW);
	case __NR_mkdirat:
	case __NR_mknodat:
		return one(out, 1, 0, ACC_CREATE, PATH_NOFOLLOW);

	case __NR_chmod:
	case __NR_chown:
	case __NR_truncate:
	case __NR_utime:
	case __NR_utimes:
	case __NR_setxattr:
	case __NR_removexattr:
		return one(out, 0, -1, ACC_WRITE, 0);
	case __NR_lchown:
	case __NR_lsetxattr:
	case __NR_lremovexattr:
		return one(out, 0, -1, ACC_WRITE, PATH_NOFOLLOW);
	case __NR_fchmodat:
	case __NR_futimesat:
		return one(out, 1, 0, ACC_WRITE, 0);
	case __NR_fchmodat2:
		return one(out, 1, 0, ACC_WRITE, at_flags(args[3]));
	case __NR_fchownat:
		return one(out, 1, 0, ACC_WRITE, at_flags(args[4]));
	case __NR_utimensat:
		return one(out, 1, 0, ACC_WRITE, at_flags(args[3]) | PATH_MAY_BE_NULL);
	case __NR_setxattrat:
	case __NR_removexattrat:
		return one(out, 1, 0, ACC_WRITE, at_flags(args[2]));

	/* denied by default; listed so a policy that allows them is still safe */
	case __NR_chroot:
		return one(out, 0, -1, ACC_READ, 0);
	case __NR_acct:
	case __NR_swapon:
	case __NR_swapoff:
		return one(out, 0, -1, ACC_WRITE, 0);
	}
	return 0;
}
