/* How --trace shows the arguments of common calls: one letter each.
 *   d signed decimal   u unsigned decimal   x pointer (NULL for 0)
 *   X hex flags        f file descriptor    D directory fd (AT_FDCWD)
 *   s string (a pointer when the monitor gave no copy)
 *   o open flags       m mode, octal        p mmap prot    M mmap flags
 *   a AT_* flags       F socket family      S signal
 * Calls not listed show six hex arguments. */
#include <stddef.h>
#include <sys/syscall.h>

#include "policy.h"
#include "trace_signatures.h"

static const char *const signatures[SYSCALL_NR_MAX] = {
	[__NR_read] = "fsu", [__NR_write] = "fsu", [__NR_open] = "som",
	[__NR_close] = "f", [__NR_stat] = "sx", [__NR_fstat] = "fx",
	[__NR_lstat] = "sx", [__NR_poll] = "xud", [__NR_lseek] = "fdd",
	[__NR_mmap] = "xupMfX", [__NR_mprotect] = "xup", [__NR_munmap] = "xu",
	[__NR_brk] = "x", [__NR_rt_sigaction] = "Sxxu", [__NR_rt_sigprocmask] = "dxxu",
	[__NR_rt_sigreturn] = "", [__NR_ioctl] = "fXx", [__NR_pread64] = "fsud",
	[__NR_pwrite64] = "fsud", [__NR_readv] = "fxd", [__NR_writev] = "fxd",
	[__NR_access] = "sd", [__NR_pipe] = "x", [__NR_select] = "dxxxx",
	[__NR_sched_yield] = "", [__NR_mremap] = "xuuXx", [__NR_madvise] = "xud",
	[__NR_dup] = "f", [__NR_dup2] = "ff", [__NR_pause] = "",
	[__NR_nanosleep] = "xx", [__NR_getpid] = "", [__NR_socket] = "FXd",
	[__NR_connect] = "fxu", [__NR_accept] = "fxx", [__NR_sendto] = "fsuXxu",
	[__NR_recvfrom] = "fxuXxx", [__NR_sendmsg] = "fxX", [__NR_recvmsg] = "fxX",
	[__NR_shutdown] = "fd", [__NR_bind] = "fxu", [__NR_listen] = "fd",
	[__NR_getsockname] = "fxx", [__NR_getpeername] = "fxx",
	[__NR_socketpair] = "FXdx", [__NR_setsockopt] = "fddxu",
	[__NR_getsockopt] = "fddxx", [__NR_clone] = "XxxxX", [__NR_fork] = "",
	[__NR_vfork] = "", [__NR_execve] = "sxx", [__NR_exit] = "d",
	[__NR_wait4] = "dxXx", [__NR_kill] = "dS", [__NR_uname] = "x",
	[__NR_fcntl] = "fdX", [__NR_flock] = "fd", [__NR_fsync] = "f",
	[__NR_fdatasync] = "f", [__NR_truncate] = "sd", [__NR_ftruncate] = "fd",
	[__NR_getdents] = "fxu", [__NR_getcwd] = "xu", [__NR_chdir] = "s",
	[__NR_fchdir] = "f", [__NR_rename] = "ss", [__NR_mkdir] = "sm",
	[__NR_rmdir] = "s", [__NR_creat] = "sm", [__NR_link] = "ss",
	[__NR_unlink] = "s", [__NR_symlink] = "ss", [__NR_readlink] = "sxu",
	[__NR_chmod] = "sm", [__NR_fchmod] = "fm", [__NR_chown] = "sdd",
	[__NR_fchown] = "fdd", [__NR_lchown] = "sdd", [__NR_umask] = "m",
	[__NR_gettimeofday] = "xx", [__NR_getrlimit] = "dx", [__NR_getrusage] = "dx",
	[__NR_sysinfo] = "x", [__NR_ptrace] = "ddxx", [__NR_getuid] = "",
	[__NR_getgid] = "", [__NR_geteuid] = "", [__NR_getegid] = "",
	[__NR_setpgid] = "dd", [__NR_getppid] = "", [__NR_getpgrp] = "",
	[__NR_setsid] = "", [__NR_sigaltstack] = "xx", [__NR_mknod] = "smX",
	[__NR_statfs] = "sx", [__NR_fstatfs] = "fx", [__NR_prctl] = "dXXXX",
	[__NR_arch_prctl] = "dx", [__NR_chroot] = "s", [__NR_mount] = "sssXx",
	[__NR_umount2] = "sX", [__NR_gettid] = "", [__NR_tkill] = "dS",
	[__NR_futex] = "xdXxxX", [__NR_sched_getaffinity] = "dux",
	[__NR_getdents64] = "fxu", [__NR_set_tid_address] = "x",
	[__NR_clock_gettime] = "dx", [__NR_clock_nanosleep] = "dXxx",
	[__NR_exit_group] = "d", [__NR_tgkill] = "ddS",
	[__NR_epoll_wait] = "fxdd", [__NR_epoll_ctl] = "fdfx",
	[__NR_openat] = "Dsom", [__NR_mkdirat] = "Dsm", [__NR_mknodat] = "DsmX",
	[__NR_fchownat] = "Dsdda", [__NR_newfstatat] = "Dsxa", [__NR_unlinkat] = "Dsa",
	[__NR_renameat] = "DsDs", [__NR_linkat] = "DsDsa", [__NR_symlinkat] = "sDs",
	[__NR_readlinkat] = "Dsxu", [__NR_fchmodat] = "Dsm", [__NR_faccessat] = "Dsd",
	[__NR_set_robust_list] = "xu", [__NR_utimensat] = "Dsxa",
	[__NR_epoll_pwait] = "fxddxu", [__NR_eventfd2] = "uX", [__NR_epoll_create1] = "X",
	[__NR_dup3] = "ffo", [__NR_pipe2] = "xo", [__NR_accept4] = "fxxX",
	[__NR_prlimit64] = "ddxx", [__NR_getrandom] = "xuX", [__NR_memfd_create] = "sX",
	[__NR_execveat] = "Dsxxa", [__NR_statx] = "DsaXx", [__NR_rseq] = "xuXX",
	[__NR_renameat2] = "DsDsX", [__NR_openat2] = "Dsxu", [__NR_faccessat2] = "Dsda",
	[__NR_close_range] = "uuX", [__NR_clone3] = "xu", [__NR_unshare] = "X",
	[__NR_setns] = "fX", [__NR_getxattr] = "ssxu", [__NR_setxattr] = "ssxuX",
	[__NR_inotify_add_watch] = "fsX",
};

const char *trace_signature(long nr)
{
	if (nr < 0 || nr >= SYSCALL_NR_MAX)
		return NULL;
	return signatures[nr];
}

bool trace_returns_pointer(long nr)
{
	return nr == __NR_mmap || nr == __NR_mremap || nr == __NR_brk || nr == __NR_shmat;
}
