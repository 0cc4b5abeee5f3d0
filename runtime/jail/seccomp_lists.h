/* seccomp_lists.h - the lists of seccomp_lists.c */
#ifndef DUNEBOX_JAIL_SECCOMP_LISTS_H
#define DUNEBOX_JAIL_SECCOMP_LISTS_H

#include <stddef.h>

extern const int seccomp_monitor_calls[];
extern const size_t seccomp_monitor_ncalls;
extern const int seccomp_never_calls[];
extern const size_t seccomp_never_ncalls;
extern const unsigned seccomp_host_ioctls[];
extern const size_t seccomp_host_nioctls;
extern const unsigned seccomp_program_ioctls[];
extern const size_t seccomp_program_nioctls;

#endif
