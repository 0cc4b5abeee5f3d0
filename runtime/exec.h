/* exec.h - a program image in the region: the first one and each execve */
#ifndef DUNEBOX_EXEC_H
#define DUNEBOX_EXEC_H

#include <stdint.h>

#include "dune.h"

int exec_first(const char *path, char *const argv[], char *const envp[], struct dune_tf *tf);
long exec_syscall_path(struct dune_tf *tf, const char *path, uintptr_t argv, uintptr_t envp);

#endif
