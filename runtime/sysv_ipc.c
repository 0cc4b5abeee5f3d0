/*
 * sysv_ipc.c - the box's own System V objects (sysv_ipc.h).
 */
#include <errno.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box_registry.h"
#include "sysv_ipc.h"

#define IPC_CMD(c) ((c) & ~IPC_64) /* glibc adds IPC_64; the kernel ignores it */
#ifndef IPC_64
#define IPC_64 0x100
#endif

int sysv_ipc_owns_shm(int id)
{
	return registry_ipc_has(IPC_KIND_SHM, id);
}

/* shmget, semget, msgget: the box's object under key, or a fresh one */
static long get(enum ipc_kind kind, long nr, const long a[6])
{
	key_t key = (key_t)a[0];
	int flags = kind == IPC_KIND_SHM ? (int)a[2] : kind == IPC_KIND_SEM ? (int)a[2] : (int)a[1];
	int id = registry_ipc_by_key(kind, key);
	long r;

	if (id >= 0)
		return (flags & IPC_CREAT) && (flags & IPC_EXCL) ? -EEXIST : id;
	if (key != IPC_PRIVATE && !(flags & IPC_CREAT))
		return -ENOENT;
	/* never the host's key space: a private object, remembered by key */
	if (kind == IPC_KIND_SHM)
		r = syscall(nr, IPC_PRIVATE, a[1], flags & 0777);
	else if (kind == IPC_KIND_SEM)
		r = syscall(nr, IPC_PRIVATE, a[1], flags & 0777);
	else
		r = syscall(nr, IPC_PRIVATE, flags & 0777);
	if (r < 0)
		return -errno;
	if (registry_ipc_add(kind, (int)r, key) < 0) {
		if (kind == IPC_KIND_SHM)
			shmctl((int)r, IPC_RMID, NULL);
		else if (kind == IPC_KIND_SEM)
			semctl((int)r, 0, IPC_RMID);
		else
			msgctl((int)r, IPC_RMID, NULL);
		return -ENOSPC;
	}
	return r;
}

static long ctl(enum ipc_kind kind, long nr, const long a[6])
{
	int id = (int)a[0];
	int cmd = IPC_CMD((int)(kind == IPC_KIND_SEM ? a[2] : a[1]));
	long r;

	if (cmd != IPC_INFO) { /* the limits, the same for everyone: fine */
		/* listings by index and usage counts are the host's objects */
		if ((kind == IPC_KIND_SHM && (cmd == SHM_INFO || cmd == SHM_STAT || cmd == SHM_STAT_ANY)) ||
		    (kind == IPC_KIND_SEM && (cmd == SEM_INFO || cmd == SEM_STAT || cmd == SEM_STAT_ANY)) ||
		    (kind == IPC_KIND_MSG && (cmd == MSG_INFO || cmd == MSG_STAT || cmd == MSG_STAT_ANY)))
			return -EINVAL;
		if (!registry_ipc_has(kind, id))
			return -EINVAL; /* as for an id that does not exist */
	}
	r = syscall(nr, a[0], a[1], a[2], a[3]);
	if (r < 0)
		return -errno;
	if (cmd == IPC_RMID)
		registry_ipc_forget(kind, id);
	return r;
}

int sysv_ipc_syscall(long nr, const long a[6], long *r)
{
	switch (nr) {
	case SYS_shmget:
		*r = get(IPC_KIND_SHM, nr, a);
		return 1;
	case SYS_semget:
		*r = get(IPC_KIND_SEM, nr, a);
		return 1;
	case SYS_msgget:
		*r = get(IPC_KIND_MSG, nr, a);
		return 1;
	case SYS_shmctl:
		*r = ctl(IPC_KIND_SHM, nr, a);
		return 1;
	case SYS_semctl:
		*r = ctl(IPC_KIND_SEM, nr, a);
		return 1;
	case SYS_msgctl:
		*r = ctl(IPC_KIND_MSG, nr, a);
		return 1;
	case SYS_semop:
	case SYS_semtimedop:
		if (!registry_ipc_has(IPC_KIND_SEM, (int)a[0])) {
			*r = -EINVAL;
			return 1;
		}
		return 0;
	case SYS_msgsnd:
	case SYS_msgrcv:
		if (!registry_ipc_has(IPC_KIND_MSG, (int)a[0])) {
			*r = -EINVAL;
			return 1;
		}
		return 0;
	}
	return 0;
}
