/*
 * box_registry.h - what the processes of one box share and the monitor
 * alone sees: the System V IPC objects the box made (only those are the
 * program's; the supervisor removes them when the box ends) and the
 * abstract socket names it bound (only those may be reached, unless the
 * policy allows the network). Memory shared by the supervisor and every
 * process of the box, outside the program's region.
 */
#ifndef DUNEBOX_BOX_REGISTRY_H
#define DUNEBOX_BOX_REGISTRY_H

#include <stddef.h>
#include <sys/types.h>

enum ipc_kind { IPC_KIND_SHM, IPC_KIND_SEM, IPC_KIND_MSG };

int registry_init(void); /* the supervisor, before the box starts: 0 or -errno */

/* System V objects: the box's own by id (and by key, for *get). */
int registry_ipc_add(enum ipc_kind kind, int id, key_t key);
int registry_ipc_has(enum ipc_kind kind, int id);
int registry_ipc_by_key(enum ipc_kind kind, key_t key); /* id, or -1 */
void registry_ipc_forget(enum ipc_kind kind, int id);
void registry_ipc_remove_all(void); /* the supervisor, at the end */

/* What each process of the box runs (for /proc/<pid>/cmdline and exe of
 * another process of the box, whose monitor cannot answer for it): the
 * program's canonical path and its argv, NUL-separated, cut to fit. */
#define REGISTRY_PROG_MAX 256
#define REGISTRY_CMDLINE_MAX 2048
void registry_proc_set(int pid, const char *prog, const char *cmdline, size_t len);
int registry_proc_get(int pid, char *prog, char *cmdline, size_t *len); /* 0, -ENOENT */
void registry_proc_inherit(int parent, int child); /* a fork runs what its parent ran */

/* Abstract AF_UNIX names (without the leading NUL). */
int registry_abstract_add(const char *name, size_t len);
int registry_abstract_has(const char *name, size_t len);

#endif
