/* fds.h - descriptors the program must not touch (libdune's, the monitor's) */
#ifndef DUNEBOX_FDS_H
#define DUNEBOX_FDS_H

int box_fd_is_monitors(long fd);
long fds_check(long nr, const long a[6], int *handled);

#endif
