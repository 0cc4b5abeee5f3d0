/*
 * supervisor.h - dunebox's first process, outside the box: it makes the
 * box's private directories and shared registry before the box starts,
 * waits for the program, and when it ends leaves nothing of the box
 * behind (no process, no System V object, no private file).
 */
#ifndef DUNEBOX_SUPERVISOR_H
#define DUNEBOX_SUPERVISOR_H

#include <sys/types.h>

int supervisor_prepare(void); /* 0, or 125 after one line on stderr */
int supervise(pid_t child);   /* the program's exit status */

#endif
