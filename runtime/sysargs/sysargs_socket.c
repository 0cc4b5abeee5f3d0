/* Socket addresses the kernel writes back through a socklen_t, and socket
 * options. Options are plain buffers of optlen bytes, except a few that
 * hold pointers; levels whose options are not known are refused with
 * -ENOPROTOOPT, what the kernel answers for an option it does not know. */
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "sysargs_calls.h"

/* Levels whose options are inline buffers, but for the ones refused below. */
static const int known_levels[] = {
	SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP,
	IPPROTO_UDPLITE, IPPROTO_ICMPV6, SOL_RAW, SOL_NETLINK,
};

/* Options that hold pointers the kernel follows, or writes through. */
static const char *pointer_option(int level, int name)
{
	/* netfilter tables (iptables, arptables, ebtables): nested counters
	 * and entries pointers, on the IP levels */
	if (level == IPPROTO_IP && name >= 64 && name <= 131)
		return "a netfilter table";
	if (level == IPPROTO_IPV6 && (name == 64 || name == 65))
		return "a netfilter table";
#ifdef TCP_ZEROCOPY_RECEIVE
	if (level == IPPROTO_TCP && name == TCP_ZEROCOPY_RECEIVE)
		return "TCP_ZEROCOPY_RECEIVE";
#endif
	return NULL;
}

static int check_option(struct sa_call *c, int level, int name)
{
	const char *why = pointer_option(level, name);
	size_t i;

	for (i = 0; i < sizeof(known_levels) / sizeof(known_levels[0]); i++)
		if (known_levels[i] == level)
			break;
	if (i == sizeof(known_levels) / sizeof(known_levels[0]))
		return sa_fail(c, -ENOPROTOOPT, "level %d unknown", level);
	if (why)
		return sa_fail(c, -ENOPROTOOPT, "level %d option %d is %s, with nested pointers",
			       level, name, why);
	return 0;
}

/* The kernel reads *len, writes at most that many bytes at addr, then
 * writes the full length back. */
static int sockaddr_out(struct sa_call *c, const long a[6], int addr_arg, int len_arg)
{
	int len;
	int r = sa_copy(c, len_arg, "addrlen", (uintptr_t)a[len_arg], &len, sizeof(len),
			SYSARGS_WRITE);

	if (r)
		return r;
	if (len < 0)
		return sa_fail(c, -EINVAL, "arg %d (*addrlen %d) negative", len_arg, len);
	return sa_range(c, addr_arg, "addr", (uintptr_t)a[addr_arg], (size_t)len, SYSARGS_WRITE);
}

/* accept(fd, addr, addrlen), accept4(..., flags): NULL addr, no address */
int sa_check_accept(struct sa_call *c, const long a[6])
{
	if (!a[1])
		return 0;
	return sockaddr_out(c, a, 1, 2);
}

/* getsockname(fd, addr, addrlen), getpeername: same arguments */
int sa_check_sockname(struct sa_call *c, const long a[6])
{
	return sockaddr_out(c, a, 1, 2);
}

/* recvfrom(fd, buf, len, flags, src_addr, addrlen): buf is in the table */
int sa_check_recvfrom(struct sa_call *c, const long a[6])
{
	if (!a[4])
		return 0;
	return sockaddr_out(c, a, 4, 5);
}

/* setsockopt(fd, level, optname, optval, optlen) */
int sa_check_setsockopt(struct sa_call *c, const long a[6])
{
	int level = (int)a[1], name = (int)a[2], len = (int)a[4];
	int r = check_option(c, level, name);

	if (r)
		return r;
	if (len < 0)
		return sa_fail(c, -EINVAL, "arg 4 (optlen %d) negative", len);
	r = sa_range(c, 3, "optval", (uintptr_t)a[3], (size_t)len, SYSARGS_READ);
	if (r)
		return r;
	/* socket filters: optval is a struct sock_fprog */
	if (level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF) &&
	    (size_t)len >= sizeof(struct sock_fprog))
		return sa_sock_fprog(c, 3, "optval", (uintptr_t)a[3]);
	return 0;
}

/* getsockopt(fd, level, optname, optval, optlen): *optlen is read and
 * written back */
int sa_check_getsockopt(struct sa_call *c, const long a[6])
{
	int level = (int)a[1], name = (int)a[2], len;
	size_t bytes;
	int r = check_option(c, level, name);

	if (!r)
		r = sa_copy(c, 4, "optlen", (uintptr_t)a[4], &len, sizeof(len), SYSARGS_WRITE);
	if (r)
		return r;
	if (len < 0)
		return sa_fail(c, -EINVAL, "arg 4 (*optlen %d) negative", len);
	bytes = (size_t)len;
	/* SO_GET_FILTER counts in BPF instructions, 8 bytes each */
	if (level == SOL_SOCKET && name == SO_GET_FILTER)
		bytes *= 8;
	return sa_range(c, 3, "optval", (uintptr_t)a[3], bytes, SYSARGS_WRITE);
}
