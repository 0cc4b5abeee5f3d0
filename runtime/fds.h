/* fds.h - descriptors the program must not touch (libdune's, the monitor's) */
#ifndef DUNEBOX_FDS_H
#define DUNEBOX_FDS_H

struct msghdr;

int box_fd_is_monitors(long fd);
long fds_check(long nr, const long a[6], int *handled);
/* SCM_RIGHTS of a copied message: each descriptor replaced by a pinned
 * copy (checked not to be the monitor's); fds_unpin after the call */
long fds_pin_rights(struct msghdr *m, int *pins, int max_pins, int *nr_pins);
void fds_unpin(const int *pins, int nr_pins);

#endif
