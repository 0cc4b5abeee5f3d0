/* ns.c - the namespaces. The user namespace comes first and maps only the
 * caller's own uid and gid (as `unshare -U` or `runsc --rootless` do), so
 * the same code runs as root and as anyone else; the other namespaces are
 * then owned by it. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jail_internal.h"

int ns_user(struct jail_state *s)
{
	char map[64];
	int r;

	s->uid = getuid();
	s->gid = getgid();
	if (unshare(CLONE_NEWUSER) < 0) {
		r = -errno;
		if (r == -EPERM || r == -EACCES)
			return jail_fail(s, r, "the kernel refuses a user namespace (EPERM: "
					 "kernel.unprivileged_userns_clone=0, an AppArmor or "
					 "SELinux rule, or a container without them)");
		if (r == -ENOSPC || r == -EUSERS)
			return jail_fail(s, r, "user namespaces are used up "
					 "(user.max_user_namespaces)");
		return jail_fail(s, r, "unshare(CLONE_NEWUSER)");
	}
	/* without setgroups denied an unprivileged gid_map is refused; the
	 * box has no business changing groups either way */
	if ((r = jail_write_text(AT_FDCWD, "/proc/self/setgroups", "deny")) < 0 && r != -ENOENT)
		return jail_fail(s, r, "writing /proc/self/setgroups");
	snprintf(map, sizeof(map), "%u %u 1\n", s->uid, s->uid);
	if ((r = jail_write_text(AT_FDCWD, "/proc/self/uid_map", map)) < 0)
		return jail_fail(s, r, "writing /proc/self/uid_map");
	snprintf(map, sizeof(map), "%u %u 1\n", s->gid, s->gid);
	if ((r = jail_write_text(AT_FDCWD, "/proc/self/gid_map", map)) < 0)
		return jail_fail(s, r, "writing /proc/self/gid_map");
	return 0;
}

/* The cgroup namespace is the jailed process's (limits.c moves it first). */
int ns_unshare_rest(struct jail_state *s)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
	if (s->c->net != JAIL_NET_ALL)
		flags |= CLONE_NEWNET;
	if (unshare(flags) < 0)
		return jail_fail(s, -errno, "unshare of the mount, pid, ipc, uts%s namespaces",
				 (flags & CLONE_NEWNET) ? ", net" : "");
	return 0;
}

/* A new network namespace has only a loopback device, and it is down:
 * programs that talk to themselves over 127.0.0.1 need it up. */
int ns_loopback_up(struct jail_state *s)
{
	struct ifreq ifr;
	int fd, r = 0;

	if (s->c->net == JAIL_NET_ALL)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return jail_fail(s, -errno, "a socket to bring the loopback device up");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (!r && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	return r < 0 ? jail_fail(s, r, "bringing the loopback device up") : 0;
}
