/*
 * copyargs.c - structures a forwarded call hands the kernel that hold more
 * pointers (iovec arrays, msghdrs): copied into the monitor and checked
 * there, and the call gets the copy. Checked in place only, another program
 * thread could swap a pointer for one into the monitor between the check
 * and the kernel's read.
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
#include "mem.h"

#define MAX_IOV 1024
#define MAX_FIEMAP_EXTENTS 65536 /* more are asked for in later calls */

struct copies {
	struct iovec iov[MAX_IOV];
	struct msghdr msg;
	struct fiemap *fiemap; /* with its extents */
};
static __thread struct copies copy;

/* FS_IOC_FIEMAP: the header and the extents the kernel fills in. */
static long copy_fiemap(long *arg)
{
	struct fiemap head;
	size_t n, size;
	if (!mem_range_ok(NULL, (uintptr_t)*arg, sizeof(head), 1))
		return -EFAULT;
	memcpy(&head, (const void *)*arg, sizeof(head));
	n = head.fm_extent_count < MAX_FIEMAP_EXTENTS ? head.fm_extent_count : MAX_FIEMAP_EXTENTS;
	size = sizeof(head) + n * sizeof(struct fiemap_extent);
	if (!mem_range_ok(NULL, (uintptr_t)*arg, size, 1))
		return -EFAULT;
	free(copy.fiemap);
	if (!(copy.fiemap = malloc(size)))
		return -ENOMEM;
	memcpy(copy.fiemap, &head, sizeof(head));
	copy.fiemap->fm_extent_count = (uint32_t)n;
	*arg = (long)copy.fiemap;
	return 0;
}

/* iov[0..n) from program memory into the monitor, each buffer checked. */
static long copy_iov(uintptr_t user, unsigned long n, int write, struct iovec *out)
{
	if (n > MAX_IOV)
		return -EINVAL;
	if (!mem_range_ok(NULL, user, n * sizeof(*out), 0))
		return -EFAULT;
	memcpy(out, (const void *)user, n * sizeof(*out));
	for (unsigned long i = 0; i < n; i++)
		if (!mem_range_ok(NULL, (uintptr_t)out[i].iov_base, out[i].iov_len, write))
			return -EFAULT;
	return 0;
}

static long copy_msghdr(long *arg, int write)
{
	struct msghdr *m = &copy.msg;
	long r;
	if (!mem_range_ok(NULL, (uintptr_t)*arg, sizeof(*m), write))
		return -EFAULT;
	memcpy(m, (const void *)*arg, sizeof(*m));
	if (!mem_range_ok(NULL, (uintptr_t)m->msg_name, m->msg_namelen, write) ||
	    !mem_range_ok(NULL, (uintptr_t)m->msg_control, m->msg_controllen, write))
		return -EFAULT;
	if ((r = copy_iov((uintptr_t)m->msg_iov, m->msg_iovlen, write, copy.iov)) < 0)
		return r;
	m->msg_iov = copy.iov;
	*arg = (long)m;
	return 0;
}

/* After the call: what the kernel wrote into the msghdr copy goes back. */
void copyargs_after(long nr, const long orig[6], long result)
{
	if (nr == SYS_ioctl && (unsigned int)orig[1] == FS_IOC_FIEMAP && copy.fiemap) {
		struct fiemap *user = (struct fiemap *)orig[2];
		uint32_t mapped = copy.fiemap->fm_mapped_extents;
		if (mapped > copy.fiemap->fm_extent_count)
			mapped = copy.fiemap->fm_extent_count;
		if (result >= 0) {
			user->fm_flags = copy.fiemap->fm_flags;
			user->fm_mapped_extents = copy.fiemap->fm_mapped_extents;
			memcpy(user->fm_extents, copy.fiemap->fm_extents,
			       mapped * sizeof(struct fiemap_extent));
		} else if (result == -EBADR) {
			user->fm_flags = copy.fiemap->fm_flags; /* the flags it does not know */
		}
		free(copy.fiemap);
		copy.fiemap = NULL;
	}
	if (nr == SYS_recvmsg && result >= 0) {
		struct msghdr *m = (struct msghdr *)orig[1];
		m->msg_namelen = copy.msg.msg_namelen;
		m->msg_controllen = copy.msg.msg_controllen;
		m->msg_flags = copy.msg.msg_flags;
	}
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
	case SYS_pwritev2: {
		int write = nr == SYS_readv || nr == SYS_preadv || nr == SYS_preadv2;
		if ((r = copy_iov((uintptr_t)a[1], (unsigned long)a[2], write, copy.iov)) < 0)
			return r;
		a[1] = (long)copy.iov;
		return 0;
	}
	case SYS_ioctl:
		return (unsigned int)a[1] == FS_IOC_FIEMAP ? copy_fiemap(&a[2]) : 0;
	case SYS_sendmsg:
		return copy_msghdr(&a[1], 0);
	case SYS_recvmsg:
		return copy_msghdr(&a[1], 1);
	case SYS_sendmmsg:
	case SYS_recvmmsg:
	case SYS_io_submit:
	case SYS_process_vm_readv:
	case SYS_process_vm_writev:
		return -ENOSYS; /* nested pointers not copied here yet */
	}
	return 0;
}
