/*
 * process_targets.h - calls that act on a process by its id (scheduling,
 * priority, resource limits, I/O signal owners, pidfds, the terminal's
 * foreground group): only on processes of the box, and never more than an
 * unprivileged process may do to itself (no real-time scheduling, no
 * higher priority than it has).
 */
#ifndef DUNEBOX_PROCESS_TARGETS_H
#define DUNEBOX_PROCESS_TARGETS_H

/* 0 if nr may go on, else -errno (the call is refused) */
long process_targets_check(long nr, const long a[6]);

#endif
