/*
 * sysargs.h - the memory each x86-64 Linux system call reads or writes
 * through its arguments, and the check the monitor runs before it forwards
 * a call of the sandboxed program to the host kernel.
 *
 * The program lives in one region of the monitor's own address space. A
 * forwarded call is executed by the kernel as is, so a pointer argument
 * aimed at the monitor's memory would let the program read or overwrite the
 * monitor through the kernel. sysargs_check() asks ok() about every range
 * the kernel will touch for the call, following nested pointers (iovecs,
 * msghdr, argv, clone_args, ...). Arguments are numbered from 0: "arg 1"
 * of read(fd, buf, count) is buf.
 *
 * How nested pointers are read: the program shares this address space, so
 * the checker reads program memory directly, and only after ok() approved
 * the bytes it reads (strings and argv are approved one page at a time).
 * Each nested value is copied into a local once and the copy is checked.
 *
 * What the check cannot promise (the monitor's job):
 *  - TOCTOU: another program thread may change a nested pointer, a length
 *    or a string between this check and the kernel's own read. For calls
 *    with nested pointers or strings the monitor must hand the kernel
 *    copies it made (or run the call with the other threads stopped).
 *  - A concurrent munmap by another program thread can unmap memory
 *    between ok() and the checker's read of it: the monitor must order
 *    address-space changes against checks (or survive the fault).
 *  - Memory the kernel keeps using after the call returns. Checked at the
 *    call, but the kernel uses it later, so the region it lies in must stay
 *    program memory (and confined) for as long as the kernel may use it:
 *      set_tid_address, clone CLONE_CHILD_CLEARTID: a u32 written at exit
 *      set_robust_list: the head is read at thread exit and the kernel
 *        writes the futex words of the entries it points to; those entries
 *        are not checked (they can change any time): emulate it instead
 *      rseq: the area is written on every return to user space, and the
 *        rseq_cs pointer inside it is followed later
 *      sigaltstack: signal frames are written to the stack later
 *      io_setup/io_submit: buffers are read or written after the call
 *      sendmsg MSG_ZEROCOPY, vmsplice: pages are sent after the call
 *    io_uring, userfaultfd and bpf are left unknown for that reason.
 *  - ioctl requests are matched by number, without knowing the device: a
 *    driver that gives a listed number another layout would be checked
 *    wrongly, so forward ioctls only on descriptor kinds the monitor knows
 *    (terminals, regular files, sockets, block devices).
 *  - Calls that change the host thread or process rather than memory
 *    (arch_prctl ARCH_SET_FS, rt_sigaction handlers, clone, seccomp, ...)
 *    pass this check; whether to forward or emulate them is the policy's.
 */
#ifndef DUNEBOX_SYSARGS_H
#define DUNEBOX_SYSARGS_H

#include <stddef.h>
#include <stdint.h>

/* How the kernel uses a range: the `write` argument of sysargs_range_fn. */
enum sysargs_access {
	SYSARGS_READ = 0,
	SYSARGS_WRITE = 1,	/* written, and often read too */
	SYSARGS_MAPPING = 2,	/* the call acts on the mappings of the range
				   (mmap MAP_FIXED, munmap, mprotect, madvise,
				   mlock, mincore, ...): the range must lie in
				   program memory whatever its protection. An
				   ok() that takes it as WRITE is only stricter */
};

/* ok(ctx, addr, len, write): is [addr, addr+len) program memory the program
 * may read (write=0) or write (write=1), or (write=2) program memory at all?
 * len may be 0 (then say yes). */
typedef int (*sysargs_range_fn)(void *ctx, uintptr_t addr, size_t len, int write);

/*
 * Checks every range the kernel will touch for system call nr with args.
 *   0        every pointer argument checked out
 *   -EFAULT  one did not; why names it, e.g.
 *            "read: arg 1 (buf, 4096 bytes) not program memory"
 *   -ENOSYS  nr is not in the table, or deliberately left out (why says
 *            why): its memory use is unknown, the monitor refuses it
 *   other    the call is known but this sub-request is not (an ioctl
 *            request, fcntl command, prctl option, socket option, IPC
 *            command, futex op, ...), or a count the kernel rejects before
 *            touching memory: refuse the call. The value is what the kernel
 *            answers for a request it does not support, so the monitor may
 *            return it to the program: ioctl -ENOTTY, socket options
 *            -ENOPROTOOPT, futex -ENOSYS, execve -E2BIG, most others -EINVAL.
 * why (may be NULL) gets one line, truncated to whylen.
 */
int sysargs_check(long nr, const long args[6], sysargs_range_fn ok, void *ctx,
		  char *why, size_t whylen);

/*
 * A pointer the kernel refuses whatever the call (not a user address): a
 * caller may put it in place of a buffer or array argument that
 * sysargs_check refused, check again, and forward the call; the kernel
 * then answers with its own errno, in its own order (EINVAL for a count,
 * EBADF for a descriptor, EMSGSIZE, ...), or EFAULT when it gets as far as
 * the memory, as for an unmapped buffer. sysargs_check passes an argument
 * that is exactly SYSARGS_POISON without looking at it.
 */
#define SYSARGS_POISON (1UL << 63)

/*
 * As sysargs_check; *bad_arg is the argument whose memory or count was
 * refused when it is a buffer or an array the call could carry as
 * SYSARGS_POISON, else -1 (strings, nested checks, unknown requests).
 */
int sysargs_check_arg(long nr, const long args[6], sysargs_range_fn ok, void *ctx,
		      char *why, size_t whylen, int *bad_arg);

/* 1 if nr is in the table (sysargs_check will not say -ENOSYS for it). */
int sysargs_known(long nr);

#endif
