/*
 * box.h - the box's state, shared by every module of dunebox's monitor,
 * and its messages. The monitor: one untrusted program in ring 3 of this
 * process, its memory one region of the address space (the rest, the
 * monitor's, is absent from its page table), every system call it makes
 * taken here in ring 0 (ring 3 of the user view on PVM), checked against
 * the policy, then emulated, forwarded to the host or refused.
 */
#ifndef DUNEBOX_BOX_H
#define DUNEBOX_BOX_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>

#include "policy/policy.h"

/* The program's part of the address space: below every mapping of the
 * monitor (a PIE at 0x55..., libraries and stacks at 0x7f...). */
#define BOX_LO 0x10000UL
#define BOX_HI 0x400000000000UL /* 64 TiB */
#define BOX_STACK (8UL << 20)
#define BOX_LAZY_MIRROR (64UL << 20) /* mappings this big are mirrored as touched */

struct box {
	struct policy policy;
	int audit_fd, trace_fd;   /* -1: off; both are monitor fds */
	int err_fd;               /* the monitor's own stderr (the program may close 2) */
	int log_denials;          /* refused calls and blocked attempts on err_fd too */
	int vfork_fd;             /* a vfork child: closing it lets the parent go on */
	int vfork_wait_fd;        /* the parent's end while it waits */
	int supervisor;           /* dunebox's first process, outside the box */
	int root;                 /* the box's first process (the first monitor) */
	unsigned long long supervisor_start, root_start; /* their start times */
	char tmp_dir[PATH_MAX];   /* the private /tmp, "" if none */
	char shm_dir[PATH_MAX];   /* the private /dev/shm, "" if none */
	uintptr_t vdso_lo, vdso_hi; /* the host's [vvar]+[vdso], shared read-only */
	uintptr_t vdso;           /* AT_SYSINFO_EHDR */
	char prog[PATH_MAX];      /* what runs now (after execve: the new one) */
};
extern struct box box;

/* per program thread (one monitor thread each) */
struct box_thread {
	uintptr_t clear_child_tid; /* CLONE_CHILD_CLEARTID / set_tid_address */
	uintptr_t robust_list;     /* set_robust_list, kept (sys.c) */
	int tid;
	int is_thread;             /* not the first thread: its monitor thread returns */
	uint64_t mask;             /* the program's blocked signals (bit sig-1) */
	uint64_t sig_pending;      /* signals for the program's handlers (bit sig-1) */
	uint64_t suspend_mask;     /* the mask sigsuspend replaced */
	int in_suspend;
	int sig_stepping;          /* a handler returned: one instruction first (signals.c) */
	int sig_unguarded;         /* ... which is a system call: it starts anyway */
	siginfo_t sig_info[65];
	stack_t altstack;
	void *uaccess_jmp[5];      /* where a bad program pointer lands (uaccess.c) */
	int uaccess_armed;
};
extern __thread struct box_thread *self; /* NULL in a thread that runs no program code */

/* box.c: messages (stderr, the audit) and the end of the box */
void box_die(int sig, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void box_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* an escape attempt or a refused call: a line in the audit, and on stderr
 * with --log-denials */
void box_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int box_pid; /* this process of the box (the monitor's pid) */

#endif
