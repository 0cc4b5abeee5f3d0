/* sysargs_calls.h - the per-call checks for what the table's descriptors
 * cannot say: memory that depends on flags, commands or nested structures.
 * Each runs after the call's descriptors and returns 0 or a negative errno
 * (see sysargs.h). */
#ifndef DUNEBOX_SYSARGS_CALLS_H
#define DUNEBOX_SYSARGS_CALLS_H

#include "sysargs_internal.h"

typedef int sa_check_fn(struct sa_call *c, const long a[6]);

/* sysargs_signal.c */
sa_check_fn sa_check_sigaction, sa_check_sigaltstack, sa_check_mq_notify;
/* sysargs_ioctl.c, sysargs_fcntl.c, sysargs_prctl.c */
sa_check_fn sa_check_ioctl, sa_check_fcntl, sa_check_prctl, sa_check_arch_prctl;
/* sysargs_poll.c */
sa_check_fn sa_check_select, sa_check_pselect6, sa_check_epoll_ctl;
/* sysargs_mm.c */
sa_check_fn sa_check_mmap, sa_check_mremap, sa_check_mincore, sa_check_process_madvise;
/* sysargs_numa.c */
sa_check_fn sa_check_mbind, sa_check_set_mempolicy, sa_check_get_mempolicy,
	sa_check_migrate_pages;
/* sysargs_ipc.c */
sa_check_fn sa_check_shmat, sa_check_shmctl, sa_check_semctl, sa_check_msgsnd,
	sa_check_msgrcv, sa_check_msgctl;
/* sysargs_socket.c */
sa_check_fn sa_check_accept, sa_check_sockname, sa_check_recvfrom,
	sa_check_setsockopt, sa_check_getsockopt;
/* sysargs_msghdr.c */
sa_check_fn sa_check_sendmsg, sa_check_recvmsg, sa_check_sendmmsg, sa_check_recvmmsg;
/* sysargs_process.c */
sa_check_fn sa_check_clone, sa_check_clone3, sa_check_kcmp, sa_check_sched_setattr;
/* sysargs_security.c */
sa_check_fn sa_check_capget, sa_check_capset, sa_check_seccomp, sa_check_landlock_add_rule;
/* sysargs_futex.c */
sa_check_fn sa_check_futex, sa_check_futex_waitv;
/* sysargs_aio.c */
sa_check_fn sa_check_io_submit, sa_check_io_pgetevents;
/* sysargs_fs.c */
sa_check_fn sa_check_name_to_handle_at, sa_check_open_by_handle_at, sa_check_fsconfig,
	sa_check_quotactl, sa_check_quotactl_fd;
/* sysargs_admin.c */
sa_check_fn sa_check_syslog, sa_check_reboot;

/* A struct sock_fprog and the BPF program it points to (socket filters,
 * seccomp): arg names the argument that led to it. */
int sa_sock_fprog(struct sa_call *c, int arg, const char *what, uintptr_t prog);

#endif
