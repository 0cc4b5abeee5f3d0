/* exec.h - a program image in the region: the first one and each execve */
#ifndef DUNEBOX_EXEC_H
#define DUNEBOX_EXEC_H

#include <stdint.h>

#include "dune.h"

int exec_first(const char *path, char *const argv[], char *const envp[], struct dune_tf *tf);
struct syscall_event;
long exec_syscall(struct dune_tf *tf, long nr, const long a[6], struct syscall_event *ev);

#endif
