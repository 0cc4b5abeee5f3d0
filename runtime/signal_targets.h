/* signal_targets.h - whom the program may signal: processes of the box only */
#ifndef DUNEBOX_SIGNAL_TARGETS_H
#define DUNEBOX_SIGNAL_TARGETS_H

/* 1 if pid is in the box, 0 if not, -ESRCH if there is no such process */
int box_pid_inside(long pid);
long targets_check(long nr, const long a[6]);
/* pid's start time (clock ticks after boot, /proc/PID/stat), 0 if gone */
unsigned long long box_start_time(long pid);

#endif
