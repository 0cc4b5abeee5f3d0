/* sendmsg, recvmsg and their mmsg forms: a struct msghdr leads to an
 * address, an iovec array and its buffers, and control data, all read for
 * sending and written for receiving. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include "sysargs_calls.h"

/* One msghdr at addr. label names it ("msg", "msgvec[2].msg_hdr") and sep
 * joins its fields ("->" through a pointer, "." inside an array entry). */
static int check_msghdr(struct sa_call *c, int arg, const char *label, const char *sep,
			uintptr_t addr, int access)
{
	struct msghdr m;
	char what[128];
	int namelen;
	int r;

	/* recvmsg writes msg_namelen, msg_controllen and msg_flags back */
	r = sa_copy(c, arg, label, addr, &m, sizeof(m), access);
	if (r)
		return r;
	namelen = (int)m.msg_namelen;
	if (m.msg_name && namelen < 0)
		return sa_fail(c, -EINVAL, "arg %d (%s%smsg_namelen %d) negative",
			       arg, label, sep, namelen);
	if (m.msg_name) {
		/* the kernel cuts longer names to a sockaddr_storage */
		size_t len = (size_t)namelen;

		if (len > sizeof(struct sockaddr_storage))
			len = sizeof(struct sockaddr_storage);
		snprintf(what, sizeof(what), "%s%smsg_name", label, sep);
		r = sa_range(c, arg, what, (uintptr_t)m.msg_name, len, access);
		if (r)
			return r;
	}
	if (m.msg_iovlen > SA_UIO_MAXIOV)
		return sa_fail(c, -EMSGSIZE, "arg %d (%s%smsg_iovlen %zu) more than %d",
			       arg, label, sep, (size_t)m.msg_iovlen, SA_UIO_MAXIOV);
	snprintf(what, sizeof(what), "%s%smsg_iov", label, sep);
	r = sa_iovec(c, arg, what, (uintptr_t)m.msg_iov, m.msg_iovlen, access);
	if (r)
		return r;
	snprintf(what, sizeof(what), "%s%smsg_control", label, sep);
	return sa_range(c, arg, what, (uintptr_t)m.msg_control, m.msg_controllen, access);
}

/* The kernel writes each entry's msg_len. sendmmsg handles at most
 * UIO_MAXIOV entries per call, recvmmsg all of them. */
static int check_mmsghdr(struct sa_call *c, const long a[6], int access)
{
	uintptr_t vec = (uintptr_t)a[1];
	size_t n = (unsigned int)a[2];
	char label[48];
	int r;

	if (access == SYSARGS_READ && n > SA_UIO_MAXIOV)
		n = SA_UIO_MAXIOV;
	r = sa_array(c, 1, "msgvec", vec, n, sizeof(struct mmsghdr), SYSARGS_WRITE);
	for (size_t i = 0; !r && i < n; i++) {
		snprintf(label, sizeof(label), "msgvec[%zu].msg_hdr", i);
		r = check_msghdr(c, 1, label, ".", vec + i * sizeof(struct mmsghdr), access);
	}
	return r;
}

/* sendmsg(fd, msg, flags) */
int sa_check_sendmsg(struct sa_call *c, const long a[6])
{
	return check_msghdr(c, 1, "msg", "->", (uintptr_t)a[1], SYSARGS_READ);
}

/* recvmsg(fd, msg, flags) */
int sa_check_recvmsg(struct sa_call *c, const long a[6])
{
	return check_msghdr(c, 1, "msg", "->", (uintptr_t)a[1], SYSARGS_WRITE);
}

/* sendmmsg(fd, msgvec, vlen, flags) */
int sa_check_sendmmsg(struct sa_call *c, const long a[6])
{
	return check_mmsghdr(c, a, SYSARGS_READ);
}

/* recvmmsg(fd, msgvec, vlen, flags, timeout): timeout is in the table */
int sa_check_recvmmsg(struct sa_call *c, const long a[6])
{
	return check_mmsghdr(c, a, SYSARGS_WRITE);
}
