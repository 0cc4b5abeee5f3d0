/*
 * procfs_view.h - /proc of the box's own processes as the program must
 * see it. Their address space is the monitor's, so the files that show
 * it are filtered to the program's region (maps, smaps, numa_maps), its
 * addresses dropped (stat), or refused (mem, pagemap, map_files, syscall,
 * stack); cmdline and auxv are the program's, kept at exec.
 */
#ifndef DUNEBOX_PROCFS_VIEW_H
#define DUNEBOX_PROCFS_VIEW_H

#include <stddef.h>
#include <stdint.h>

struct walk;

/* Opening what the walk reached: 1 with *r set (a descriptor holding the
 * filtered copy, or -errno), 0 to open it as it is. */
int procfs_view_open(const struct walk *w, long flags, long *r);

/* Is view a file of a box process the program may not even look at? */
int procfs_view_hidden(const char *view);

/* exec: the program's argv (NUL-separated) and auxv, for cmdline and auxv */
void procfs_view_exec(char *const argv[], uintptr_t stack_top);

#endif
