/*
 * file_locks.h - advisory locks and leases are shared with every process
 * of the host: a read lock on /var/lib/dpkg/lock would stop the host's
 * package manager. On files the program may not write, no other process
 * of the box can change anything either, so a lock there is the box's
 * alone: it is answered as taken, and not taken on the host. Leases on
 * such files are refused.
 */
#ifndef DUNEBOX_FILE_LOCKS_H
#define DUNEBOX_FILE_LOCKS_H

/* 1 with *r set when answered here, 0 to go on */
int file_locks_syscall(long nr, const long a[6], long *r);

#endif
