/*
 * sys.c - every system call the program makes arrives here, in the
 * monitor, with the program's registers (tf). In order: the policy's word
 * on the call; descriptors of the monitor's; calls the monitor does itself
 * (memory, threads and processes, exec, signals, FS base); then, for the
 * rest, every piece of memory the kernel would touch is checked to be the
 * program's, paths are checked and copied, and the call goes to the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "copyargs.h"
#include "dune.h"
#include "exec.h"
#include "fds.h"
#include "file_locks.h"
#include "files.h"
#include "inner_refusals.h"
#include "mem.h"
#include "policy/audit.h"
#include "policy/syscalls.h"
#include "proc.h"
#include "process_targets.h"
#include "signal_targets.h"
#include "signals.h"
#include "socket_paths.h"
#include "sys.h"
#include "sysargs/sysargs.h"
#include "sysv_ipc.h"
#include "uaccess.h"

static __thread char trace_line[TRACE_LINE_MAX];
static __thread char *audit_line;

static void event_start(struct syscall_event *ev, long nr, const long a[6])
{
	memset(ev, 0, sizeof(*ev));
	ev->nr = nr;
	memcpy(ev->args, a, sizeof(ev->args));
	ev->decision.kind = DECISION_ALLOW;
}

static void event_end(struct syscall_event *ev, long result)
{
	/* refused calls go to the audit, and to the terminal when asked
	 * (--log-denials), never into the program's stderr by themselves;
	 * "not offered" (ENOSYS), which libc falls back from quietly, is not
	 * shown */
	int denied = ev->decision.kind == DECISION_DENY && ev->decision.err != ENOSYS;
	int show = box.trace_fd >= 0 || (denied && box.log_denials && box.policy.log != LOG_NONE);
	ev->has_result = 1;
	ev->result = result;
	if (!show && box.audit_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ev->time);
	ev->pid = box_pid;
	ev->tid = self ? self->tid : 0;
	if (show)
		trace_emit(box.trace_fd >= 0 ? box.trace_fd : box.err_fd, ev, trace_line,
			   sizeof(trace_line));
	if (box.audit_fd >= 0) {
		if (!audit_line)
			audit_line = malloc(AUDIT_LINE_MAX);
		if (audit_line)
			audit_emit(box.audit_fd, ev, audit_line, AUDIT_LINE_MAX);
	}
}

static long deny(struct syscall_event *ev, int err)
{
	ev->decision.kind = DECISION_DENY;
	ev->decision.err = err;
	return -err;
}

static long forward(long nr, const long a[6])
{
	struct dune_tf t;
	memset(&t, 0, sizeof(t));
	t.rax = (uint64_t)nr;
	t.rdi = (uint64_t)a[0];
	t.rsi = (uint64_t)a[1];
	t.rdx = (uint64_t)a[2];
	t.r10 = (uint64_t)a[3];
	t.r8 = (uint64_t)a[4];
	t.r9 = (uint64_t)a[5];
	sig_forward(&t);
	return (long)t.rax;
}

/* Calls the monitor does itself. Returns 1 with *r set, or 0. */
static int emulated(struct dune_tf *tf, long nr, long a[6], struct syscall_event *ev, long *r)
{
	int handled;

	switch (nr) {
	case SYS_exit:
	case SYS_exit_group:
		event_end(ev, 0);
		proc_exit(tf, nr == SYS_exit_group);
	case SYS_clone:
	case SYS_clone3:
	case SYS_fork:
	case SYS_vfork:
		*r = proc_clone(tf);
		return 1;
	case SYS_execve:
	case SYS_execveat:
		*r = exec_syscall(tf, nr, a, ev);
		return 1;
	case SYS_mmap: case SYS_munmap: case SYS_mprotect: case SYS_pkey_mprotect:
	case SYS_madvise: case SYS_msync: case SYS_mlock: case SYS_munlock: case SYS_mlock2:
	case SYS_mlockall:
	case SYS_mincore: case SYS_mremap: case SYS_brk: case SYS_shmat: case SYS_shmdt:
		*r = mem_syscall(nr, a);
		return 1;
	case SYS_arch_prctl:
		*r = proc_arch_prctl(a[0], a[1]);
		return 1;
	case SYS_set_tid_address:
		*r = proc_set_tid_address((uintptr_t)a[0]);
		return 1;
	case SYS_prctl:
		if (a[0] != PR_GET_TID_ADDRESS)
			break;
		*r = proc_get_tid_address((uintptr_t)a[1]);
		return 1;
	case SYS_set_robust_list:
		/* kept here, not given to the kernel: at thread exit it would
		 * follow the list's pointers wherever they lead */
		*r = a[1] != 24 ? -EINVAL : (self->robust_list = (uintptr_t)a[0], 0);
		return 1;
	case SYS_get_robust_list:
		if (a[0] && a[0] != self->tid)
			*r = -EPERM;
		else if (!mem_contains((uintptr_t)a[1], 8) || !mem_contains((uintptr_t)a[2], 8))
			*r = -EFAULT;
		else {
			*(volatile uintptr_t *)a[1] = self->robust_list;
			*(volatile size_t *)a[2] = 24;
			*r = 0;
		}
		return 1;
	case SYS_kill:
	case SYS_tkill:
	case SYS_tgkill:
	case SYS_rt_sigqueueinfo:
	case SYS_rt_tgsigqueueinfo:
	case SYS_pidfd_open:
		if ((*r = targets_check(nr, a)) == -EPERM) { /* a process outside the box */
			*r = deny(ev, EPERM);
			return 1;
		}
		return *r < 0; /* no such process: ESRCH, as the kernel says */
	}
	*r = sig_syscall(tf, &handled);
	return handled;
}

void sys_handler(struct dune_tf *tf)
{
	long nr = (long)tf->rax, r;
	long a[6] = {(long)tf->rdi, (long)tf->rsi, (long)tf->rdx,
		     (long)tf->r10, (long)tf->r8, (long)tf->r9};
	struct syscall_event ev;
	char why[160];
	const char *refused_why;
	long refused;
	int handled, bad_arg;

	sig_syscall_entered();
	event_start(&ev, nr, a);
	if (UACCESS_ARM(self)) { /* the program's pointer faulted in the monitor */
		r = -EFAULT;
		goto done;
	}
	ev.decision = policy_check_syscall(&box.policy, nr, a);
	if (ev.decision.kind == DECISION_DENY) {
		r = -ev.decision.err;
		goto done;
	}
	if ((refused = refusal_check(nr, a, &refused_why, &r)) != 0) {
		if (refused < 0) { /* whatever the policy says */
			r = deny(&ev, (int)-refused);
			box_report("%s: %s", syscall_name(nr) ? syscall_name(nr) : "?", refused_why);
		}
		goto done;
	}
	if ((r = fds_check(nr, a, &handled)) < 0 || handled)
		goto done;
	if ((r = process_targets_check(nr, a)) < 0) {
		deny(&ev, (int)-r);
		goto done;
	}
	if (emulated(tf, nr, a, &ev, &r)) {
		if (nr == SYS_rt_sigreturn || ((nr == SYS_execve || nr == SYS_execveat) && r == 0)) {
			UACCESS_DISARM(self);
			event_end(&ev, r);
			return; /* tf is what runs next, rax included */
		}
		goto done;
	}
	r = sysargs_check_arg(nr, a, mem_range_ok, NULL, why, sizeof(why), &bad_arg);
	if (r == -ENOSYS) {
		r = deny(&ev, ENOSYS); /* how it uses memory is not known here */
		goto done;
	}
	if (r < 0)
		box_report("%s", why);
	/* a buffer the kernel may not be handed: the call carries a pointer
	 * the kernel refuses instead, and the kernel answers as natively
	 * (its own checks first, EFAULT when it reaches the memory) */
	for (int tries = 0; r < 0 && bad_arg >= 0 && tries < 6; tries++) {
		a[bad_arg] = (long)SYSARGS_POISON;
		r = sysargs_check_arg(nr, a, mem_range_ok, NULL, why, sizeof(why), &bad_arg);
	}
	if (r < 0)
		goto done;
	if (sysv_ipc_syscall(nr, a, &r) || file_locks_syscall(nr, a, &r) ||
	    socket_syscall(nr, a, &ev, &r) || files_syscall(nr, a, &ev, &r)) {
		if (r < 0 && ev.decision.kind != DECISION_DENY)
			ev.decision.kind = DECISION_ALLOW;
		goto done;
	}
	long orig[6];
	memcpy(orig, a, sizeof(orig));
	if ((r = copyargs(nr, a)) < 0) {
		if (r == -ENOSYS)
			r = deny(&ev, ENOSYS);
		copyargs_after(nr, orig, r);
		socket_paths_release();
		goto done;
	}
	r = forward(nr, a);
	copyargs_after(nr, orig, r);
	socket_paths_release();
	if (r == -DUNE_ENOTSTARTED || (r == -EINTR && sig_restart_wanted())) {
		/* the handler runs first, then the call again */
		tf->rip -= 2;
		tf->rax = (uint64_t)nr;
		UACCESS_DISARM(self);
		event_end(&ev, r);
		return;
	}
done:
	UACCESS_DISARM(self);
	tf->rax = (uint64_t)r;
	event_end(&ev, r);
}
