/*
 * inner_refusals.c - the calls and sub-requests refused by the monitor
 * whatever the policy allows (inner_refusals.h).
 */
#include <errno.h>
#include <linux/fs.h>
#include <sched.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/timex.h>

#include "files.h"
#include "inner_refusals.h"
#include "uaccess.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#define PERSONALITY_QUERY 0xffffffffUL
#define SYS_mseal 462

struct refusal {
	int nr, err;
	const char *why;
};

static const char other_memory[] = "reaches another process's memory or descriptors";
static const char skips_paths[] = "opens files without a path the policy could judge";
static const char host_wide[] = "changes the host for every process";
static const char own_thread[] = "would bind the monitor's own thread";
static const char kernel_reads_later[] = "the kernel acts on it later, where the monitor cannot look";

static const struct refusal refused[] = {
	{ SYS_ptrace, EPERM, other_memory },
	{ SYS_process_vm_readv, EPERM, other_memory },
	{ SYS_process_vm_writev, EPERM, other_memory },
	{ SYS_process_madvise, EPERM, other_memory },
	{ SYS_process_mrelease, EPERM, other_memory },
	{ SYS_pidfd_getfd, EPERM, other_memory },
	{ SYS_kcmp, EPERM, other_memory },
	{ SYS_open_by_handle_at, EPERM, skips_paths },
	{ SYS_name_to_handle_at, EOPNOTSUPP, skips_paths },
	{ SYS_fanotify_init, EPERM, "its events carry read-write descriptors of any file" },
	{ SYS_fanotify_mark, EPERM, "its events carry read-write descriptors of any file" },
	{ SYS_seccomp, EINVAL, own_thread },
	{ SYS_landlock_create_ruleset, ENOSYS, own_thread },
	{ SYS_landlock_add_rule, ENOSYS, own_thread },
	{ SYS_landlock_restrict_self, ENOSYS, own_thread },
	{ SYS_io_uring_setup, ENOSYS, kernel_reads_later },
	{ SYS_io_uring_enter, ENOSYS, kernel_reads_later },
	{ SYS_io_uring_register, ENOSYS, kernel_reads_later },
	{ SYS_io_setup, ENOSYS, kernel_reads_later },
	{ SYS_userfaultfd, ENOSYS, kernel_reads_later },
	{ SYS_bpf, EPERM, kernel_reads_later },
	{ SYS_perf_event_open, EPERM, "samples the monitor's registers and stacks" },
	{ SYS_mount, EPERM, host_wide },
	{ SYS_umount2, EPERM, host_wide },
	{ SYS_pivot_root, EPERM, host_wide },
	{ SYS_chroot, EPERM, "moves the root the monitor resolves paths from" },
	{ SYS_fsopen, EPERM, host_wide },
	{ SYS_fsconfig, EPERM, host_wide },
	{ SYS_fsmount, EPERM, host_wide },
	{ SYS_fspick, EPERM, host_wide },
	{ SYS_move_mount, EPERM, host_wide },
	{ SYS_open_tree, EPERM, host_wide },
	{ SYS_mount_setattr, EPERM, host_wide },
	{ SYS_setns, EPERM, host_wide },
	{ SYS_swapon, EPERM, host_wide },
	{ SYS_swapoff, EPERM, host_wide },
	{ SYS_kexec_load, EPERM, host_wide },
	{ SYS_kexec_file_load, EPERM, host_wide },
	{ SYS_reboot, EPERM, host_wide },
	{ SYS_init_module, EPERM, host_wide },
	{ SYS_finit_module, EPERM, host_wide },
	{ SYS_delete_module, EPERM, host_wide },
	{ SYS_acct, EPERM, host_wide },
	{ SYS_quotactl, EPERM, host_wide },
	{ SYS_quotactl_fd, EPERM, host_wide },
	{ SYS_syslog, EPERM, host_wide },
	{ SYS_vhangup, EPERM, "hangs up the user's terminal" },
	{ SYS_settimeofday, EPERM, host_wide },
	{ SYS_clock_settime, EPERM, host_wide },
	{ SYS_sethostname, EPERM, host_wide },
	{ SYS_setdomainname, EPERM, host_wide },
	{ SYS_iopl, EPERM, host_wide },
	{ SYS_ioperm, EPERM, host_wide },
	{ SYS_lookup_dcookie, EPERM, host_wide },
	{ SYS_add_key, EPERM, "the user's keyrings are the host's" },
	{ SYS_request_key, EPERM, "the user's keyrings are the host's" },
	{ SYS_keyctl, EPERM, "the user's keyrings are the host's" },
	{ SYS_mq_open, ENOSYS, "POSIX message queue names are the host's" },
	{ SYS_mq_unlink, ENOSYS, "POSIX message queue names are the host's" },
	{ SYS_uselib, ENOSYS, "maps a library where the file says" },
	{ SYS_modify_ldt, ENOSYS, "rewrites the host thread's descriptor table" },
	{ SYS_set_thread_area, ENOSYS, "rewrites the host thread's descriptor table" },
	{ SYS_mseal, ENOSYS, "would seal the mappings the monitor must manage" },
};

static long prctl_refused(const long a[6], const char **why)
{
	switch ((int)a[0]) {
	case PR_SET_SECCOMP:
		*why = own_thread;
		return -EINVAL;
	case PR_SET_PTRACER:
		*why = "lets another process trace the monitor";
		return a[1] ? -EINVAL : 0;
	case PR_SET_TSC:
	case PR_SET_MDWE:
		*why = own_thread;
		return -EINVAL;
	}
	return 0;
}

static long ioctl_refused(const long a[6], const char **why)
{
	switch ((unsigned)a[1]) {
	case TIOCSTI:
		*why = "types into the user's terminal";
		return -EPERM;
	case TIOCSETD:
	case TIOCVHANGUP:
	case TIOCEXCL:
	case TIOCCONS:
		*why = "changes the user's terminal for every process";
		return -EPERM;
	case TIOCSCTTY:
		*why = "steals a terminal from another session";
		return a[2] ? -EPERM : 0;
	case FS_IOC_SETFLAGS:
		*why = "changes a file's flags (immutable, append-only)";
		return files_fd_write(0, a);
	}
	return 0;
}

/* adjtimex and clock_adjtime read the clock with modes 0; anything else sets it */
static long adjtime_refused(const long a[6], int arg, const char **why)
{
	struct timex t;
	if (uaccess_from(&t, (uintptr_t)a[arg], sizeof(t)) < 0)
		return -EFAULT;
	*why = host_wide;
	return t.modes ? -EPERM : 0;
}

/* The program's execution domain, kept here (the monitor's own stays). */
static unsigned long persona = PER_LINUX;

static long emulate_personality(unsigned long want)
{
	unsigned long old = persona;
	if (want != PERSONALITY_QUERY) {
		if ((want & PER_MASK) != PER_LINUX)
			return -EINVAL; /* only Linux binaries run here */
		persona = want;
	}
	return (long)old;
}

long refusal_check(long nr, const long a[6], const char **why, long *r)
{
	*why = NULL;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (refused[i].nr == nr) {
			*why = refused[i].why;
			return -refused[i].err;
		}
	switch (nr) {
	case SYS_prctl:
		return prctl_refused(a, why);
	case SYS_ioctl:
		return ioctl_refused(a, why);
	case SYS_adjtimex:
		return adjtime_refused(a, 0, why);
	case SYS_clock_adjtime:
		return adjtime_refused(a, 1, why);
	case SYS_unshare:
		*why = "a descriptor table of its own would hide the monitor's";
		return (a[0] & CLONE_FILES) ? -EINVAL : 0;
	case SYS_personality:
		*r = emulate_personality((unsigned long)a[0] & 0xffffffffUL);
		return 1;
	}
	return 0;
}
