/*
 * seccomp_lists.c - the system calls of the seccomp filter (seccomp.c).
 *
 * The monitor's own: what dunebox's monitor and libdune's host half call
 * themselves, whatever the policy: the host loop's raw calls (KVM_RUN and
 * the vCPU ioctls, signals and kicks, futexes, thread clone), fast-call
 * server threads, fork (a new VM from the kept /dev/kvm descriptor), the
 * loader (open, read, mmap), the address-space emulation (mmap & co), the
 * audit and trace output, the supervisor's wait and the private /tmp.
 * Everything the program's calls may reach on top of that comes from the
 * policy (jail_config.forwarded).
 *
 * Never: calls that change the kernel, other processes, mounts, the
 * filter itself or the host's view of security, whatever the policy says.
 * No path in dunebox makes them, so reaching the kernel with one means the
 * monitor was bypassed: the process is killed (see seccomp.c).
 *
 * The ioctl lists are the outer layer's own, on purpose not the inner
 * layer's table (runtime/sysargs): each layer must hold if the other errs.
 */
#include <asm/ioctls.h>
#include <asm/termbits.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <sys/syscall.h>

#include "../../kmod/dune_ioctl.h"
#include "seccomp_lists.h"

const int seccomp_monitor_calls[] = {
	SYS_read, SYS_write, SYS_pread64, SYS_close, SYS_open, SYS_openat, SYS_fstat,
	SYS_newfstatat, SYS_lstat, SYS_stat, SYS_statx, SYS_lseek, SYS_readlink, SYS_readlinkat,
	SYS_getcwd, SYS_fcntl, SYS_dup, SYS_dup3, SYS_pipe2, SYS_getdents64, SYS_access,
	SYS_faccessat, SYS_mkdir,
	SYS_mmap, SYS_munmap, SYS_mprotect, SYS_mremap, SYS_madvise, SYS_brk, SYS_msync,
	SYS_mincore,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_sigaltstack,
	SYS_rt_sigsuspend, SYS_rt_sigpending, SYS_rt_sigtimedwait,
	SYS_futex, SYS_set_robust_list, SYS_rseq, SYS_set_tid_address, SYS_sched_yield,
	SYS_sched_getaffinity, SYS_nanosleep, SYS_clock_nanosleep, SYS_clock_gettime,
	SYS_clock_getres, SYS_gettimeofday, SYS_time,
	SYS_getpid, SYS_gettid, SYS_getppid, SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid,
	SYS_getpgrp, SYS_tgkill, SYS_tkill, SYS_exit, SYS_exit_group, SYS_wait4, SYS_waitid,
	SYS_clone, SYS_ioctl, SYS_arch_prctl, SYS_prctl,
	SYS_getrandom, SYS_uname, SYS_sysinfo, SYS_prlimit64, SYS_getrlimit,
	/* the monitor's inner layer: paths resolved once (openat2 beneath
	 * kept directories), /proc views (memfd), whom a call targets
	 * (getpgid, getpriority), the supervisor stopping what is left of
	 * the box and removing its private directories */
	SYS_openat2, SYS_memfd_create, SYS_getpgid, SYS_getpriority, SYS_kill,
	SYS_unlink, SYS_unlinkat, SYS_rmdir,
};
const size_t seccomp_monitor_ncalls = sizeof(seccomp_monitor_calls) / sizeof(int);

const int seccomp_never_calls[] = {
	SYS_seccomp, SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev,
	SYS_process_madvise, SYS_pidfd_getfd, SYS_kcmp,
	SYS_bpf, SYS_perf_event_open, SYS_userfaultfd, SYS_fanotify_init, SYS_fanotify_mark,
	SYS_keyctl, SYS_add_key, SYS_request_key,
	SYS_kexec_load, SYS_kexec_file_load, SYS_init_module, SYS_finit_module,
	SYS_delete_module, SYS_reboot, SYS_swapon, SYS_swapoff, SYS_acct, SYS_quotactl,
	SYS_quotactl_fd, SYS_syslog, SYS_vhangup, SYS_nfsservctl,
	SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_fsopen, SYS_fsconfig,
	SYS_fsmount, SYS_fspick, SYS_move_mount, SYS_open_tree, SYS_mount_setattr,
	SYS_setns, SYS_unshare,
	SYS_iopl, SYS_ioperm, SYS_modify_ldt, SYS_uselib, SYS_open_by_handle_at,
	SYS_name_to_handle_at, SYS_lookup_dcookie,
	SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
	SYS_settimeofday, SYS_clock_settime, SYS_clock_adjtime, SYS_adjtimex,
	SYS_sethostname, SYS_setdomainname,
	SYS_landlock_create_ruleset, SYS_landlock_add_rule, SYS_landlock_restrict_self,
	SYS_execve, SYS_execveat, /* the monitor loads programs itself */
};
const size_t seccomp_never_ncalls = sizeof(seccomp_never_calls) / sizeof(int);

/* libdune's host sides: exactly the requests they make */
const unsigned seccomp_host_ioctls[] = {
	KVM_GET_API_VERSION, KVM_CHECK_EXTENSION, KVM_GET_VCPU_MMAP_SIZE,
	KVM_GET_SUPPORTED_CPUID, KVM_CREATE_VM, KVM_CREATE_VCPU, KVM_SET_USER_MEMORY_REGION,
	KVM_SET_CPUID2, KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS,
	KVM_GET_MSRS, KVM_SET_MSRS, KVM_SET_FPU, KVM_GET_XSAVE, KVM_SET_XSAVE, KVM_GET_XCRS,
	KVM_SET_XCRS,
	DUNE_GET_INFO, DUNE_SET_SLOT, DUNE_CREATE_VCPU, DUNE_RUN, DUNE_GET_REGS, DUNE_SET_REGS,
	DUNE_GET_SREGS, DUNE_SET_SREGS, DUNE_GET_MSRS, DUNE_SET_MSRS, DUNE_GET_XCR0,
	DUNE_SET_XCR0, DUNE_GET_FPU, DUNE_SET_FPU,
};
const size_t seccomp_host_nioctls = sizeof(seccomp_host_ioctls) / sizeof(unsigned);

/* the program's, when the policy lets ioctl through: terminals (not
 * TIOCSTI, TIOCLINUX, TIOCCONS, TIOCSETD, TIOCVHANGUP: typing into the
 * user's terminal, taking the console, line disciplines, hanging it up),
 * any file (FIEMAP: the extents of a file it has open, as any user may
 * read them), sockets */
const unsigned seccomp_program_ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TCGETS2, TCSETS2, TCSETSW2, TCSETSF2,
	TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, TIOCGSID, TIOCOUTQ, TIOCINQ,
	TIOCGPTN, TIOCSPTLCK, TIOCGPTLCK, TIOCGPTPEER, TIOCSCTTY, TIOCNOTTY, TIOCGETD,
	TIOCGEXCL, TIOCGDEV, TIOCPKT, TIOCGPKT, TIOCMGET, TCFLSH, TCXONC, TCSBRK, TCSBRKP,
	FIONBIO, FIOASYNC, FIOCLEX, FIONCLEX, FIOQSIZE, FIGETBSZ, FS_IOC_FIEMAP,
	0x8906 /* SIOCGSTAMP_OLD */, 0x8905 /* SIOCATMARK */,
};
const size_t seccomp_program_nioctls = sizeof(seccomp_program_ioctls) / sizeof(unsigned);
