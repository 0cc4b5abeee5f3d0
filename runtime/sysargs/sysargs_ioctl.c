/* ioctl: the requests ordinary programs make of terminals, files, block
 * devices and sockets. Any other request is refused with -ENOTTY, what the
 * kernel answers for a request a device does not know. */
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <errno.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "sysargs_calls.h"

#define NO_MEMORY (-1)	/* the argument is an integer, or unused */

struct ioctl_mem {
	unsigned int request;
	int access;		/* enum sysargs_access, or NO_MEMORY */
	unsigned int size;
	const char *what;
};

static const struct ioctl_mem requests[] = {
	/* terminals: struct termios here is the kernel's, not glibc's */
	{ TCGETS, SYSARGS_WRITE, sizeof(struct termios), "struct termios" },
	{ TCSETS, SYSARGS_READ, sizeof(struct termios), "struct termios" },
	{ TCSETSW, SYSARGS_READ, sizeof(struct termios), "struct termios" },
	{ TCSETSF, SYSARGS_READ, sizeof(struct termios), "struct termios" },
	{ TCGETS2, SYSARGS_WRITE, sizeof(struct termios2), "struct termios2" },
	{ TCSETS2, SYSARGS_READ, sizeof(struct termios2), "struct termios2" },
	{ TCSETSW2, SYSARGS_READ, sizeof(struct termios2), "struct termios2" },
	{ TCSETSF2, SYSARGS_READ, sizeof(struct termios2), "struct termios2" },
	{ TIOCGWINSZ, SYSARGS_WRITE, sizeof(struct winsize), "struct winsize" },
	{ TIOCSWINSZ, SYSARGS_READ, sizeof(struct winsize), "struct winsize" },
	{ TIOCGPGRP, SYSARGS_WRITE, sizeof(pid_t), "pid_t" },
	{ TIOCSPGRP, SYSARGS_READ, sizeof(pid_t), "pid_t" },
	{ TIOCGSID, SYSARGS_WRITE, sizeof(pid_t), "pid_t" },
	{ TIOCOUTQ, SYSARGS_WRITE, sizeof(int), "int" },
	{ TIOCSTI, SYSARGS_READ, sizeof(char), "char" },
	{ TIOCMGET, SYSARGS_WRITE, sizeof(int), "int" },
	{ TIOCMSET, SYSARGS_READ, sizeof(int), "int" },
	{ TIOCMBIS, SYSARGS_READ, sizeof(int), "int" },
	{ TIOCMBIC, SYSARGS_READ, sizeof(int), "int" },
	{ TIOCGETD, SYSARGS_WRITE, sizeof(int), "int" },
	{ TIOCSETD, SYSARGS_READ, sizeof(int), "int" },
	{ TIOCPKT, SYSARGS_READ, sizeof(int), "int" },
	{ TIOCGPKT, SYSARGS_WRITE, sizeof(int), "int" },
	{ TIOCGPTN, SYSARGS_WRITE, sizeof(unsigned int), "unsigned int" },
	{ TIOCSPTLCK, SYSARGS_READ, sizeof(int), "int" },
	{ TIOCGPTLCK, SYSARGS_WRITE, sizeof(int), "int" },
	{ TIOCGEXCL, SYSARGS_WRITE, sizeof(int), "int" },
	{ TIOCGDEV, SYSARGS_WRITE, sizeof(unsigned int), "unsigned int" },
	{ TIOCSCTTY, NO_MEMORY, 0, NULL },
	{ TIOCNOTTY, NO_MEMORY, 0, NULL },
	{ TIOCEXCL, NO_MEMORY, 0, NULL },
	{ TIOCNXCL, NO_MEMORY, 0, NULL },
	{ TIOCSBRK, NO_MEMORY, 0, NULL },
	{ TIOCCBRK, NO_MEMORY, 0, NULL },
	{ TIOCSIG, NO_MEMORY, 0, NULL },
	{ TIOCVHANGUP, NO_MEMORY, 0, NULL },
	{ TIOCGPTPEER, NO_MEMORY, 0, NULL },
	{ TCFLSH, NO_MEMORY, 0, NULL },
	{ TCXONC, NO_MEMORY, 0, NULL },
	{ TCSBRK, NO_MEMORY, 0, NULL },
	{ TCSBRKP, NO_MEMORY, 0, NULL },

	/* any file */
	{ FIONREAD, SYSARGS_WRITE, sizeof(int), "int" },
	{ FIONBIO, SYSARGS_READ, sizeof(int), "int" },
	{ FIOASYNC, SYSARGS_READ, sizeof(int), "int" },
	{ FIOQSIZE, SYSARGS_WRITE, sizeof(int64_t), "loff_t" },
	{ FIOCLEX, NO_MEMORY, 0, NULL },
	{ FIONCLEX, NO_MEMORY, 0, NULL },
	{ FIGETBSZ, SYSARGS_WRITE, sizeof(int), "int" },
	/* declared with long, but the kernel moves an int */
	{ FS_IOC_GETFLAGS, SYSARGS_WRITE, sizeof(int), "int" },
	{ FS_IOC_SETFLAGS, SYSARGS_READ, sizeof(int), "int" },
	{ FICLONE, NO_MEMORY, 0, NULL },
	/* the block a file block lies in: the int goes in and out */
	{ FIBMAP, SYSARGS_WRITE, sizeof(int), "int" },
	/* the header: the extents after it are the monitor's to copy
	 * (their count can change under the check) */
	{ FS_IOC_FIEMAP, SYSARGS_WRITE, sizeof(struct fiemap), "struct fiemap" },
	{ FICLONERANGE, SYSARGS_READ, sizeof(struct file_clone_range), "struct file_clone_range" },

	/* block devices */
	{ BLKGETSIZE64, SYSARGS_WRITE, sizeof(uint64_t), "u64" },
	{ BLKGETSIZE, SYSARGS_WRITE, sizeof(unsigned long), "unsigned long" },
	{ BLKSSZGET, SYSARGS_WRITE, sizeof(int), "int" },
	{ BLKBSZGET, SYSARGS_WRITE, sizeof(size_t), "size_t" },
	{ BLKROGET, SYSARGS_WRITE, sizeof(int), "int" },

	/* sockets: interface queries carry the struct ifreq both ways */
	{ SIOCATMARK, SYSARGS_WRITE, sizeof(int), "int" },
	{ SIOCGSTAMP_OLD, SYSARGS_WRITE, 2 * sizeof(long), "struct timeval" },
	{ SIOCGIFNAME, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFINDEX, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFFLAGS, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFMTU, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFADDR, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFNETMASK, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFBRDADDR, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFDSTADDR, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFHWADDR, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFMETRIC, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
	{ SIOCGIFTXQLEN, SYSARGS_WRITE, sizeof(struct ifreq), "struct ifreq" },
};

/* SIOCGIFCONF: struct ifconf points to the buffer the list is written to;
 * a NULL buffer asks for the length only. */
static int check_ifconf(struct sa_call *c, uintptr_t arg)
{
	struct ifconf ifc;
	int r = sa_copy(c, 2, "struct ifconf", arg, &ifc, sizeof(ifc), SYSARGS_WRITE);

	if (r || !ifc.ifc_buf)
		return r;
	if (ifc.ifc_len < 0)
		return sa_fail(c, -EINVAL, "arg 2 (ifc_len %d) negative", ifc.ifc_len);
	return sa_range(c, 2, "ifc->ifc_buf", (uintptr_t)ifc.ifc_buf, (size_t)ifc.ifc_len,
			SYSARGS_WRITE);
}

/* ioctl(fd, request, arg): the kernel truncates request to 32 bits */
int sa_check_ioctl(struct sa_call *c, const long a[6])
{
	unsigned int request = (unsigned int)a[1];

	if (request == SIOCGIFCONF)
		return check_ifconf(c, (uintptr_t)a[2]);
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		const struct ioctl_mem *m = &requests[i];

		if (m->request != request)
			continue;
		if (m->access == NO_MEMORY)
			return 0;
		return sa_range(c, 2, m->what, (uintptr_t)a[2], m->size, m->access);
	}
	return sa_fail(c, -ENOTTY, "request %#x unknown", request);
}
