/*
 * The table: for each x86-64 system call, the memory its arguments make the
 * kernel read or write. Numbers come from <asm/unistd_64.h>; sizes are the
 * kernel's structures (glibc's where they are the same on x86-64, checked
 * below). Written from the man pages and the uapi headers.
 *
 * NOMEM: no argument is memory. CALL: the descriptors say it all. CUSTOM:
 * a function in sysargs_calls.h adds what depends on flags or nested
 * structures. LEFT_OUT: deliberately not checked; sysargs_check says why.
 * Numbers absent from the table (335..423 are unused on x86-64) are unknown.
 */
#include <asm/ldt.h>
#include <asm/unistd_64.h>
#include <linux/aio_abi.h>
#include <mqueue.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <utime.h>

#include "sysargs_calls.h"

/* glibc's types stand for the kernel's: same layout on x86-64. */
_Static_assert(sizeof(struct stat) == 144, "struct stat is the kernel's");
_Static_assert(sizeof(struct statfs) == 120, "struct statfs is the kernel's");
_Static_assert(sizeof(struct statx) == 256, "struct statx is the kernel's");
_Static_assert(sizeof(struct rusage) == 144, "struct rusage is the kernel's");
_Static_assert(sizeof(struct timex) == 208, "struct timex is the kernel's");
_Static_assert(sizeof(struct utsname) == 6 * 65, "struct new_utsname");
_Static_assert(sizeof(struct epoll_event) == 12, "packed on x86-64");
_Static_assert(sizeof(siginfo_t) == 128, "siginfo_t is the kernel's");
_Static_assert(sizeof(struct sigevent) == 64, "struct sigevent is the kernel's");
_Static_assert(sizeof(struct mq_attr) == 64, "struct mq_attr is the kernel's");
_Static_assert(sizeof(stack_t) == 24, "stack_t is the kernel's");

/* The kernel's struct ustat (glibc dropped its own). */
struct ustat_kernel {
	int f_tfree;
	unsigned long f_tinode;
	char f_fname[6];
	char f_fpack[6];
};

#define FIXED(acc, null, sz, nm) \
	{ .kind = ARG_FIXED, .access = (acc), .may_be_null = (null), .size = (sz), .name = (nm) }
#define IN(sz, nm)		FIXED(SYSARGS_READ, 0, sz, nm)
#define IN_OPT(sz, nm)		FIXED(SYSARGS_READ, 1, sz, nm)
#define OUT(sz, nm)		FIXED(SYSARGS_WRITE, 0, sz, nm)
#define OUT_OPT(sz, nm)		FIXED(SYSARGS_WRITE, 1, sz, nm)
/* read and written back: ok() is asked for write */
#define INOUT(sz, nm)		OUT(sz, nm)
#define INOUT_OPT(sz, nm)	OUT_OPT(sz, nm)
/* the mapping at the address, not its bytes (shmdt) */
#define MAPPED(sz, nm)		FIXED(SYSARGS_MAPPING, 0, sz, nm)

#define ARRAY(acc, null, n, ct, el, nm) \
	{ .kind = ARG_ARRAY, .access = (acc), .may_be_null = (null), .len_arg = (n), \
	  .count_type = COUNT_##ct, .size = (el), .name = (nm) }
#define IN_ARRAY(n, ct, el, nm)		ARRAY(SYSARGS_READ, 0, n, ct, el, nm)
#define IN_ARRAY_OPT(n, ct, el, nm)	ARRAY(SYSARGS_READ, 1, n, ct, el, nm)
#define OUT_ARRAY(n, ct, el, nm)	ARRAY(SYSARGS_WRITE, 0, n, ct, el, nm)
#define INOUT_ARRAY(n, ct, el, nm)	ARRAY(SYSARGS_WRITE, 0, n, ct, el, nm)
#define IN_BYTES(n, ct, nm)		ARRAY(SYSARGS_READ, 0, n, ct, 1, nm)
#define IN_BYTES_OPT(n, ct, nm)		ARRAY(SYSARGS_READ, 1, n, ct, 1, nm)
#define OUT_BYTES(n, ct, nm)		ARRAY(SYSARGS_WRITE, 0, n, ct, 1, nm)
#define OUT_BYTES_OPT(n, ct, nm)	ARRAY(SYSARGS_WRITE, 1, n, ct, 1, nm)

#define STRING(max, nm)		{ .kind = ARG_STRING, .size = (max), .name = (nm) }
#define STRING_OPT(max, nm)	{ .kind = ARG_STRING, .may_be_null = 1, .size = (max), .name = (nm) }
#define PATH(nm)		STRING(SA_PATH_MAX, nm)
/* NULL: the call acts on its dirfd (utimensat, statx, fanotify_mark...) */
#define PATH_OPT(nm)		STRING_OPT(SA_PATH_MAX, nm)
/* Linux takes a NULL argv or envp as an empty one */
#define STRVEC(nm)		{ .kind = ARG_STRVEC, .may_be_null = 1, .name = (nm) }
#define IOVEC(acc, n, nm) \
	{ .kind = ARG_IOVEC, .access = (acc), .len_arg = (n), .count_type = COUNT_SIZE, .name = (nm) }
#define IOV_IN(n, nm)		IOVEC(SYSARGS_READ, n, nm)
#define IOV_OUT(n, nm)		IOVEC(SYSARGS_WRITE, n, nm)
#define PAGES(n, nm) \
	{ .kind = ARG_PAGES, .access = SYSARGS_MAPPING, .len_arg = (n), \
	  .count_type = COUNT_SIZE, .name = (nm) }

#define NOMEM(nm)		[__NR_##nm] = { .name = #nm }
#define CALL(nm, ...)		[__NR_##nm] = { .name = #nm, .arg = { __VA_ARGS__ } }
#define CUSTOM(nm, fn, ...)	[__NR_##nm] = { .name = #nm, .check = (fn), .arg = { __VA_ARGS__ } }
#define LEFT_OUT(nm, why)	[__NR_##nm] = { .name = #nm, .unchecked = (why) }

#define TIMESPEC sizeof(struct timespec)
#define TIMEVAL sizeof(struct timeval)
#define STAT sizeof(struct stat)
#define SIGINFO sizeof(siginfo_t)

static const char not_in_linux[] = "not implemented by Linux (ENOSYS)";
static const char removed_call[] = "removed from Linux (ENOSYS)";

const struct call_mem sa_table[] = {
	CALL(read, [1] = OUT_BYTES(2, SIZE, "buf")),
	CALL(write, [1] = IN_BYTES(2, SIZE, "buf")),
	CALL(open, [0] = PATH("path")),
	NOMEM(close),
	CALL(stat, [0] = PATH("path"), [1] = OUT(STAT, "statbuf")),
	CALL(fstat, [1] = OUT(STAT, "statbuf")),
	CALL(lstat, [0] = PATH("path"), [1] = OUT(STAT, "statbuf")),
	/* revents are written back */
	CALL(poll, [0] = INOUT_ARRAY(1, UINT, sizeof(struct pollfd), "fds")),
	NOMEM(lseek),
	CUSTOM(mmap, sa_check_mmap),
	CALL(mprotect, [0] = PAGES(1, "addr")),
	CALL(munmap, [0] = PAGES(1, "addr")),
	LEFT_OUT(brk, "moves the host process's heap, which is the monitor's: emulate it"),
	CUSTOM(rt_sigaction, sa_check_sigaction),
	CALL(rt_sigprocmask, [1] = IN_BYTES_OPT(3, SIZE, "set"),
	     [2] = OUT_BYTES_OPT(3, SIZE, "oldset")),
	LEFT_OUT(rt_sigreturn, "reads a signal frame at the stack pointer and loads the host "
		 "thread's registers from it: emulate it"),
	CUSTOM(ioctl, sa_check_ioctl),
	CALL(pread64, [1] = OUT_BYTES(2, SIZE, "buf")),
	CALL(pwrite64, [1] = IN_BYTES(2, SIZE, "buf")),
	CALL(readv, [1] = IOV_OUT(2, "iov")),
	CALL(writev, [1] = IOV_IN(2, "iov")),
	CALL(access, [0] = PATH("path")),
	CALL(pipe, [0] = OUT(2 * sizeof(int), "pipefd")),
	CUSTOM(select, sa_check_select),
	NOMEM(sched_yield),
	CUSTOM(mremap, sa_check_mremap),
	CALL(msync, [0] = PAGES(1, "addr")),
	CUSTOM(mincore, sa_check_mincore),
	CALL(madvise, [0] = PAGES(1, "addr")),
	NOMEM(shmget),
	CUSTOM(shmat, sa_check_shmat),
	CUSTOM(shmctl, sa_check_shmctl),
	NOMEM(dup),
	NOMEM(dup2),
	NOMEM(pause),
	CALL(nanosleep, [0] = IN(TIMESPEC, "req"), [1] = OUT_OPT(TIMESPEC, "rem")),
	CALL(getitimer, [1] = OUT(sizeof(struct itimerval), "curr_value")),
	NOMEM(alarm),
	CALL(setitimer, [1] = IN_OPT(sizeof(struct itimerval), "new_value"),
	     [2] = OUT_OPT(sizeof(struct itimerval), "old_value")),
	NOMEM(getpid),
	CALL(sendfile, [2] = INOUT_OPT(sizeof(loff_t), "offset")),
	NOMEM(socket),
	CALL(connect, [1] = IN_BYTES(2, INT, "addr")),
	CUSTOM(accept, sa_check_accept),
	CALL(sendto, [1] = IN_BYTES(2, SIZE, "buf"), [4] = IN_BYTES_OPT(5, INT, "dest_addr")),
	CUSTOM(recvfrom, sa_check_recvfrom, [1] = OUT_BYTES(2, SIZE, "buf")),
	CUSTOM(sendmsg, sa_check_sendmsg),
	CUSTOM(recvmsg, sa_check_recvmsg),
	NOMEM(shutdown),
	CALL(bind, [1] = IN_BYTES(2, INT, "addr")),
	NOMEM(listen),
	CUSTOM(getsockname, sa_check_sockname),
	CUSTOM(getpeername, sa_check_sockname),
	CALL(socketpair, [3] = OUT(2 * sizeof(int), "sv")),
	CUSTOM(setsockopt, sa_check_setsockopt),
	CUSTOM(getsockopt, sa_check_getsockopt),
	CUSTOM(clone, sa_check_clone),
	NOMEM(fork),
	NOMEM(vfork),
	CALL(execve, [0] = PATH("path"), [1] = STRVEC("argv"), [2] = STRVEC("envp")),
	NOMEM(exit),
	CALL(wait4, [1] = OUT_OPT(sizeof(int), "wstatus"),
	     [3] = OUT_OPT(sizeof(struct rusage), "rusage")),
	NOMEM(kill),
	CALL(uname, [0] = OUT(sizeof(struct utsname), "buf")),
	NOMEM(semget),
	CALL(semop, [1] = IN_ARRAY(2, UINT, sizeof(struct sembuf), "sops")),
	CUSTOM(semctl, sa_check_semctl),
	/* detaches the segment mapped there */
	CALL(shmdt, [0] = MAPPED(SA_PAGE, "shmaddr")),
	NOMEM(msgget),
	CUSTOM(msgsnd, sa_check_msgsnd),
	CUSTOM(msgrcv, sa_check_msgrcv),
	CUSTOM(msgctl, sa_check_msgctl),
	CUSTOM(fcntl, sa_check_fcntl),
	NOMEM(flock),
	NOMEM(fsync),
	NOMEM(fdatasync),
	CALL(truncate, [0] = PATH("path")),
	NOMEM(ftruncate),
	CALL(getdents, [1] = OUT_BYTES(2, UINT, "dirp")),
	CALL(getcwd, [0] = OUT_BYTES(1, SIZE, "buf")),
	CALL(chdir, [0] = PATH("path")),
	NOMEM(fchdir),
	CALL(rename, [0] = PATH("oldpath"), [1] = PATH("newpath")),
	CALL(mkdir, [0] = PATH("path")),
	CALL(rmdir, [0] = PATH("path")),
	CALL(creat, [0] = PATH("path")),
	CALL(link, [0] = PATH("oldpath"), [1] = PATH("newpath")),
	CALL(unlink, [0] = PATH("path")),
	CALL(symlink, [0] = PATH("target"), [1] = PATH("linkpath")),
	CALL(readlink, [0] = PATH("path"), [1] = OUT_BYTES(2, INT, "buf")),
	CALL(chmod, [0] = PATH("path")),
	NOMEM(fchmod),
	CALL(chown, [0] = PATH("path")),
	NOMEM(fchown),
	CALL(lchown, [0] = PATH("path")),
	NOMEM(umask),
	CALL(gettimeofday, [0] = OUT_OPT(TIMEVAL, "tv"), [1] = OUT_OPT(sizeof(struct timezone), "tz")),
	CALL(getrlimit, [1] = OUT(sizeof(struct rlimit), "rlim")),
	CALL(getrusage, [1] = OUT(sizeof(struct rusage), "usage")),
	CALL(sysinfo, [0] = OUT(sizeof(struct sysinfo), "info")),
	CALL(times, [0] = OUT_OPT(sizeof(struct tms), "buf")),
	LEFT_OUT(ptrace, "reads and writes the memory and registers of other processes "
		 "through addresses that are not this process's: emulate or refuse it"),
	NOMEM(getuid),
	CUSTOM(syslog, sa_check_syslog),
	NOMEM(getgid),
	NOMEM(setuid),
	NOMEM(setgid),
	NOMEM(geteuid),
	NOMEM(getegid),
	NOMEM(setpgid),
	NOMEM(getppid),
	NOMEM(getpgrp),
	NOMEM(setsid),
	NOMEM(setreuid),
	NOMEM(setregid),
	CALL(getgroups, [1] = OUT_ARRAY(0, INT, sizeof(gid_t), "list")),
	CALL(setgroups, [1] = IN_ARRAY(0, INT, sizeof(gid_t), "list")),
	NOMEM(setresuid),
	CALL(getresuid, [0] = OUT(sizeof(uid_t), "ruid"), [1] = OUT(sizeof(uid_t), "euid"),
	     [2] = OUT(sizeof(uid_t), "suid")),
	NOMEM(setresgid),
	CALL(getresgid, [0] = OUT(sizeof(gid_t), "rgid"), [1] = OUT(sizeof(gid_t), "egid"),
	     [2] = OUT(sizeof(gid_t), "sgid")),
	NOMEM(getpgid),
	NOMEM(setfsuid),
	NOMEM(setfsgid),
	NOMEM(getsid),
	CUSTOM(capget, sa_check_capget),
	CUSTOM(capset, sa_check_capset),
	CALL(rt_sigpending, [0] = OUT_BYTES(1, SIZE, "set")),
	CALL(rt_sigtimedwait, [0] = IN_BYTES(3, SIZE, "set"), [1] = OUT_OPT(SIGINFO, "info"),
	     [2] = IN_OPT(TIMESPEC, "timeout")),
	CALL(rt_sigqueueinfo, [2] = IN(SIGINFO, "info")),
	CALL(rt_sigsuspend, [0] = IN_BYTES(1, SIZE, "mask")),
	CUSTOM(sigaltstack, sa_check_sigaltstack),
	CALL(utime, [0] = PATH("path"), [1] = IN_OPT(sizeof(struct utimbuf), "times")),
	CALL(mknod, [0] = PATH("path")),
	LEFT_OUT(uselib, "maps an a.out library at addresses its file chooses"),
	NOMEM(personality),
	CALL(ustat, [1] = OUT(sizeof(struct ustat_kernel), "ubuf")),
	CALL(statfs, [0] = PATH("path"), [1] = OUT(sizeof(struct statfs), "buf")),
	CALL(fstatfs, [1] = OUT(sizeof(struct statfs), "buf")),
	LEFT_OUT(sysfs, "option 2 writes a filesystem name of a length only the kernel knows"),
	NOMEM(getpriority),
	NOMEM(setpriority),
	CALL(sched_setparam, [1] = IN(sizeof(struct sched_param), "param")),
	CALL(sched_getparam, [1] = OUT(sizeof(struct sched_param), "param")),
	CALL(sched_setscheduler, [2] = IN(sizeof(struct sched_param), "param")),
	NOMEM(sched_getscheduler),
	NOMEM(sched_get_priority_max),
	NOMEM(sched_get_priority_min),
	CALL(sched_rr_get_interval, [1] = OUT(TIMESPEC, "tp")),
	CALL(mlock, [0] = PAGES(1, "addr")),
	CALL(munlock, [0] = PAGES(1, "addr")),
	NOMEM(mlockall),
	NOMEM(munlockall),
	NOMEM(vhangup),
	LEFT_OUT(modify_ldt, "rewrites the host process's LDT"),
	CALL(pivot_root, [0] = PATH("new_root"), [1] = PATH("put_old")),
	LEFT_OUT(_sysctl, removed_call),
	CUSTOM(prctl, sa_check_prctl),
	CUSTOM(arch_prctl, sa_check_arch_prctl),
	CALL(adjtimex, [0] = INOUT(sizeof(struct timex), "buf")),
	CALL(setrlimit, [1] = IN(sizeof(struct rlimit), "rlim")),
	CALL(chroot, [0] = PATH("path")),
	NOMEM(sync),
	CALL(acct, [0] = PATH_OPT("filename")),
	CALL(settimeofday, [0] = IN_OPT(TIMEVAL, "tv"), [1] = IN_OPT(sizeof(struct timezone), "tz")),
	/* data: the kernel copies up to a page of options, binary for some
	 * filesystems, so the whole page is asked for */
	CALL(mount, [0] = STRING_OPT(SA_PAGE, "source"), [1] = PATH("target"),
	     [2] = STRING_OPT(SA_PAGE, "filesystemtype"), [4] = IN_OPT(SA_PAGE, "data")),
	CALL(umount2, [0] = PATH("target")),
	CALL(swapon, [0] = PATH("path")),
	CALL(swapoff, [0] = PATH("path")),
	CUSTOM(reboot, sa_check_reboot),
	CALL(sethostname, [0] = IN_BYTES(1, INT, "name")),
	CALL(setdomainname, [0] = IN_BYTES(1, INT, "name")),
	NOMEM(iopl),
	NOMEM(ioperm),
	LEFT_OUT(create_module, removed_call),
	/* the parameter string has no length limit: read to its NUL */
	CALL(init_module, [0] = IN_BYTES(1, SIZE, "module_image"),
	     [2] = STRING(SA_NO_LIMIT, "param_values")),
	CALL(delete_module, [0] = STRING(SA_PATH_MAX, "name")),
	LEFT_OUT(get_kernel_syms, removed_call),
	LEFT_OUT(query_module, removed_call),
	CUSTOM(quotactl, sa_check_quotactl, [1] = PATH_OPT("special")),
	LEFT_OUT(nfsservctl, removed_call),
	LEFT_OUT(getpmsg, not_in_linux),
	LEFT_OUT(putpmsg, not_in_linux),
	LEFT_OUT(afs_syscall, not_in_linux),
	LEFT_OUT(tuxcall, not_in_linux),
	LEFT_OUT(security, not_in_linux),
	NOMEM(gettid),
	NOMEM(readahead),
	CALL(setxattr, [0] = PATH("path"), [1] = STRING(SA_PATH_MAX, "name"),
	     [2] = IN_BYTES(3, SIZE, "value")),
	CALL(lsetxattr, [0] = PATH("path"), [1] = STRING(SA_PATH_MAX, "name"),
	     [2] = IN_BYTES(3, SIZE, "value")),
	CALL(fsetxattr, [1] = STRING(SA_PATH_MAX, "name"), [2] = IN_BYTES(3, SIZE, "value")),
	CALL(getxattr, [0] = PATH("path"), [1] = STRING(SA_PATH_MAX, "name"),
	     [2] = OUT_BYTES(3, SIZE, "value")),
	CALL(lgetxattr, [0] = PATH("path"), [1] = STRING(SA_PATH_MAX, "name"),
	     [2] = OUT_BYTES(3, SIZE, "value")),
	CALL(fgetxattr, [1] = STRING(SA_PATH_MAX, "name"), [2] = OUT_BYTES(3, SIZE, "value")),
	CALL(listxattr, [0] = PATH("path"), [1] = OUT_BYTES(2, SIZE, "list")),
	CALL(llistxattr, [0] = PATH("path"), [1] = OUT_BYTES(2, SIZE, "list")),
	CALL(flistxattr, [1] = OUT_BYTES(2, SIZE, "list")),
	CALL(removexattr, [0] = PATH("path"), [1] = STRING(SA_PATH_MAX, "name")),
	CALL(lremovexattr, [0] = PATH("path"), [1] = STRING(SA_PATH_MAX, "name")),
	CALL(fremovexattr, [1] = STRING(SA_PATH_MAX, "name")),
	NOMEM(tkill),
	CALL(time, [0] = OUT_OPT(sizeof(time_t), "tloc")),
	CUSTOM(futex, sa_check_futex),
	CALL(sched_setaffinity, [2] = IN_BYTES(1, UINT, "mask")),
	CALL(sched_getaffinity, [2] = OUT_BYTES(1, UINT, "mask")),
	CALL(set_thread_area, [0] = INOUT(sizeof(struct user_desc), "u_info")),
	/* the kernel checks *ctx_idp is 0, then writes the context there */
	CALL(io_setup, [1] = INOUT(sizeof(aio_context_t), "ctx_idp")),
	NOMEM(io_destroy),
	CALL(io_getevents, [3] = OUT_ARRAY(2, LONG, sizeof(struct io_event), "events"),
	     [4] = IN_OPT(TIMESPEC, "timeout")),
	CUSTOM(io_submit, sa_check_io_submit),
	CALL(io_cancel, [1] = IN(sizeof(struct iocb), "iocb"),
	     [2] = OUT(sizeof(struct io_event), "result")),
	CALL(get_thread_area, [0] = INOUT(sizeof(struct user_desc), "u_info")),
	CALL(lookup_dcookie, [1] = OUT_BYTES(2, SIZE, "buffer")),
	NOMEM(epoll_create),
	LEFT_OUT(epoll_ctl_old, not_in_linux),
	LEFT_OUT(epoll_wait_old, not_in_linux),
	CALL(remap_file_pages, [0] = PAGES(1, "addr")),
	CALL(getdents64, [1] = OUT_BYTES(2, UINT, "dirp")),
	/* written at thread exit, after the call: see sysargs.h */
	CALL(set_tid_address, [0] = OUT_OPT(sizeof(int), "tidptr")),
	LEFT_OUT(restart_syscall, "resumes the call saved in the thread's restart block, "
		 "which may be one of the monitor's own with its pointers: emulate it"),
	CALL(semtimedop, [1] = IN_ARRAY(2, UINT, sizeof(struct sembuf), "sops"),
	     [3] = IN_OPT(TIMESPEC, "timeout")),
	NOMEM(fadvise64),
	/* the kernel's timer_t is an int */
	CALL(timer_create, [1] = IN_OPT(sizeof(struct sigevent), "sevp"),
	     [2] = OUT(sizeof(int), "timerid")),
	CALL(timer_settime, [2] = IN(sizeof(struct itimerspec), "new_value"),
	     [3] = OUT_OPT(sizeof(struct itimerspec), "old_value")),
	CALL(timer_gettime, [1] = OUT(sizeof(struct itimerspec), "curr_value")),
	NOMEM(timer_getoverrun),
	NOMEM(timer_delete),
	CALL(clock_settime, [1] = IN(TIMESPEC, "tp")),
	CALL(clock_gettime, [1] = OUT(TIMESPEC, "tp")),
	CALL(clock_getres, [1] = OUT_OPT(TIMESPEC, "res")),
	CALL(clock_nanosleep, [2] = IN(TIMESPEC, "request"), [3] = OUT_OPT(TIMESPEC, "remain")),
	NOMEM(exit_group),
	CALL(epoll_wait, [1] = OUT_ARRAY(2, INT, sizeof(struct epoll_event), "events")),
	CUSTOM(epoll_ctl, sa_check_epoll_ctl),
	NOMEM(tgkill),
	CALL(utimes, [0] = PATH("path"), [1] = IN_OPT(2 * TIMEVAL, "times")),
	LEFT_OUT(vserver, not_in_linux),
	CUSTOM(mbind, sa_check_mbind, [0] = PAGES(1, "addr")),
	CUSTOM(set_mempolicy, sa_check_set_mempolicy),
	CUSTOM(get_mempolicy, sa_check_get_mempolicy, [0] = OUT_OPT(sizeof(int), "mode")),
	CALL(mq_open, [0] = STRING(SA_PATH_MAX, "name"), [3] = IN_OPT(sizeof(struct mq_attr), "attr")),
	CALL(mq_unlink, [0] = STRING(SA_PATH_MAX, "name")),
	CALL(mq_timedsend, [1] = IN_BYTES(2, SIZE, "msg_ptr"), [4] = IN_OPT(TIMESPEC, "abs_timeout")),
	CALL(mq_timedreceive, [1] = OUT_BYTES(2, SIZE, "msg_ptr"),
	     [3] = OUT_OPT(sizeof(unsigned int), "msg_prio"), [4] = IN_OPT(TIMESPEC, "abs_timeout")),
	CUSTOM(mq_notify, sa_check_mq_notify),
	CALL(mq_getsetattr, [1] = IN_OPT(sizeof(struct mq_attr), "newattr"),
	     [2] = OUT_OPT(sizeof(struct mq_attr), "oldattr")),
	LEFT_OUT(kexec_load, "copies segments into physical memory to replace the host kernel: "
		 "never forwarded"),
	CALL(waitid, [2] = OUT_OPT(SIGINFO, "infop"), [4] = OUT_OPT(sizeof(struct rusage), "rusage")),
	CALL(add_key, [0] = STRING(SA_PATH_MAX, "type"), [1] = STRING_OPT(SA_PATH_MAX, "description"),
	     [2] = IN_BYTES_OPT(3, SIZE, "payload")),
	CALL(request_key, [0] = STRING(SA_PATH_MAX, "type"), [1] = STRING(SA_PATH_MAX, "description"),
	     [2] = STRING_OPT(SA_PATH_MAX, "callout_info")),
	LEFT_OUT(keyctl, "about 30 commands, several with nested structures (DH_COMPUTE, "
		 "PKEY_*); none of the target programs uses it"),
	NOMEM(ioprio_set),
	NOMEM(ioprio_get),
	NOMEM(inotify_init),
	CALL(inotify_add_watch, [1] = PATH("path")),
	NOMEM(inotify_rm_watch),
	CUSTOM(migrate_pages, sa_check_migrate_pages),
	CALL(openat, [1] = PATH("path")),
	CALL(mkdirat, [1] = PATH("path")),
	CALL(mknodat, [1] = PATH("path")),
	CALL(fchownat, [1] = PATH("path")),
	CALL(futimesat, [1] = PATH_OPT("path"), [2] = IN_OPT(2 * TIMEVAL, "times")),
	CALL(newfstatat, [1] = PATH_OPT("path"), [2] = OUT(STAT, "statbuf")),
	CALL(unlinkat, [1] = PATH("path")),
	CALL(renameat, [1] = PATH("oldpath"), [3] = PATH("newpath")),
	CALL(linkat, [1] = PATH("oldpath"), [3] = PATH("newpath")),
	CALL(symlinkat, [0] = PATH("target"), [2] = PATH("linkpath")),
	CALL(readlinkat, [1] = PATH("path"), [2] = OUT_BYTES(3, INT, "buf")),
	CALL(fchmodat, [1] = PATH("path")),
	CALL(faccessat, [1] = PATH("path")),
	CUSTOM(pselect6, sa_check_pselect6),
	/* the remaining time is written back */
	CALL(ppoll, [0] = INOUT_ARRAY(1, UINT, sizeof(struct pollfd), "fds"),
	     [2] = INOUT_OPT(TIMESPEC, "tmo_p"), [3] = IN_BYTES_OPT(4, SIZE, "sigmask")),
	NOMEM(unshare),
	/* read at thread exit, with the entries it leads to: see sysargs.h */
	CALL(set_robust_list, [0] = IN_BYTES(1, SIZE, "head")),
	CALL(get_robust_list, [1] = OUT(sizeof(void *), "head_ptr"),
	     [2] = OUT(sizeof(size_t), "len_ptr")),
	CALL(splice, [1] = INOUT_OPT(sizeof(loff_t), "off_in"),
	     [3] = INOUT_OPT(sizeof(loff_t), "off_out")),
	NOMEM(tee),
	NOMEM(sync_file_range),
	/* to a pipe the buffers are read, from one written: which one depends
	 * on the descriptor, so ask for the stricter */
	CALL(vmsplice, [1] = IOV_OUT(2, "iov")),
	/* the page addresses are looked up, not read */
	CALL(move_pages, [2] = IN_ARRAY(1, SIZE, sizeof(void *), "pages"),
	     [3] = IN_ARRAY_OPT(1, SIZE, sizeof(int), "nodes"),
	     [4] = OUT_ARRAY(1, SIZE, sizeof(int), "status")),
	CALL(utimensat, [1] = PATH_OPT("path"), [2] = IN_OPT(2 * TIMESPEC, "times")),
	CALL(epoll_pwait, [1] = OUT_ARRAY(2, INT, sizeof(struct epoll_event), "events"),
	     [4] = IN_BYTES_OPT(5, SIZE, "sigmask")),
	CALL(signalfd, [1] = IN_BYTES(2, SIZE, "mask")),
	NOMEM(timerfd_create),
	NOMEM(eventfd),
	NOMEM(fallocate),
	CALL(timerfd_settime, [2] = IN(sizeof(struct itimerspec), "new_value"),
	     [3] = OUT_OPT(sizeof(struct itimerspec), "old_value")),
	CALL(timerfd_gettime, [1] = OUT(sizeof(struct itimerspec), "curr_value")),
	CUSTOM(accept4, sa_check_accept),
	CALL(signalfd4, [1] = IN_BYTES(2, SIZE, "mask")),
	NOMEM(eventfd2),
	NOMEM(epoll_create1),
	NOMEM(dup3),
	CALL(pipe2, [0] = OUT(2 * sizeof(int), "pipefd")),
	NOMEM(inotify_init1),
	CALL(preadv, [1] = IOV_OUT(2, "iov")),
	CALL(pwritev, [1] = IOV_IN(2, "iov")),
	CALL(rt_tgsigqueueinfo, [3] = IN(SIGINFO, "info")),
	LEFT_OUT(perf_event_open, "samples the whole host process, the monitor's registers "
		 "and stacks included"),
	/* the remaining time is written back */
	CUSTOM(recvmmsg, sa_check_recvmmsg, [4] = INOUT_OPT(TIMESPEC, "timeout")),
	NOMEM(fanotify_init),
	CALL(fanotify_mark, [4] = PATH_OPT("path")),
	CALL(prlimit64, [2] = IN_OPT(sizeof(struct rlimit), "new_limit"),
	     [3] = OUT_OPT(sizeof(struct rlimit), "old_limit")),
	CUSTOM(name_to_handle_at, sa_check_name_to_handle_at, [1] = PATH("path")),
	CUSTOM(open_by_handle_at, sa_check_open_by_handle_at),
	CALL(clock_adjtime, [1] = INOUT(sizeof(struct timex), "buf")),
	NOMEM(syncfs),
	CUSTOM(sendmmsg, sa_check_sendmmsg),
	NOMEM(setns),
	/* arg 2, tcache, is ignored since Linux 2.6.24 */
	CALL(getcpu, [0] = OUT_OPT(sizeof(unsigned int), "cpu"),
	     [1] = OUT_OPT(sizeof(unsigned int), "node")),
	LEFT_OUT(process_vm_readv, "its remote iovecs address another process, or this one "
		 "with the monitor in it"),
	LEFT_OUT(process_vm_writev, "its remote iovecs address another process, or this one "
		 "with the monitor in it"),
	CUSTOM(kcmp, sa_check_kcmp),
	CALL(finit_module, [1] = STRING(SA_NO_LIMIT, "param_values")),
	CUSTOM(sched_setattr, sa_check_sched_setattr),
	CALL(sched_getattr, [1] = OUT_BYTES(2, UINT, "attr")),
	CALL(renameat2, [1] = PATH("oldpath"), [3] = PATH("newpath")),
	CUSTOM(seccomp, sa_check_seccomp),
	CALL(getrandom, [0] = OUT_BYTES(1, SIZE, "buf")),
	CALL(memfd_create, [0] = STRING(SA_PATH_MAX, "name")),
	CALL(kexec_file_load, [3] = IN_BYTES_OPT(2, SIZE, "cmdline")),
	LEFT_OUT(bpf, "dozens of commands with nested pointers, and maps the kernel "
		 "reads and writes after the call"),
	CALL(execveat, [1] = PATH("path"), [2] = STRVEC("argv"), [3] = STRVEC("envp")),
	LEFT_OUT(userfaultfd, "its ioctls register address ranges whose faults are served, "
		 "and pages copied, after the call"),
	NOMEM(membarrier),
	CALL(mlock2, [0] = PAGES(1, "addr")),
	CALL(copy_file_range, [1] = INOUT_OPT(sizeof(loff_t), "off_in"),
	     [3] = INOUT_OPT(sizeof(loff_t), "off_out")),
	CALL(preadv2, [1] = IOV_OUT(2, "iov")),
	CALL(pwritev2, [1] = IOV_IN(2, "iov")),
	CALL(pkey_mprotect, [0] = PAGES(1, "addr")),
	NOMEM(pkey_alloc),
	NOMEM(pkey_free),
	CALL(statx, [1] = PATH_OPT("path"), [4] = OUT(sizeof(struct statx), "statxbuf")),
	CUSTOM(io_pgetevents, sa_check_io_pgetevents,
	       [3] = OUT_ARRAY(2, LONG, sizeof(struct io_event), "events"),
	       [4] = IN_OPT(TIMESPEC, "timeout")),
	/* written on every return to user space: see sysargs.h */
	CALL(rseq, [0] = OUT_BYTES(1, UINT, "rseq")),

	CALL(pidfd_send_signal, [2] = IN_OPT(SIGINFO, "info")),
	LEFT_OUT(io_uring_setup, "shared rings the kernel keeps reading and writing after "
		 "the call: cannot be checked per call"),
	LEFT_OUT(io_uring_enter, "submits from shared rings the kernel reads after the call"),
	LEFT_OUT(io_uring_register, "registers buffers the kernel uses after the call"),
	CALL(open_tree, [1] = PATH("path")),
	CALL(move_mount, [1] = PATH("from_path"), [3] = PATH("to_path")),
	CALL(fsopen, [0] = STRING(SA_PATH_MAX, "fsname")),
	CUSTOM(fsconfig, sa_check_fsconfig),
	NOMEM(fsmount),
	CALL(fspick, [1] = PATH("path")),
	NOMEM(pidfd_open),
	CUSTOM(clone3, sa_check_clone3),
	NOMEM(close_range),
	CALL(openat2, [1] = PATH("path"), [2] = IN_BYTES(3, SIZE, "how")),
	NOMEM(pidfd_getfd),
	CALL(faccessat2, [1] = PATH("path")),
	CUSTOM(process_madvise, sa_check_process_madvise),
	CALL(epoll_pwait2, [1] = OUT_ARRAY(2, INT, sizeof(struct epoll_event), "events"),
	     [3] = IN_OPT(TIMESPEC, "timeout"), [4] = IN_BYTES_OPT(5, SIZE, "sigmask")),
	CALL(mount_setattr, [1] = PATH("path"), [3] = IN_BYTES(4, SIZE, "attr")),
	CUSTOM(quotactl_fd, sa_check_quotactl_fd),
	/* NULL with size 0 asks for the ABI version */
	CALL(landlock_create_ruleset, [0] = IN_BYTES_OPT(1, SIZE, "attr")),
	CUSTOM(landlock_add_rule, sa_check_landlock_add_rule),
	NOMEM(landlock_restrict_self),
	NOMEM(memfd_secret),
	NOMEM(process_mrelease),
	CUSTOM(futex_waitv, sa_check_futex_waitv),
	CALL(set_mempolicy_home_node, [0] = PAGES(1, "start")),
};

const size_t sa_table_len = sizeof(sa_table) / sizeof(sa_table[0]);
