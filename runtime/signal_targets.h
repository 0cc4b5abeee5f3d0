/* signal_targets.h - whom the program may signal: processes of the box only */
#ifndef DUNEBOX_SIGNAL_TARGETS_H
#define DUNEBOX_SIGNAL_TARGETS_H

int box_pid_inside(long pid);
long targets_check(long nr, const long a[6]);

#endif
