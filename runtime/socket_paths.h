/*
 * socket_paths.h - AF_UNIX addresses. A socket file is a path: bind makes
 * one (the policy must let the program create there), connect and sendto
 * write to one (it must let the program write it); both are walked like
 * any path and the call gets /proc/self/fd/N for what the walk holds. An
 * abstract name reaches whoever bound it: only names the box bound itself,
 * unless the policy allows the network (`net all`).
 */
#ifndef DUNEBOX_SOCKET_PATHS_H
#define DUNEBOX_SOCKET_PATHS_H

#include <sys/socket.h>

#include "policy/audit.h"

/* addr (a monitor copy, room for a sockaddr_storage) as nr (bind,
 * connect, sendto, sendmsg) would use it: 0, rewritten in place where it
 * names a file, or -errno. What the rewritten address points at stays
 * held until socket_paths_release(). */
long socket_path_check(long nr, struct sockaddr *addr, socklen_t *len);
void socket_paths_release(void);

/* bind, connect, sendto: 1 with *r set when done here, else 0. */
int socket_syscall(long nr, const long a[6], struct syscall_event *ev, long *r);

#endif
