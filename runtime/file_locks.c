/*
 * file_locks.c - locks on files the box may not write stay in the box
 * (file_locks.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/syscall.h>

#include "file_locks.h"
#include "files.h"
#include "uaccess.h"

static int is_lock_cmd(int cmd)
{
	return cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
}

int file_locks_syscall(long nr, const long a[6], long *r)
{
	if (nr == SYS_flock) {
		if (a[1] & LOCK_UN)
			return 0;
		if (files_fd_write(nr, a) == 0)
			return 0;
		*r = 0; /* the box's own: nobody in it could write the file */
		return 1;
	}
	if (nr != SYS_fcntl)
		return 0;
	int cmd = (int)a[1];
	if (cmd == F_SETLEASE) {
		if (a[2] == F_UNLCK || files_fd_write(nr, a) == 0)
			return 0;
		*r = -EAGAIN;
		return 1;
	}
	if (!is_lock_cmd(cmd))
		return 0;
	struct flock l;
	if (uaccess_from(&l, (uintptr_t)a[2], sizeof(l)) < 0) {
		*r = -EFAULT;
		return 1;
	}
	int fl = fcntl((int)a[0], F_GETFL);
	if (l.l_type == F_UNLCK || fl < 0 || files_fd_write(nr, a) == 0)
		return 0;
	/* what the kernel would refuse anyway, it refuses */
	if ((l.l_type == F_WRLCK && (fl & O_ACCMODE) == O_RDONLY) ||
	    (l.l_type == F_RDLCK && (fl & O_ACCMODE) == O_WRONLY))
		return 0;
	*r = 0;
	return 1;
}
