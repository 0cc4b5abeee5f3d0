/* files.h - system calls that name paths: walked in the program's view
 * (pathwalk.h), checked, and run on what the walk resolved */
#ifndef DUNEBOX_FILES_H
#define DUNEBOX_FILES_H

#include <stddef.h>

#include "policy/audit.h"

/* A call that names paths: 1 with *r its result, 0 if nr names none. */
int files_syscall(long nr, long a[6], struct syscall_event *ev, long *r);

/* Metadata changes through a descriptor (fchmod, fchown, fsetxattr,
 * futimens, inode flags): 0 if the descriptor is open for writing or its
 * file is writable under the policy, else -errno. */
long files_fd_write(long nr, const long a[6]);

/* An O_PATH descriptor of what path names from dirfd (walk flags), if the
 * policy lets the program execute it; its view path in view. */
int files_open_exec(int dirfd, const char *path, int flags, char *view, size_t viewlen);

#endif
