/* files.h - system calls that name paths: copied, resolved, checked */
#ifndef DUNEBOX_FILES_H
#define DUNEBOX_FILES_H

#include "policy/audit.h"

long files_check(long nr, long a[6], struct syscall_event *ev, const char **abs_out);
int files_readlink_self(long nr, const long a[6], long *r);

#endif
