/*
 * copyargs.c - structures a forwarded call hands the kernel that hold more
 * pointers (iovec arrays, msghdrs): copied into the monitor and checked
 * there, and the call gets the copy. Checked in place only, another program
 * thread could swap a pointer for one into the monitor between the check
 * and the kernel's read. What a message sends is copied too: its address
 * (a socket path, judged like connect's: socket_paths.c) and its control
 * data (descriptors passed with SCM_RIGHTS: pinned, never the monitor's).
 */
#include <errno.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "copyargs.h"
#include "fds.h"
#include "mem.h"
#include "socket_paths.h"
#include "uaccess.h"

#define MAX_IOV 1024
#define MAX_CONTROL 65536 /* above the kernel's optmem_max: nothing real is cut */
#define MAX_PINS 256      /* SCM_MAX_FD is 253 */
#define MAX_FIEMAP_EXTENTS 65536 /* more are asked for in later calls */

struct copies {
	struct iovec iov[MAX_IOV];
	struct msghdr msg;
	struct sockaddr_storage name;
	unsigned char control[MAX_CONTROL] __attribute__((aligned(8)));
	int pins[MAX_PINS], nr_pins;
	struct fiemap *fiemap; /* with its extents */
};
static __thread struct copies *copy;

/* FS_IOC_FIEMAP: the header and the extents the kernel fills in. */
static long copy_fiemap(long *arg)
{
	struct fiemap head;
	size_t n, size;
	if (uaccess_from(&head, (uintptr_t)*arg, sizeof(head)) < 0)
		return -EFAULT;
	n = head.fm_extent_count < MAX_FIEMAP_EXTENTS ? head.fm_extent_count : MAX_FIEMAP_EXTENTS;
	size = sizeof(head) + n * sizeof(struct fiemap_extent);
	if (!mem_range_ok(NULL, (uintptr_t)*arg, size, 1))
		return -EFAULT;
	free(copy->fiemap);
	if (!(copy->fiemap = malloc(size)))
		return -ENOMEM;
	memcpy(copy->fiemap, &head, sizeof(head));
	copy->fiemap->fm_extent_count = (uint32_t)n;
	*arg = (long)copy->fiemap;
	return 0;
}

/* iov[0..n) from program memory into the monitor, each buffer checked. */
static long copy_iov(uintptr_t user, unsigned long n, int write, struct iovec *out)
{
	if (n > MAX_IOV)
		return -EINVAL;
	if (uaccess_from(out, user, n * sizeof(*out)) < 0)
		return -EFAULT;
	for (unsigned long i = 0; i < n; i++)
		if (!mem_range_ok(NULL, (uintptr_t)out[i].iov_base, out[i].iov_len, write))
			return -EFAULT;
	return 0;
}

/* sendmsg: the address and control data travel as monitor copies */
static long copy_sent(struct msghdr *m)
{
	long r;
	if (m->msg_name && m->msg_namelen) {
		if (m->msg_namelen > sizeof(copy->name))
			return -EINVAL;
		if (uaccess_from(&copy->name, (uintptr_t)m->msg_name, m->msg_namelen) < 0)
			return -EFAULT;
		m->msg_name = &copy->name;
		if ((r = socket_path_check(SYS_sendmsg, (struct sockaddr *)&copy->name,
					   &m->msg_namelen)) < 0)
			return r;
	}
	if (m->msg_control && m->msg_controllen) {
		if (m->msg_controllen > sizeof(copy->control))
			return -ENOBUFS;
		if (uaccess_from(copy->control, (uintptr_t)m->msg_control, m->msg_controllen) < 0)
			return -EFAULT;
		m->msg_control = copy->control;
		return fds_pin_rights(m, copy->pins, MAX_PINS, &copy->nr_pins);
	}
	return 0;
}

static long copy_msghdr(long *arg, int write)
{
	struct msghdr *m = &copy->msg;
	long r;
	if (uaccess_from(m, (uintptr_t)*arg, sizeof(*m)) < 0)
		return -EFAULT;
	if (!mem_range_ok(NULL, (uintptr_t)m->msg_name, m->msg_namelen, write) ||
	    !mem_range_ok(NULL, (uintptr_t)m->msg_control, m->msg_controllen, write))
		return -EFAULT;
	if ((r = copy_iov((uintptr_t)m->msg_iov, m->msg_iovlen, write, copy->iov)) < 0)
		return r;
	m->msg_iov = copy->iov;
	if (!write && (r = copy_sent(m)) < 0)
		return r;
	*arg = (long)m;
	return 0;
}

/* After the call: what the kernel wrote into the msghdr copy goes back;
 * the pins of passed descriptors go. */
void copyargs_after(long nr, const long orig[6], long result)
{
	if (!copy)
		return;
	if (nr == SYS_ioctl && (unsigned int)orig[1] == FS_IOC_FIEMAP && copy->fiemap) {
		struct fiemap *user = (struct fiemap *)orig[2];
		uint32_t mapped = copy->fiemap->fm_mapped_extents;
		if (mapped > copy->fiemap->fm_extent_count)
			mapped = copy->fiemap->fm_extent_count;
		if (result >= 0) {
			uaccess_to((uintptr_t)&user->fm_flags, &copy->fiemap->fm_flags,
				   sizeof(user->fm_flags));
			uaccess_to((uintptr_t)&user->fm_mapped_extents,
				   &copy->fiemap->fm_mapped_extents, sizeof(user->fm_mapped_extents));
			uaccess_to((uintptr_t)user->fm_extents, copy->fiemap->fm_extents,
				   mapped * sizeof(struct fiemap_extent));
		} else if (result == -EBADR) { /* the flags it does not know */
			uaccess_to((uintptr_t)&user->fm_flags, &copy->fiemap->fm_flags,
				   sizeof(user->fm_flags));
		}
		free(copy->fiemap);
		copy->fiemap = NULL;
	}
	if (nr == SYS_recvmsg && result >= 0) {
		struct msghdr *m = (struct msghdr *)orig[1];
		uaccess_to((uintptr_t)&m->msg_namelen, &copy->msg.msg_namelen, sizeof(m->msg_namelen));
		uaccess_to((uintptr_t)&m->msg_controllen, &copy->msg.msg_controllen,
			   sizeof(m->msg_controllen));
		uaccess_to((uintptr_t)&m->msg_flags, &copy->msg.msg_flags, sizeof(m->msg_flags));
	}
	fds_unpin(copy->pins, copy->nr_pins);
	copy->nr_pins = 0;
}

/* 0 with a[] pointing at the copies, or -errno; calls without nested
 * pointers pass untouched. */
long copyargs(long nr, long a[6])
{
	long r;
	switch (nr) {
	case SYS_readv:
	case SYS_preadv:
	case SYS_preadv2:
	case SYS_writev:
	case SYS_pwritev:
	case SYS_pwritev2:
		break;
	case SYS_ioctl:
		if ((unsigned int)a[1] != FS_IOC_FIEMAP)
			return 0;
		break;
	case SYS_sendmsg:
	case SYS_recvmsg:
		break;
	case SYS_sendmmsg:
	case SYS_recvmmsg:
	case SYS_io_submit:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
		return -ENOSYS; /* nested pointers not copied here yet */
	default:
		return 0;
	}
	if (!copy && !(copy = calloc(1, sizeof(*copy))))
		return -ENOMEM;
	copy->nr_pins = 0;
	switch (nr) {
	case SYS_sendmsg:
		return copy_msghdr(&a[1], 0);
	case SYS_recvmsg:
		return copy_msghdr(&a[1], 1);
	case SYS_ioctl:
		return copy_fiemap(&a[2]);
	}
	int write = nr == SYS_readv || nr == SYS_preadv || nr == SYS_preadv2;
	if ((r = copy_iov((uintptr_t)a[1], (unsigned long)a[2], write, copy->iov)) < 0)
		return r;
	a[1] = (long)copy->iov;
	return 0;
}
