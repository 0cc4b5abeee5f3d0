/*
 * sysv_ipc.h - System V shared memory, semaphores and message queues:
 * the host's are not the box's. Every *get makes a fresh object
 * (IPC_PRIVATE) the box registry remembers under the program's key, so
 * keys name only the box's own objects; every call on an id needs one of
 * those; listings by index (SHM_STAT, SEM_INFO...) are refused; the
 * supervisor removes what is left when the box ends.
 */
#ifndef DUNEBOX_SYSV_IPC_H
#define DUNEBOX_SYSV_IPC_H

/* 1 with *r set when nr is a System V call (done here or refused), else 0.
 * shmat is mem.c's, after sysv_ipc_owns_shm. */
int sysv_ipc_syscall(long nr, const long a[6], long *r);
int sysv_ipc_owns_shm(int id);

#endif
