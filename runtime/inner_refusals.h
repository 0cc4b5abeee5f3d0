/*
 * inner_refusals.h - what the inner layer never forwards, whatever the
 * policy says: calls that would hand the program power over the monitor
 * or the host (a seccomp filter on the monitor's own thread, fanotify's
 * read-write descriptors, typing into the user's terminal, device nodes,
 * other processes' memory and descriptors, file handles that skip path
 * checks, mounts, the clock, the kernel) and the sub-requests of allowed
 * calls that do the same (prctl, ioctl, adjtimex). personality is kept by
 * the monitor: the host process's would change the monitor's mappings.
 */
#ifndef DUNEBOX_INNER_REFUSALS_H
#define DUNEBOX_INNER_REFUSALS_H

/* -errno if the call is refused (*why says why), 0 if it may go on; 1 with
 * *r set when the monitor answered it itself */
long refusal_check(long nr, const long a[6], const char **why, long *r);

#endif
