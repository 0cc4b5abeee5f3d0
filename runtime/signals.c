/*
 * signals.c - the program's signal handlers, run in ring 3 on its own
 * stack with the frame Linux would build (siginfo, ucontext; no FPU
 * image). The monitor holds the program's sigaction table; to the host it
 * installs one catcher for each signal the program handles, which only
 * marks the signal pending. libdune gets the monitor thread out of user
 * code for it (single step) and, on the way back to user code (the return
 * hook), the frame is built and the program's handler starts.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "box.h"
#include "dune.h"
#include "dune_sigframe.h"
#include "mem.h"
#include "signals.h"

#define SIGBIT(s) (1ULL << ((s) - 1))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SA_RESTORER_FLAG 0x04000000
#define USER_RFLAGS 0x40dd5UL /* what a signal handler may change */

#define FPU_MAX 4096 /* the largest image dune_user_fpu gives */

static struct dune_ksigaction actions[65];
/* libdune's kick (TLB shootdowns) travels on this signal: the host must
 * always take it; the program's own uses of it come back through libdune
 * and are the program's like any other signal (masked here, virtually) */
static int reserved_sig;

static int is_handler(void *h)
{
	return h != SIG_DFL && h != SIG_IGN;
}

/* The host blocks sig from here until the program's handler has started
 * (which blocks it as Linux would) or the monitor knows it will not: as
 * natively, one signal per handler run, and the monitor is not taken out
 * of its work again and again for a signal it already holds. A forwarded
 * call does not start while one is held (sig_forward), so a wait cannot
 * begin that only a resend of it could end. */
static void catcher(int sig, siginfo_t *info, void *ucv)
{
	ucontext_t *uc = ucv;
	if (!self)
		return;
	self->sig_info[sig] = *info;
	__atomic_or_fetch(&self->sig_pending, SIGBIT(sig), __ATOMIC_SEQ_CST);
	sigaddset(&uc->uc_sigmask, sig);
}

/* What the host does for sig now that the program wants `a`. */
static int host_install(int sig, const struct dune_ksigaction *a)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	if (is_handler(a->handler)) {
		/* no SA_RESTART: the interrupted call comes back to the monitor,
		 * which restarts it after the program's handler if asked */
		sa.sa_sigaction = catcher;
		sa.sa_flags = SA_SIGINFO;
		sigfillset(&sa.sa_mask);
	} else {
		sa.sa_handler = a->handler;
		sa.sa_flags = (int)(a->flags & (SA_NOCLDSTOP | SA_NOCLDWAIT));
	}
	return sigaction(sig, &sa, NULL) < 0 ? -errno : 0;
}

void sig_init(void)
{
	reserved_sig = SIGRTMAX - 2;
}

static void set_host_mask(uint64_t mask)
{
	mask &= ~SIGBIT(reserved_sig);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8);
}

/* A call for the program that does not start while the program has a
 * signal to take: -DUNE_ENOTSTARTED then. */
void sig_forward(struct dune_tf *t)
{
	struct dune_call_guard g = { &self->sig_pending, &self->mask };
	if (self->sig_unguarded) {
		/* the instruction after a handler returned: the call runs as
		 * natively with a signal pending, and one that blocks is ended
		 * by the next (the hold goes: set_host_mask) */
		self->sig_unguarded = 0;
		set_host_mask(self->mask);
		dune_passthrough_syscall(t);
		return;
	}
	dune_passthrough_syscall_guarded(t, &g);
}

static long guarded(long nr, long a0, long a1)
{
	struct dune_tf t;
	memset(&t, 0, sizeof(t));
	t.rax = (uint64_t)nr;
	t.rdi = (uint64_t)a0;
	t.rsi = (uint64_t)a1;
	sig_forward(&t);
	return (long)t.rax;
}

static long do_sigaction(int sig, uintptr_t act, uintptr_t oact, size_t size)
{
	struct dune_ksigaction old, new;
	if (size != 8 || sig < 1 || sig > 64)
		return -EINVAL;
	if ((act && !mem_contains(act, sizeof(new))) || (oact && !mem_contains(oact, sizeof(old))))
		return -EFAULT;
	old = actions[sig];
	if (act) {
		memcpy(&new, (const void *)act, sizeof(new));
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		new.mask &= ~UNBLOCKABLE;
		long r = host_install(sig, &new);
		if (r < 0)
			return r;
		actions[sig] = new;
	}
	if (oact)
		memcpy((void *)oact, &old, sizeof(old));
	return 0;
}

static long do_sigprocmask(int how, uintptr_t set, uintptr_t oset, size_t size)
{
	uint64_t old = self->mask, s;
	if (size != 8)
		return -EINVAL;
	if ((set && !mem_contains(set, 8)) || (oset && !mem_contains(oset, 8)))
		return -EFAULT;
	if (set) {
		s = *(volatile uint64_t *)set & ~UNBLOCKABLE;
		switch (how) {
		case SIG_BLOCK: self->mask |= s; break;
		case SIG_UNBLOCK: self->mask &= ~s; break;
		case SIG_SETMASK: self->mask = s; break;
		default: return -EINVAL;
		}
		set_host_mask(self->mask);
	}
	if (oset)
		*(volatile uint64_t *)oset = old;
	return 0;
}

static long do_sigaltstack(uintptr_t ss, uintptr_t oss, uint64_t rsp)
{
	stack_t old = self->altstack;
	int on = old.ss_size && rsp - (uintptr_t)old.ss_sp < old.ss_size;
	if ((ss && !mem_contains(ss, sizeof(stack_t))) || (oss && !mem_contains(oss, sizeof(stack_t))))
		return -EFAULT;
	old.ss_flags = old.ss_size ? (on ? SS_ONSTACK : 0) : SS_DISABLE;
	if (ss) {
		stack_t n;
		memcpy(&n, (const void *)ss, sizeof(n));
		if (on)
			return -EPERM;
		if (n.ss_flags & SS_DISABLE)
			memset(&self->altstack, 0, sizeof(self->altstack));
		else if (n.ss_size < (size_t)MINSIGSTKSZ)
			return -ENOMEM;
		else
			self->altstack = n; /* checked when a frame goes there (deliver) */
	}
	if (oss)
		memcpy((void *)oss, &old, sizeof(old));
	return 0;
}

static void tf_to_sigcontext(const struct dune_tf *tf, struct sigcontext *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->r8 = tf->r8; sc->r9 = tf->r9; sc->r10 = tf->r10; sc->r11 = tf->r11;
	sc->r12 = tf->r12; sc->r13 = tf->r13; sc->r14 = tf->r14; sc->r15 = tf->r15;
	sc->rdi = tf->rdi; sc->rsi = tf->rsi; sc->rbp = tf->rbp; sc->rbx = tf->rbx;
	sc->rdx = tf->rdx; sc->rax = tf->rax; sc->rcx = tf->rcx; sc->rsp = tf->rsp;
	sc->rip = tf->rip; sc->eflags = tf->rflags; sc->cs = 0x33;
	sc->err = tf->err;
}

static void sigcontext_to_tf(const struct sigcontext *sc, struct dune_tf *tf)
{
	tf->r8 = sc->r8; tf->r9 = sc->r9; tf->r10 = sc->r10; tf->r11 = sc->r11;
	tf->r12 = sc->r12; tf->r13 = sc->r13; tf->r14 = sc->r14; tf->r15 = sc->r15;
	tf->rdi = sc->rdi; tf->rsi = sc->rsi; tf->rbp = sc->rbp; tf->rbx = sc->rbx;
	tf->rdx = sc->rdx; tf->rax = sc->rax; tf->rcx = sc->rcx; tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~USER_RFLAGS) | (sc->eflags & USER_RFLAGS);
}

/* The program's handler for sig starts: frame on its stack, tf at it. */
static void deliver(struct dune_tf *tf, int sig)
{
	struct dune_ksigaction *a = &actions[sig];
	struct sigcontext sc;
	uint64_t xcr0;
	/* the interrupted code's FPU state, as the kernel saves it */
	size_t fpu_size;
	void *fpu = dune_user_fpu(tf, &fpu_size, &xcr0);
	struct dune_sigframe f = { .sp = tf->rsp, .altstack = &self->altstack,
				   .onstack = (a->flags & SA_ONSTACK) != 0, .fpu_size = fpu_size };

	dune_sigframe_place(&f);
	/* as the kernel, which forces SIGSEGV when it cannot write the frame
	 * (an alternate stack unmapped, read-only or nowhere) */
	if (!(a->flags & SA_RESTORER_FLAG) || !mem_contains(f.frame, f.end - f.frame) ||
	    !dune_vm_user_writable(pgroot, (void *)f.frame, f.end - f.frame))
		box_die(SIGSEGV, "cannot deliver signal %d: the program's stack 0x%lx is unusable",
			sig, (unsigned long)tf->rsp);
	tf_to_sigcontext(tf, &sc);
	dune_sigframe_write(&f, a->restorer, &sc, &self->sig_info[sig],
			    self->in_suspend ? self->suspend_mask : self->mask, fpu);
	self->in_suspend = 0;
	tf->rip = (uintptr_t)a->handler;
	tf->rsp = f.frame;
	tf->rdi = (uint64_t)sig;
	tf->rsi = (uintptr_t)f.info;
	tf->rdx = (uintptr_t)f.uc;
	tf->rax = 0;
	tf->rflags &= ~(0x100UL | 0x400UL); /* TF, DF */
	self->mask |= a->mask | ((a->flags & SA_NODEFER) ? 0 : SIGBIT(sig));
	set_host_mask(self->mask);
	if (a->flags & SA_RESETHAND) {
		memset(a, 0, sizeof(*a));
		host_install(sig, a);
	}
}

/* sigsuspend: signals the monitor already holds for the program count as
 * arrived (the host would wait for nothing); the handler runs with the
 * temporary mask and its frame restores the old one. */
static long do_sigsuspend(uintptr_t set, size_t size)
{
	uint64_t newmask;
	long r;
	if (size != 8)
		return -EINVAL;
	if (!mem_contains(set, 8))
		return -EFAULT;
	newmask = *(volatile uint64_t *)set & ~UNBLOCKABLE;
	self->suspend_mask = self->mask;
	self->in_suspend = 1;
	self->mask = newmask;
	if (self->sig_pending & ~newmask)
		return -EINTR;
	uint64_t host_mask = newmask & ~SIGBIT(reserved_sig);
	r = guarded(SYS_rt_sigsuspend, (long)&host_mask, 8);
	return r == -DUNE_ENOTSTARTED ? -EINTR : r;
}

/* The FPU image a handler returns to, from its frame into the area user
 * code's state is loaded from, made safe for XRSTOR first: the program may
 * have written anything there. No image, or a bad one: left as it is. */
static void restore_fpu(struct dune_tf *tf, uintptr_t img)
{
	size_t size;
	uint64_t xcr0;
	uint8_t *fpu = dune_user_fpu(tf, &size, &xcr0);
	uint8_t copy[FPU_MAX] __attribute__((aligned(64)));

	if (!img || !mem_contains(img, size))
		return;
	memcpy(copy, (const void *)img, size);
	uint32_t mxcsr_mask = *(uint32_t *)(fpu + 28); /* the CPU's, from the trusted image */
	*(uint32_t *)(copy + 24) &= mxcsr_mask ? mxcsr_mask : 0xffbf; /* reserved bits fault */
	if (xcr0) {
		uint64_t *hdr = (uint64_t *)(copy + 512);
		hdr[0] &= xcr0; /* XSTATE_BV: only enabled components */
		for (int i = 1; i < 8; i++)
			hdr[i] = 0; /* XCOMP_BV and the reserved words */
	}
	memcpy(fpu, copy, size);
}

static long do_sigreturn(struct dune_tf *tf)
{
	struct dune_kucontext *uc = (struct dune_kucontext *)tf->rsp;
	if (!mem_contains((uintptr_t)uc, sizeof(*uc)))
		box_die(SIGSEGV, "rt_sigreturn with a frame outside the program's memory (0x%lx)",
			(unsigned long)tf->rsp);
	sigcontext_to_tf(&uc->uc_mcontext, tf);
	restore_fpu(tf, (uintptr_t)uc->uc_mcontext.fpstate);
	self->mask = uc->uc_sigmask & ~UNBLOCKABLE;
	set_host_mask(self->mask);
	/* A signal already waiting does not start at once on the context
	 * just restored: that runs one instruction first (a single step).
	 * Where a round trip through the monitor outlasts a timer's period
	 * (1 us ticks), the next tick would otherwise always be there, and
	 * the handler or loop underneath would never run. */
	if (self->sig_pending & ~self->mask) {
		self->sig_stepping = 1;
		dune_user_step();
	}
	return (long)tf->rax;
}

void sig_syscall_entered(void)
{
	if (self && self->sig_stepping) {
		self->sig_stepping = 0;
		self->sig_unguarded = 1;
	}
}

/* The signal calls; *handled = 0 for the others. */
long sig_syscall(struct dune_tf *tf, int *handled)
{
	*handled = 1;
	switch (tf->rax) {
	case SYS_rt_sigaction:
		return do_sigaction((int)tf->rdi, tf->rsi, tf->rdx, tf->r10);
	case SYS_rt_sigprocmask:
		return do_sigprocmask((int)tf->rdi, tf->rsi, tf->rdx, tf->r10);
	case SYS_sigaltstack:
		return do_sigaltstack(tf->rdi, tf->rsi, tf->rsp);
	case SYS_rt_sigreturn:
		return do_sigreturn(tf);
	case SYS_rt_sigsuspend: {
		long r = do_sigsuspend(tf->rdi, tf->rsi);
		if (self->in_suspend && !(self->sig_pending & ~self->mask)) {
			/* nothing to run after all: the old mask is back */
			self->mask = self->suspend_mask;
			self->in_suspend = 0;
			set_host_mask(self->mask);
		}
		return r;
	}
	}
	*handled = 0;
	return 0;
}

/* A fault in user code: the program's handler, or the end. */
void sig_fault(struct dune_tf *tf, int sig, int code, uintptr_t addr, const char *what)
{
	if (is_handler(actions[sig].handler) && !(self->mask & SIGBIT(sig))) {
		siginfo_t *si = &self->sig_info[sig];
		memset(si, 0, sizeof(*si));
		si->si_signo = sig;
		si->si_code = code;
		si->si_addr = (void *)addr;
		self->sig_pending |= SIGBIT(sig);
		return;
	}
	box_die(sig, "%s at rip 0x%lx", what, (unsigned long)tf->rip);
}

/* The return hook: pending signals the program does not block start their
 * handlers, lowest first, each frame on top of the last. */
void sig_user_return(struct dune_tf *tf)
{
	uint64_t pend;
	int dropped = 0;
	if (!self)
		return;
	self->sig_unguarded = 0; /* the call it was for is over */
	if (self->sig_stepping) {
		if (dune_user_stepping())
			return; /* after the step */
		self->sig_stepping = 0;
	}
	while ((pend = self->sig_pending & ~self->mask)) {
		int sig = __builtin_ctzll(pend) + 1;
		__atomic_and_fetch(&self->sig_pending, ~SIGBIT(sig), __ATOMIC_SEQ_CST);
		if (!is_handler(actions[sig].handler)) {
			dropped = 1;
			continue;
		}
		deliver(tf, sig);
	}
	if (dropped) /* the catcher left it blocked on the host */
		set_host_mask(self->mask);
}

/* An interrupted call restarts after the handler (SA_RESTART)? */
int sig_restart_wanted(void)
{
	uint64_t pend = self->sig_pending & ~self->mask;
	for (int sig = 1; sig < 65; sig++)
		if ((pend & SIGBIT(sig)) && is_handler(actions[sig].handler) &&
		    !(actions[sig].flags & SA_RESTART))
			return 0;
	return pend != 0;
}

void sig_reset_on_exec(void)
{
	for (int sig = 1; sig < 65; sig++)
		if (is_handler(actions[sig].handler)) {
			memset(&actions[sig], 0, sizeof(actions[sig]));
			host_install(sig, &actions[sig]);
		}
	memset(&self->altstack, 0, sizeof(self->altstack));
	self->sig_pending = 0;
	set_host_mask(self->mask); /* none caught is left blocked */
}
