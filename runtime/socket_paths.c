/*
 * socket_paths.c - AF_UNIX addresses judged and pinned (socket_paths.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "box.h"
#include "box_registry.h"
#include "pathwalk.h"
#include "socket_paths.h"
#include "uaccess.h"

#define MAX_HELD 2

static __thread struct walk held[MAX_HELD];
static __thread int nr_held;

void socket_paths_release(void)
{
	for (int i = 0; i < nr_held; i++)
		walk_done(&held[i]);
	nr_held = 0;
}

static long check_file(long nr, struct sockaddr_un *un, socklen_t *len)
{
	size_t max = *len - offsetof(struct sockaddr_un, sun_path);
	char path[sizeof(un->sun_path) + 1];
	struct walk *w;
	struct decision d;
	long r;

	memcpy(path, un->sun_path, max);
	path[max] = 0; /* the kernel too stops at the first NUL or the length */
	if (nr_held == MAX_HELD)
		return -EINVAL;
	w = &held[nr_held];
	if ((r = walk(AT_FDCWD, path, nr == SYS_bind ? WALK_NEED_DIR : WALK_FOLLOW, w)) < 0)
		return r;
	nr_held++;
	if (nr == SYS_bind) {
		if (w->kind != WALK_MISSING)
			return -EADDRINUSE;
		d = policy_check_path(&box.policy, w->view, ACC_CREATE);
	} else {
		if (w->kind == WALK_MISSING)
			return -ENOENT;
		if (!S_ISSOCK(w->st.st_mode))
			return -ECONNREFUSED;
		d = policy_check_path(&box.policy, w->view, ACC_WRITE);
	}
	if (d.kind == DECISION_DENY)
		return -d.err;
	/* the file the walk holds (for bind: the directory and the name) */
	r = nr == SYS_bind ? walk_fd_path(w->dirfd, w->name, un->sun_path, sizeof(un->sun_path))
			   : walk_fd_path(w->objfd, NULL, un->sun_path, sizeof(un->sun_path));
	if (r < 0)
		return r;
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un->sun_path) + 1);
	return 0;
}

long socket_path_check(long nr, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_un *un = (struct sockaddr_un *)addr;
	size_t n;

	if (*len < sizeof(sa_family_t) || addr->sa_family != AF_UNIX)
		return 0;
	if (*len > sizeof(struct sockaddr_un))
		*len = sizeof(struct sockaddr_un); /* as the kernel cuts it */
	n = *len - offsetof(struct sockaddr_un, sun_path);
	if (n == 0)
		return 0; /* autobind: the kernel picks a fresh abstract name */
	if (un->sun_path[0] != 0)
		return check_file(nr, un, len);
	/* abstract: the box's own names, or the network */
	if (nr == SYS_bind || box.policy.net == NET_ALL)
		return 0;
	return registry_abstract_has(un->sun_path + 1, n - 1) ? 0 : -ECONNREFUSED;
}

/* After a bind: the abstract name it took is the box's. */
static void note_abstract(int fd)
{
	struct sockaddr_un un;
	socklen_t len = sizeof(un);
	if (getsockname(fd, (struct sockaddr *)&un, &len) == 0 && un.sun_family == AF_UNIX &&
	    len > offsetof(struct sockaddr_un, sun_path) + 1 && un.sun_path[0] == 0)
		registry_abstract_add(un.sun_path + 1, len - offsetof(struct sockaddr_un, sun_path) - 1);
}

int socket_syscall(long nr, const long a[6], struct syscall_event *ev, long *r)
{
	struct sockaddr_storage addr;
	int arg = nr == SYS_sendto ? 4 : 1;
	socklen_t len = (socklen_t)a[arg + 1];
	(void)ev;

	if (nr != SYS_bind && nr != SYS_connect && nr != SYS_sendto)
		return 0;
	if (!a[arg] || (int)len <= 0)
		return 0; /* no address: the kernel answers */
	if (len > sizeof(addr)) {
		*r = -EINVAL;
		return 1;
	}
	if (uaccess_from(&addr, (uintptr_t)a[arg], len) < 0) {
		*r = -EFAULT;
		return 1;
	}
	if (addr.ss_family != AF_UNIX)
		return 0;
	*r = socket_path_check(nr, (struct sockaddr *)&addr, &len);
	if (*r == 0) {
		if (nr == SYS_sendto)
			*r = syscall(nr, a[0], a[1], a[2], a[3], &addr, len);
		else
			*r = syscall(nr, a[0], &addr, len);
		if (*r < 0)
			*r = -errno;
		if (nr == SYS_bind && *r == 0)
			note_abstract((int)a[0]);
	}
	socket_paths_release();
	return 1;
}
