/* System V IPC: the *ctl calls move a structure chosen by the command,
 * message calls a long mtype plus the text. Only the kernel's uapi types
 * are used here (glibc's would clash with them). */
#include <asm/msgbuf.h>
#include <asm/sembuf.h>
#include <asm/shmbuf.h>
#include <errno.h>
#include <linux/ipc.h>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/shm.h>

#include "sysargs_calls.h"

struct ctl_mem {
	int cmd;
	int access;	/* enum sysargs_access, or NO_MEMORY */
	unsigned int size;
	const char *what;
};

#define NO_MEMORY (-1)
#define END { -1, 0, 0, NULL }

static const struct ctl_mem shm_commands[] = {
	{ IPC_STAT, SYSARGS_WRITE, sizeof(struct shmid64_ds), "struct shmid_ds" },
	{ SHM_STAT, SYSARGS_WRITE, sizeof(struct shmid64_ds), "struct shmid_ds" },
	{ SHM_STAT_ANY, SYSARGS_WRITE, sizeof(struct shmid64_ds), "struct shmid_ds" },
	{ IPC_SET, SYSARGS_READ, sizeof(struct shmid64_ds), "struct shmid_ds" },
	{ IPC_INFO, SYSARGS_WRITE, sizeof(struct shminfo64), "struct shminfo" },
	{ SHM_INFO, SYSARGS_WRITE, sizeof(struct shm_info), "struct shm_info" },
	{ IPC_RMID, NO_MEMORY, 0, NULL },
	{ SHM_LOCK, NO_MEMORY, 0, NULL },
	{ SHM_UNLOCK, NO_MEMORY, 0, NULL },
	END
};

/* GETALL and SETALL are missing on purpose: their array has as many
 * entries as the set has semaphores, which only the kernel knows. */
static const struct ctl_mem sem_commands[] = {
	{ IPC_STAT, SYSARGS_WRITE, sizeof(struct semid64_ds), "struct semid_ds" },
	{ SEM_STAT, SYSARGS_WRITE, sizeof(struct semid64_ds), "struct semid_ds" },
	{ SEM_STAT_ANY, SYSARGS_WRITE, sizeof(struct semid64_ds), "struct semid_ds" },
	{ IPC_SET, SYSARGS_READ, sizeof(struct semid64_ds), "struct semid_ds" },
	{ IPC_INFO, SYSARGS_WRITE, sizeof(struct seminfo), "struct seminfo" },
	{ SEM_INFO, SYSARGS_WRITE, sizeof(struct seminfo), "struct seminfo" },
	{ IPC_RMID, NO_MEMORY, 0, NULL },
	{ GETVAL, NO_MEMORY, 0, NULL },
	{ SETVAL, NO_MEMORY, 0, NULL },
	{ GETPID, NO_MEMORY, 0, NULL },
	{ GETNCNT, NO_MEMORY, 0, NULL },
	{ GETZCNT, NO_MEMORY, 0, NULL },
	END
};

static const struct ctl_mem msg_commands[] = {
	{ IPC_STAT, SYSARGS_WRITE, sizeof(struct msqid64_ds), "struct msqid_ds" },
	{ MSG_STAT, SYSARGS_WRITE, sizeof(struct msqid64_ds), "struct msqid_ds" },
	{ MSG_STAT_ANY, SYSARGS_WRITE, sizeof(struct msqid64_ds), "struct msqid_ds" },
	{ IPC_SET, SYSARGS_READ, sizeof(struct msqid64_ds), "struct msqid_ds" },
	{ IPC_INFO, SYSARGS_WRITE, sizeof(struct msginfo), "struct msginfo" },
	{ MSG_INFO, SYSARGS_WRITE, sizeof(struct msginfo), "struct msginfo" },
	{ IPC_RMID, NO_MEMORY, 0, NULL },
	END
};

/* cmd may carry IPC_64, which x86-64 ignores: every layout is the 64 one */
static int check_ctl(struct sa_call *c, const struct ctl_mem *cmds, long cmd,
		     int arg, uintptr_t buf)
{
	int want = (int)cmd & ~IPC_64;

	for (; cmds->cmd >= 0; cmds++) {
		if (cmds->cmd != want)
			continue;
		if (cmds->access == NO_MEMORY)
			return 0;
		return sa_range(c, arg, cmds->what, buf, cmds->size, cmds->access);
	}
	return sa_fail(c, -EINVAL, "command %d unknown", want);
}

/* shmctl(shmid, cmd, buf) */
int sa_check_shmctl(struct sa_call *c, const long a[6])
{
	return check_ctl(c, shm_commands, a[1], 2, (uintptr_t)a[2]);
}

/* semctl(semid, semnum, cmd, arg): the union semun is passed by value */
int sa_check_semctl(struct sa_call *c, const long a[6])
{
	return check_ctl(c, sem_commands, a[2], 3, (uintptr_t)a[3]);
}

/* msgctl(msqid, cmd, buf) */
int sa_check_msgctl(struct sa_call *c, const long a[6])
{
	return check_ctl(c, msg_commands, a[1], 2, (uintptr_t)a[2]);
}

/* shmat(shmid, shmaddr, shmflg): SHM_REMAP replaces what is mapped there,
 * over the segment's size, which only the kernel knows. Without it the
 * kernel refuses an address that is in use. */
int sa_check_shmat(struct sa_call *c, const long a[6])
{
	if (a[1] && (a[2] & SHM_REMAP))
		return sa_fail(c, -EINVAL, "arg 1 (shmaddr) with SHM_REMAP: the segment's "
			       "size is unknown here");
	return 0;
}

static int check_msgbuf(struct sa_call *c, const long a[6], int access)
{
	size_t len;

	if (__builtin_add_overflow(sizeof(long), (size_t)a[2], &len))
		return sa_fail(c, -EINVAL, "arg 2 (msgsz %zu) too large", (size_t)a[2]);
	return sa_range(c, 1, "msgp", (uintptr_t)a[1], len, access);
}

/* msgsnd(msqid, msgp, msgsz, msgflg) */
int sa_check_msgsnd(struct sa_call *c, const long a[6])
{
	return check_msgbuf(c, a, SYSARGS_READ);
}

/* msgrcv(msqid, msgp, msgsz, msgtyp, msgflg) */
int sa_check_msgrcv(struct sa_call *c, const long a[6])
{
	return check_msgbuf(c, a, SYSARGS_WRITE);
}
