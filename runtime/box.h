/*
 * box.h - dunebox's monitor: one untrusted program in ring 3 of this
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

#include "dune.h"
#include "loader/elf_load.h"
#include "policy/audit.h"
#include "policy/policy.h"

/* The program's part of the address space: below every mapping of the
 * monitor (a PIE at 0x55..., libraries and stacks at 0x7f...). */
#define BOX_LO 0x10000UL
#define BOX_HI 0x400000000000UL /* 64 TiB */
#define BOX_STACK (8UL << 20)

struct box {
	struct policy policy;
	int audit_fd, trace_fd;   /* -1: off; both are monitor fds */
	int err_fd;               /* the monitor's own stderr (the program may close 2) */
	int vfork_fd;             /* a vfork child: closing it lets the parent go on */
	int vfork_wait_fd;        /* the parent's end while it waits */
	int supervisor;           /* dunebox's first process, outside the box */
	char tmp_dir[PATH_MAX];   /* the private /tmp, "" if none */
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
	uint64_t sig_pending;      /* signals for the program's handlers (bit sig) */
	uint64_t suspend_mask;     /* the mask sigsuspend replaced */
	int in_suspend;
	siginfo_t sig_info[65];
	stack_t altstack;
};
extern __thread struct box_thread *self;

/* dunebox.c */
void box_die(int sig, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void box_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* an escape attempt or a refused call worth a line on stderr and in the audit */
void box_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int box_pid;

/* outer.c: the kernel's isolation around the whole process (runtime/jail) */
struct outer_options {
	int inner_only;           /* --inner-only: the monitor's checks alone */
	int without;              /* --without: enum jail_layer bits given up */
	int native;               /* test builds: the program runs natively, no monitor */
	uint64_t memory_limit;    /* --memory (0: half the machine's) */
	uint64_t pids_limit;      /* --pids (0: the default) */
};
int outer_enter(const struct outer_options *o);

/* mem.c: the program's memory */
int mem_contains(uintptr_t addr, size_t len);
int mem_range_ok(void *ctx, uintptr_t addr, size_t len, int write);
long mem_syscall(long nr, const long a[6]); /* mmap & co: emulated inside the region */
void mem_reset(uintptr_t brk_start);        /* a new program image */
void mem_set_mmap_top(uintptr_t top);
int mem_unmap_all(void);

/* exec.c */
int exec_first(const char *path, char *const argv[], char *const envp[], struct dune_tf *tf);
long exec_syscall_path(struct dune_tf *tf, const char *path, uintptr_t argv, uintptr_t envp);

/* sys.c: the system call handler */
void sys_handler(struct dune_tf *tf);
int box_fd_is_monitors(long fd);
long fds_check(long nr, const long a[6], int *handled); /* fds.c */

/* copyargs.c: nested structures of forwarded calls, copied */
long copyargs(long nr, long a[6]);
void copyargs_after(long nr, const long orig[6], long result);

/* targets.c: signals only to processes of the box */
int box_pid_inside(long pid);
long targets_check(long nr, const long a[6]);

/* files.c: calls that name paths */
long files_check(long nr, long a[6], struct syscall_event *ev, const char **abs_out);
int files_readlink_self(long nr, const long a[6], long *r);

/* proc.c: threads, fork, exit */
struct box_thread *box_thread_new(void);
long proc_clone(struct dune_tf *tf);
void proc_exit(struct dune_tf *tf, int group) __attribute__((noreturn));
long proc_arch_prctl(long code, long addr);
long proc_set_tid_address(uintptr_t addr);
void proc_exec_done(void);

/* signals.c */
void sig_init(void);
long sig_syscall(struct dune_tf *tf, int *handled);
void sig_user_return(struct dune_tf *tf);
void sig_fault(struct dune_tf *tf, int sig, int code, uintptr_t addr, const char *what);
void sig_reset_on_exec(void);
int sig_restart_wanted(void);

#endif
