/*
 * proc.c - the program's threads and processes. A program thread is a
 * monitor thread in dune mode running the program's code in ring 3; a
 * fork is a fork of the monitor (libdune rebuilds the VM in the child), so
 * children stay in the box. vfork becomes fork: a child sharing memory
 * with the monitor could not be kept in its region.
 */
#include <errno.h>
#include <fcntl.h>
#include <asm/prctl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "dune.h"
#include "box_registry.h"
#include "mem.h"
#include "monitor_fds.h"
#include "proc.h"

#define THREAD_STACK (256 * 1024)
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
		  CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* program threads of this process: the last one's exit ends the process
 * (the monitor's own helper threads must not keep it, and its VM, alive) */
static int nr_program_threads = 1;

struct box_thread *box_thread_new(void)
{
	return calloc(1, sizeof(struct box_thread));
}

struct start {
	struct dune_tf tf;
	unsigned long flags;
	uintptr_t ptid, ctid, tls;
	uint64_t parent_fs, parent_mask;
	sem_t started;
	long tid;
};

static void *thread_main(void *arg)
{
	struct start *st = arg;
	struct dune_tf tf = st->tf;
	long tid = syscall(SYS_gettid);

	self = box_thread_new();
	if (!self)
		box_die(SIGKILL, "out of memory for a new thread");
	__atomic_add_fetch(&nr_program_threads, 1, __ATOMIC_SEQ_CST);
	self->mask = st->parent_mask;
	self->tid = (int)tid;
	/* both tid words hold the tid before any program code runs, in
	 * either thread, as the kernel writes them: musl's thread-list lock
	 * takes the new thread's tid from the parent's word, and a 0 there
	 * makes the lock look free while the thread still holds it (its
	 * joiner would then unmap the stack under it) */
	if (st->flags & CLONE_PARENT_SETTID)
		*(volatile int *)st->ptid = (int)tid;
	if (st->flags & CLONE_CHILD_SETTID)
		*(volatile int *)st->ctid = (int)tid;
	if (st->flags & CLONE_CHILD_CLEARTID)
		self->clear_child_tid = st->ctid;
	dune_set_user_fs((st->flags & CLONE_SETTLS) ? st->tls : st->parent_fs);
	st->tid = tid;
	sem_post(&st->started);
	self->is_thread = 1;
	/* st is the parent's: gone from here on */
	/* returns when the program's thread exits */
	if (dune_jump_to_user(&tf) < 0)
		box_die(SIGKILL, "a new thread cannot enter user mode");
	return NULL;
}

static long new_thread(struct dune_tf *tf, unsigned long flags, uintptr_t newsp, uintptr_t ptid,
		       uintptr_t ctid, uintptr_t tls)
{
	struct start st;
	pthread_attr_t attr;
	pthread_t t;
	int r;

	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !mem_contains(ctid, 4))
		return -EFAULT;
	if ((flags & CLONE_PARENT_SETTID) && !mem_contains(ptid, 4))
		return -EFAULT;
	memset(&st, 0, sizeof(st));
	st.tf = *tf;
	st.tf.rax = 0;
	if (newsp)
		st.tf.rsp = newsp;
	st.flags = flags;
	st.ptid = ptid;
	st.ctid = ctid;
	st.tls = tls;
	st.parent_fs = dune_get_user_fs();
	st.parent_mask = self->mask;
	sem_init(&st.started, 0, 0);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	/* the new thread's vCPU descriptors appear while no program call
	 * copies a descriptor (monitor_fds.h) */
	mfd_create_begin();
	r = pthread_create(&t, &attr, thread_main, &st);
	pthread_attr_destroy(&attr);
	if (r) {
		mfd_create_end();
		return -r;
	}
	while (sem_wait(&st.started) < 0 && errno == EINTR)
		;
	mfd_create_end();
	sem_destroy(&st.started);
	return st.tid;
}

/* vfork's parent waits until the child execs or ends: the child holds the
 * write end of a pipe, which either closes. */
static int vfork_pipe(int p[2])
{
	int raw[2];
	mfd_create_begin();
	if (pipe2(raw, O_CLOEXEC) < 0) {
		mfd_create_end();
		return -errno;
	}
	mfd_own(raw[0]);
	mfd_own(raw[1]);
	p[0] = mfd_move_high(raw[0]); /* out of the program's way */
	p[1] = mfd_move_high(raw[1]);
	mfd_create_end();
	return p[0] < 0 || p[1] < 0 ? -EMFILE : 0;
}

void proc_exec_done(void)
{
	if (box.vfork_fd >= 0) {
		mfd_close(box.vfork_fd);
		box.vfork_fd = -1;
	}
}

/* fork, vfork, clone without CLONE_VM: a child process of the monitor. */
static long new_process(struct dune_tf *tf, unsigned long flags, uintptr_t newsp, uintptr_t ptid,
			uintptr_t ctid, uintptr_t tls)
{
	struct dune_tf t;
	int vfork = (flags & CLONE_VFORK) != 0, p[2] = {-1, -1};
	long r;

	if (vfork && vfork_pipe(p) < 0)
		vfork = 0; /* no pipe: the parent just does not wait */
	box.vfork_wait_fd = p[0];
	flags &= ~(CLONE_VM | CLONE_VFORK | CLONE_SETTLS);
	if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !mem_contains(ctid, 4))
		return -EFAULT;
	if ((flags & CLONE_PARENT_SETTID) && !mem_contains(ptid, 4))
		return -EFAULT;
	memset(&t, 0, sizeof(t));
	t.rax = SYS_clone;
	t.rdi = flags;
	t.rdx = ptid;
	t.r10 = ctid;
	/* the child gets every descriptor: none may be one the monitor is
	 * making and has not marked yet */
	mfd_capture_begin();
	dune_passthrough_syscall(&t);
	r = (long)t.rax;
	if (r == 0)
		mfd_after_fork_child();
	else
		mfd_capture_end();
	if (vfork && r > 0) {
		char c;
		mfd_close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		mfd_close(p[0]);
	} else if (vfork && r == 0) {
		mfd_close(p[0]);
		box.vfork_fd = p[1];
	} else if (vfork) {
		mfd_close(p[0]);
		mfd_close(p[1]);
	}
	box.vfork_wait_fd = -1;
	if (r == 0) { /* the child: same program, same box */
		int parent = box_pid;
		nr_program_threads = 1;
		mem_after_fork();
		box_pid = (int)syscall(SYS_getpid);
		registry_proc_inherit(parent, box_pid);
		self->tid = box_pid;
		if (newsp)
			tf->rsp = newsp;
		if (tls)
			dune_set_user_fs(tls);
		if (flags & CLONE_CHILD_CLEARTID)
			self->clear_child_tid = ctid;
	}
	return r;
}

long proc_clone(struct dune_tf *tf)
{
	unsigned long flags = tf->rdi;
	uintptr_t newsp = tf->rsi, ptid = tf->rdx, ctid = tf->r10, tls = tf->r8;
	struct decision d;

	switch (tf->rax) {
	case SYS_fork:
		return new_process(tf, SIGCHLD, 0, 0, 0, 0);
	case SYS_vfork:
		return new_process(tf, CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
	case SYS_clone3:
		return -ENOSYS; /* libc falls back to clone */
	}
	d = policy_check_namespaces(&box.policy, flags);
	if (d.kind == DECISION_DENY)
		return -d.err;
	if (flags & NS_FLAGS)
		return -EPERM;
	if ((flags & CLONE_VM) && (flags & CLONE_THREAD)) {
		if (!(flags & CLONE_SIGHAND) || !newsp)
			return -EINVAL;
		return new_thread(tf, flags, newsp, ptid, ctid, (flags & CLONE_SETTLS) ? tls : 0);
	}
	if (flags & CLONE_THREAD)
		return -EINVAL;
	/* CLONE_FILES without CLONE_VM: libdune's fork gives the child a table
	 * of its own (sharing the monitor's, it would make its VM descriptors
	 * in ours) */
	return new_process(tf, flags & ~CLONE_SETTLS, newsp,
			   ptid, ctid, (flags & CLONE_SETTLS) ? tls : 0);
}

long proc_set_tid_address(uintptr_t addr)
{
	self->clear_child_tid = addr;
	return syscall(SYS_gettid);
}

void proc_exit(struct dune_tf *tf, int group)
{
	if (group)
		syscall(SYS_exit_group, (int)tf->rdi);
	if (self->clear_child_tid && mem_contains(self->clear_child_tid, 4)) {
		*(volatile int *)self->clear_child_tid = 0;
		syscall(SYS_futex, self->clear_child_tid, FUTEX_WAKE, 1, 0, 0, 0);
	}
	/* the last program thread: the process ends (the monitor's own
	 * threads would keep it, and its VM, alive) */
	if (__atomic_sub_fetch(&nr_program_threads, 1, __ATOMIC_SEQ_CST) == 0)
		syscall(SYS_exit_group, (int)tf->rdi);
	if (self->is_thread) {
		/* back out of user mode into thread_main, which returns: pthread
		 * gives the monitor thread's stack back */
		free(self);
		self = NULL;
		dune_ret_from_user(0);
	}
	free(self);
	self = NULL;
	syscall(SYS_exit, (int)tf->rdi); /* the first thread: nothing to return to */
	__builtin_unreachable();
}

long proc_arch_prctl(long code, long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if ((uint64_t)addr >= (1UL << 47))
			return -EPERM;
		dune_set_user_fs((uint64_t)addr);
		return 0;
	case ARCH_GET_FS:
		if (!mem_contains((uintptr_t)addr, 8))
			return -EFAULT;
		*(volatile uint64_t *)addr = dune_get_user_fs();
		return 0;
	}
	return -EINVAL;
}
