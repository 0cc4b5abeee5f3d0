/*
 * monitor_fds.h - the descriptors of the monitor and of libdune, which the
 * program must never reach (an ioctl or mmap on a vCPU's is an escape).
 *
 * libdune marks its own (dune_owns_fd); the monitor registers the rest
 * here, temporary ones included. Creating a descriptor the program might
 * race for (a new thread's vCPU, a pipe) happens under mfd_create_begin,
 * and the calls that copy a descriptor of the program's (dup, fcntl
 * F_DUPFD, mmap of a file, SCM_RIGHTS, fork) check and copy under
 * mfd_capture_begin: a number the program names is never one that became
 * the monitor's between the check and the copy.
 */
#ifndef DUNEBOX_MONITOR_FDS_H
#define DUNEBOX_MONITOR_FDS_H

int mfd_is_monitors(long fd);       /* the kernel reads fds as 32-bit ints */
int mfd_own(int fd);                /* registers fd (if >= 0) and returns it */
int mfd_close(int fd);              /* unregisters and closes */
int mfd_disown(int fd);             /* unregisters only: whoever closes it is not the monitor's code */
int mfd_move_high(int fd);          /* moved to the top, out of listings, registered; the old number is closed */

void mfd_create_begin(void);
void mfd_create_end(void);
void mfd_capture_begin(void);
void mfd_capture_end(void);
void mfd_after_fork_child(void); /* the child holds nothing */

#endif
