/* host half - signals.c: signals for programs in dune mode.
 *
 * The kernel delivers signals to the host half of a thread. libdune installs
 * its own handler for every signal the program handles; it only notes the
 * signal. Before the vCPU runs again, the host half builds a signal frame on
 * the guest's stack as the kernel would (siginfo_t, ucontext_t, FPU state)
 * and starts the program's handler in the guest; the handler returns
 * through rt_sigreturn, which the host half answers by restoring the saved
 * context exactly. Threads not in dune mode get the program's handler
 * natively.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "common/ksigaction.h"
#include "common/log.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "common/util.h"
#include "common/x86.h"
#include "dune.h"
#include "dune_sigframe.h"
#include "guest/x86/apic.h"
#include "guest/x86/entry.h"
#include "guest/x86/hypercall.h"
#include "guest/x86/trap.h"
#include "host/forward_call.h"
#include "host/hostside.h"
#include "host/kick.h"
#include "host/signals.h"
#include "mm/mirror.h"
#include "mm/mirror_lock.h"

/* the program's view of each signal's action */
static struct dune_ksigaction actions[65];
static uint64_t routed;  /* signals that come as vectors (dune_register_signal_handler) */

/* What a signal frame holds beyond the kernel's (its extra bytes,
 * dune_sigframe.h): libdune's hypercall block, which the handler's own
 * system calls overwrite. */
struct frame_extra {
	uint64_t magic;
	uint64_t hc_ret;
	uint64_t hc_args[7];
	const struct dune_call_guard *guard;
	uint64_t sig;
};
#define FRAME_MAGIC 0x64756e6573696721ULL


static int is_handler(void *h)
{
	return h != SIG_DFL && h != SIG_IGN;
}

/* ---- the host handler ---- */

/* A signal routed to a vector, in a thread outside dune mode: the vector's
 * handler runs at once on a frame made of the interrupted context. */
static void vector_natively(int sig, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	dune_intr_cb cb = dune_intr_handler(DUNE_SIGNAL_INTR_BASE + sig);
	struct dune_tf tf = {
		.rdi = g[REG_RDI], .rsi = g[REG_RSI], .rdx = g[REG_RDX], .rcx = g[REG_RCX],
		.r8 = g[REG_R8], .r9 = g[REG_R9], .r10 = g[REG_R10], .r11 = g[REG_R11],
		.rbx = g[REG_RBX], .rbp = g[REG_RBP], .r12 = g[REG_R12], .r13 = g[REG_R13],
		.r14 = g[REG_R14], .r15 = g[REG_R15], .rax = g[REG_RAX], .rip = g[REG_RIP],
		.cs = GD_KT, .rflags = g[REG_EFL], .rsp = g[REG_RSP], .ss = GD_KD,
	};
	if (!cb)
		return;
	cb(&tf);
	g[REG_RDI] = tf.rdi; g[REG_RSI] = tf.rsi; g[REG_RDX] = tf.rdx; g[REG_RCX] = tf.rcx;
	g[REG_R8] = tf.r8; g[REG_R9] = tf.r9; g[REG_R10] = tf.r10; g[REG_R11] = tf.r11;
	g[REG_RBX] = tf.rbx; g[REG_RBP] = tf.rbp; g[REG_R12] = tf.r12; g[REG_R13] = tf.r13;
	g[REG_R14] = tf.r14; g[REG_R15] = tf.r15; g[REG_RAX] = tf.rax; g[REG_RIP] = tf.rip;
	g[REG_RSP] = tf.rsp;
	g[REG_EFL] = (g[REG_EFL] & ~(long long)EFLAGS_USER_CHANGEABLE) |
		     (long long)(tf.rflags & EFLAGS_USER_CHANGEABLE);
}

static void host_handler(int sig, siginfo_t *info, void *ucv)
{
	struct dune_percpu *cpu = dune_self;
	struct dune_ksigaction *a = &actions[sig];
	int in_dune = cpu && cpu->state == VCPU_ACTIVE;

	if (routed & KSIG_BIT(sig)) {
		if (!in_dune) {
			vector_natively(sig, ucv);
			return;
		}
		/* the vCPU takes it as an interrupt (vintr.c) after this exit */
		vintr_post(cpu, DUNE_SIGNAL_INTR_BASE + (unsigned)sig);
		if (cpu->vcpu)
			dune_state.hostside->vcpu_kick(cpu);
		return;
	}
	if (!in_dune) {
		/* a native thread: the program's handler, as the kernel would */
		if (a->flags & SA_SIGINFO)
			((void (*)(int, siginfo_t *, void *))a->handler)(sig, info, ucv);
		else if (is_handler(a->handler))
			((void (*)(int))a->handler)(sig);
		return;
	}
	ucontext_t *uc = ucv;
	greg_t *rip = &uc->uc_mcontext.gregs[REG_RIP];

	memcpy(&cpu->sig_info[sig], info, sizeof(cpu->sig_info[sig]));
	__atomic_or_fetch(&cpu->sig_pending, KSIG_BIT(sig), __ATOMIC_SEQ_CST);
	/* held blocked until its frame is built: a signal that comes again at
	 * once (a POSIX timer at 1 MHz) would otherwise end every vCPU run
	 * before the guest could reach the handler. Natively too, one comes
	 * per handler run. */
	sigaddset(&uc->uc_sigmask, sig);
	__atomic_or_fetch(&cpu->sig_held, KSIG_BIT(sig), __ATOMIC_SEQ_CST);
	/* a forwarded call about to start does not: the handler runs first
	 * (held, the signal could not end a wait it started) */
	*rip = (greg_t)forward_call_interrupted((uint64_t)*rip);
}

void signals_foreign_kick(int sig, siginfo_t *info, void *ucv)
{
	struct dune_ksigaction *a = &actions[sig];
	if (is_handler(a->handler)) {
		host_handler(sig, info, ucv);
		return;
	}
	if (a->handler == SIG_IGN)
		return;
	/* the default action of a real-time signal: the process ends by it */
	struct dune_ksigaction dfl = { .handler = SIG_DFL };
	raw_syscall4(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	raw_syscall3(SYS_tgkill, raw_syscall0(SYS_getpid), raw_syscall0(SYS_gettid), sig);
}

static long install(int sig, const struct dune_ksigaction *prog)
{
	struct dune_ksigaction k = *prog;
	if (routed & KSIG_BIT(sig)) {
		/* the vector's handler, whatever the program's action says; a
		 * forwarded call it interrupts is restarted before it runs */
		k.handler = (void *)host_handler;
		k.flags = SA_SIGINFO | SA_RESTORER | SA_RESTART;
		k.restorer = (void *)raw_sigreturn;
		k.mask = 0;
	} else if (is_handler(prog->handler)) {
		k.handler = (void *)host_handler;
		/* no SA_RESTART: an interrupted forwarded call comes back, so the
		 * guest's handler runs at once; the restart is done afterwards */
		k.flags = SA_SIGINFO | SA_RESTORER | (prog->flags & (SA_NOCLDSTOP | SA_NOCLDWAIT));
		k.restorer = prog->restorer;
	}
	return raw_syscall4(SYS_rt_sigaction, sig, &k, NULL, 8);
}

/* Host half (or host mode): sig comes as a vector (on) or as a signal. */
long signals_route(int sig, int on)
{
	if (sig < 1 || DUNE_SIGNAL_INTR_BASE + sig > 255 || sig == SIGKILL || sig == SIGSTOP ||
	    sig == dune_state.kick_signal)
		return -EINVAL;
	if (on)
		routed |= KSIG_BIT(sig);
	else
		routed &= ~KSIG_BIT(sig);
	return install(sig, &actions[sig]);
}

int dune_register_signal_handler(int signum, dune_intr_cb cb)
{
	long r;
	if (signum < 1 || DUNE_SIGNAL_INTR_BASE + signum > 255)
		return -EINVAL;
	if ((r = dune_register_intr_handler(DUNE_SIGNAL_INTR_BASE + signum, cb)) < 0)
		return (int)r;
	r = dune_guest_mode ? hypercall(HC_SIGROUTE, signum, cb != NULL, 0, 0)
			    : signals_route(signum, cb != NULL);
	return (int)r;
}

sighandler_t dune_signal(int sig, sighandler_t cb)
{
	return signal(sig, cb);
}

/* At the first dune_enter: handlers installed before are the guest's too. */
int signals_init(void)
{
	for (int sig = 1; sig < 65; sig++) {
		struct dune_ksigaction cur;
		if (sig == SIGKILL || sig == SIGSTOP || sig == dune_state.kick_signal)
			continue;
		if (raw_syscall4(SYS_rt_sigaction, sig, NULL, &cur, 8) < 0)
			continue;
		actions[sig] = cur;
		if (is_handler(cur.handler) && (cur.flags & SA_RESTORER))
			install(sig, &cur);
	}
	return 0;
}

long signals_sigaction(int sig, const struct dune_ksigaction *act, struct dune_ksigaction *oact)
{
	if (sig < 1 || sig > 64)
		return -EINVAL;
	if (oact)
		*oact = actions[sig];
	if (!act)
		return 0;
	if (sig == SIGKILL || sig == SIGSTOP)
		return -EINVAL;
	if (is_handler(act->handler) && !(act->flags & SA_RESTORER))
		return -EINVAL; /* x86-64 needs a restorer, as in the kernel */
	actions[sig] = *act;
	/* the kick signal keeps libdune's host handler, which passes the
	 * program's own uses of it on (signals_foreign_kick) */
	return sig == dune_state.kick_signal ? 0 : install(sig, act);
}

long signals_sigaltstack(struct dune_percpu *cpu, const void *ssv, void *ossv, uint64_t rsp)
{
	const stack_t *ss = ssv;
	stack_t *oss = ossv;
	int on = cpu->altstack_size && rsp - cpu->altstack_sp < cpu->altstack_size;
	if (oss) {
		oss->ss_sp = (void *)cpu->altstack_sp;
		oss->ss_size = cpu->altstack_size;
		oss->ss_flags = !cpu->altstack_size ? SS_DISABLE : on ? SS_ONSTACK : 0;
	}
	if (ss) {
		if (on)
			return -EPERM;
		if (ss->ss_flags & SS_DISABLE) {
			cpu->altstack_sp = cpu->altstack_size = 0;
		} else {
			if (ss->ss_size < (size_t)MINSIGSTKSZ)
				return -ENOMEM;
			cpu->altstack_sp = (uint64_t)ss->ss_sp;
			cpu->altstack_size = ss->ss_size;
		}
	}
	return 0;
}

/* ---- delivery ---- */

/* Is [addr, addr+len) mirrored memory with prot? (host-side check of guest
 * pointers before libdune itself dereferences them) */
int guest_range_ok(uint64_t addr, uint64_t len, int prot)
{
	for (uint64_t p = PAGE_ALIGN_DOWN(addr); p < addr + len; p += PGSIZE) {
		int have;
		if (!mirror_lookup(p, &have) || (have & prot) != prot)
			return 0;
	}
	return len > 0;
}


/* Not inside libdune's exception entry (on the interrupt stack, or in ring
 * 0 on a deprivileged guest): a signal frame there would break it. Nor in
 * user code: the program's handler can't run on its stack. */
int guest_at_safe_point(struct dune_percpu *cpu, const struct kvm_regs *regs)
{
	uint64_t ist = cpu->stacks + cpu->stacks_size - IST_STACK_SIZE;
	struct kvm_sregs s;

	if (regs->rsp >= ist && regs->rsp < cpu->stacks + cpu->stacks_size)
		return UNSAFE;
	/* entering or leaving a trap stack: a fault in the handler would
	 * reuse the stack the frame is being popped from */
	if (regs->rip >= (uint64_t)dune_trap_code_start && regs->rip < (uint64_t)dune_trap_code_end)
		return UNSAFE;
	if (dune_state.deprivileged && ((struct ist_head *)cpu->ist_page)->uview_on)
		return IN_USER_CODE;
	if (!dune_state.deprivileged && !cpu->in_user)
		return SAFE;
	if (dune_state.hostside->vcpu_get_sregs(cpu, &s) < 0)
		return UNSAFE;
	if (dune_state.deprivileged)
		return (s.cs.selector & 3) == 3 ? SAFE : UNSAFE;
	return (s.cs.selector & 3) == 3 ? IN_USER_CODE : SAFE;
}

static void regs_to_sigcontext(const struct kvm_regs *r, struct sigcontext *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->r8 = r->r8; sc->r9 = r->r9; sc->r10 = r->r10; sc->r11 = r->r11;
	sc->r12 = r->r12; sc->r13 = r->r13; sc->r14 = r->r14; sc->r15 = r->r15;
	sc->rdi = r->rdi; sc->rsi = r->rsi; sc->rbp = r->rbp; sc->rbx = r->rbx;
	sc->rdx = r->rdx; sc->rax = r->rax; sc->rcx = r->rcx; sc->rsp = r->rsp;
	sc->rip = r->rip; sc->eflags = r->rflags;
}

static void sigcontext_to_regs(const struct sigcontext *sc, struct kvm_regs *r)
{
	r->r8 = sc->r8; r->r9 = sc->r9; r->r10 = sc->r10; r->r11 = sc->r11;
	r->r12 = sc->r12; r->r13 = sc->r13; r->r14 = sc->r14; r->r15 = sc->r15;
	r->rdi = sc->rdi; r->rsi = sc->rsi; r->rbp = sc->rbp; r->rbx = sc->rbx;
	r->rdx = sc->rdx; r->rax = sc->rax; r->rcx = sc->rcx; r->rsp = sc->rsp;
	r->rip = sc->rip;
	/* the handler may change the arithmetic flags, not IF or IOPL */
	r->rflags = (r->rflags & ~(uint64_t)EFLAGS_USER_CHANGEABLE) |
		    (sc->eflags & EFLAGS_USER_CHANGEABLE);
}

static int restartable(int nr)
{
	switch (nr) {
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
	case SYS_poll:
	case SYS_ppoll:
	case SYS_select:
	case SYS_pselect6:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
	case SYS_pause:
	case SYS_rt_sigsuspend:
	case SYS_rt_sigtimedwait:
		return 0; /* these report EINTR after a handler, always */
	default:
		return 1;
	}
}

/* ---- the program's mask, and the signals libdune holds ---- */

/* The program's signal mask: the host's, less what libdune holds. */
static uint64_t program_mask(struct dune_percpu *cpu)
{
	uint64_t host;
	raw_syscall4(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &host, 8);
	return host & ~cpu->sig_held;
}

/* The program's mask is now mask: on the host, with the held ones. */
static void set_program_mask(struct dune_percpu *cpu, uint64_t mask)
{
	uint64_t host = mask | cpu->sig_held;
	raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &host, NULL, 8);
}

/* A held signal goes on: its frame is built, or it will never be. */
static void release_held(struct dune_percpu *cpu, int sig)
{
	/* one instruction: the host handler may interrupt this thread */
	__atomic_and_fetch(&cpu->sig_held, ~KSIG_BIT(sig), __ATOMIC_SEQ_CST);
}

void signals_release_held(struct dune_percpu *cpu)
{
	uint64_t mask = program_mask(cpu);
	__atomic_store_n(&cpu->sig_held, 0, __ATOMIC_SEQ_CST);
	set_program_mask(cpu, mask);
}

long signals_sigprocmask(struct dune_percpu *cpu, int how, const uint64_t *set, uint64_t *oset,
			 size_t size)
{
	uint64_t old, mask;

	if (size != sizeof(uint64_t))
		return -EINVAL;
	if ((set && !guest_range_ok((uint64_t)set, size, PROT_READ)) ||
	    (oset && !guest_range_ok((uint64_t)oset, size, PROT_WRITE)))
		return -EFAULT;
	old = program_mask(cpu);
	if (set) {
		switch (how) {
		case SIG_BLOCK:
			mask = old | *set;
			break;
		case SIG_UNBLOCK:
			mask = old & ~*set;
			break;
		case SIG_SETMASK:
			mask = *set;
			break;
		default:
			return -EINVAL;
		}
		mask &= ~(KSIG_BIT(SIGKILL) | KSIG_BIT(SIGSTOP));
		/* one the program now blocks itself stays noted, held no more */
		__atomic_and_fetch(&cpu->sig_held, ~mask, __ATOMIC_SEQ_CST);
		set_program_mask(cpu, mask);
	}
	if (oset)
		*oset = old;
	return 0;
}

/*
 * Builds the frame for sig on the guest stack and points the vCPU at the
 * handler. regs is the interrupted context; fpu the FPU image to save (NULL:
 * the vCPU's own). Returns 0, or -EFAULT if the stack cannot take it.
 */
static int setup_frame(struct dune_percpu *cpu, int sig, struct kvm_regs *regs,
		       const void *fpu)
{
	struct dune_ksigaction *a = &actions[sig];
	stack_t alt = { .ss_sp = (void *)cpu->altstack_sp, .ss_size = cpu->altstack_size };
	struct dune_sigframe f = { .sp = regs->rsp, .altstack = &alt,
				   .onstack = (a->flags & SA_ONSTACK) != 0,
				   .fpu_size = DUNE_XSAVE_SIZE,
				   .extra_size = sizeof(struct frame_extra) };
	struct frame_extra *extra;
	struct sigcontext sc;
	struct kvm_xsave xs;
	uint64_t mask, newmask;

	if (!fpu) {
		if (dune_state.hostside->vcpu_get_fpu(cpu, &xs) < 0)
			return -EIO;
		fpu = &xs;
	}
	dune_sigframe_place(&f);
	if (!guest_range_ok(f.frame, f.end - f.frame, PROT_WRITE))
		return -EFAULT;
	regs_to_sigcontext(regs, &sc);
	mask = program_mask(cpu);
	/* after sigsuspend the handler's return restores the mask from
	 * before it (signals_suspend_now) */
	dune_sigframe_write(&f, a->restorer, &sc, (const siginfo_t *)&cpu->sig_info[sig],
			    cpu->sig_suspended ? cpu->sig_suspend_old : mask, fpu);
	cpu->sig_suspended = 0;
	extra = f.extra;
	memset(extra, 0, sizeof(*extra));
	extra->magic = FRAME_MAGIC;
	extra->hc_ret = (uint64_t)cpu->hc_ret;
	memcpy(extra->hc_args, cpu->hc_args, sizeof(extra->hc_args));
	extra->guard = cpu->sig_guard;
	extra->sig = (uint64_t)sig;
	cpu->sig_guard = NULL;

	newmask = mask | a->mask;
	if (!(a->flags & SA_NODEFER))
		newmask |= KSIG_BIT(sig);
	release_held(cpu, sig);
	set_program_mask(cpu, newmask);
	if (a->flags & SA_RESETHAND) {
		struct dune_ksigaction dfl = { SIG_DFL, 0, NULL, 0 };
		signals_sigaction(sig, &dfl, NULL);
	}

	regs->rsp = f.frame;
	regs->rip = (uint64_t)a->handler;
	regs->rdi = (uint64_t)sig;
	regs->rsi = (uint64_t)f.info;
	regs->rdx = (uint64_t)f.uc;
	regs->rax = 0;
	regs->rflags &= ~(uint64_t)(EFLAGS_DF | EFLAGS_TF);
	return 0;
}

/* sigsuspend(newmask) from the guest: 1 if a signal libdune holds is let
 * through by newmask; then newmask is in force and the frame to come
 * restores the old mask, as the kernel's sigsuspend does. */
int signals_suspend_now(struct dune_percpu *cpu, uint64_t newmask)
{
	uint64_t old;
	newmask &= ~(KSIG_BIT(SIGKILL) | KSIG_BIT(SIGSTOP));
	if (!(cpu->sig_pending & ~newmask))
		return 0;
	old = program_mask(cpu);
	set_program_mask(cpu, newmask);
	cpu->sig_suspend_old = old;
	cpu->sig_suspended = 1;
	return 1;
}

/* The frame could not be built after all: the old mask comes back. */
void signals_suspend_done(struct dune_percpu *cpu)
{
	if (!cpu->sig_suspended)
		return;
	set_program_mask(cpu, cpu->sig_suspend_old);
	cpu->sig_suspended = 0;
}

/* The lowest pending signal that the thread does not block, or 0. */
static int next_signal(struct dune_percpu *cpu)
{
	uint64_t blocked, pend = cpu->sig_pending;
	if (!pend)
		return 0;
	blocked = program_mask(cpu);
	for (int sig = 1; sig < 65; sig++)
		if (pend & ~blocked & KSIG_BIT(sig))
			return sig;
	return 0;
}

/* The lowest pending signal the thread does not block whose handler is
 * still there, taken off the pending set; 0 if none. One whose action
 * changed to default or ignore meanwhile is dropped on the way. */
static int take_signal(struct dune_percpu *cpu)
{
	int sig;
	while ((sig = next_signal(cpu))) {
		__atomic_and_fetch(&cpu->sig_pending, ~KSIG_BIT(sig), __ATOMIC_SEQ_CST);
		__atomic_and_fetch(&cpu->sig_deferred, ~KSIG_BIT(sig), __ATOMIC_SEQ_CST);
		if (is_handler(actions[sig].handler))
			return sig;
		uint64_t mask = program_mask(cpu);
		release_held(cpu, sig);
		set_program_mask(cpu, mask);
	}
	return 0;
}

const struct dune_call_guard *signals_call_guard(struct dune_percpu *cpu)
{
	const struct dune_call_guard *g = cpu->sig_guard;
	/* the guest's pointers (and a signal frame's copy of them) */
	if (!g || !guest_range_ok((uint64_t)g, sizeof(*g), PROT_READ) ||
	    !guest_range_ok((uint64_t)g->pending, sizeof(uint64_t), PROT_READ) ||
	    !guest_range_ok((uint64_t)g->blocked, sizeof(uint64_t), PROT_READ))
		return NULL;
	return g;
}

int signals_guard_fired(struct dune_percpu *cpu)
{
	const struct dune_call_guard *g = signals_call_guard(cpu);
	return g && (*g->pending & ~*g->blocked);
}

/* A forwarded call stopped before it started (forward_call): will
 * signals_deliver start a handler at the guest's call, so that the call
 * runs again after it? */
int signals_ready_at_call(struct dune_percpu *cpu)
{
	struct kvm_regs regs;
	uint64_t blocked, pend = cpu->sig_pending;

	if (!pend || mirror_locked_by_me() || dune_state.hostside->vcpu_get_regs(cpu, &regs) < 0 ||
	    regs.rip != (uint64_t)dune_syscall_stub_resume || guest_at_safe_point(cpu, &regs) != SAFE)
		return 0;
	blocked = program_mask(cpu);
	for (int sig = 1; sig < 65; sig++)
		if ((pend & ~blocked & KSIG_BIT(sig)) && is_handler(actions[sig].handler))
			return 1;
	return 0;
}

/*
 * Host loop, before the vCPU runs: start the program's handler for each
 * pending signal. result is the return value of a forwarded system call the
 * vCPU is about to see (after HC_SYSCALL in the stub), or unused.
 */
void signals_deliver(struct dune_percpu *cpu, int after_syscall, long nr, long result)
{
	struct kvm_regs regs;
	int sig;

	if (!cpu->sig_pending || mirror_locked_by_me())
		return; /* libdune's guest code is mid-update: next exit */
	if (dune_state.hostside->vcpu_get_regs(cpu, &regs) < 0)
		return;
	switch (guest_at_safe_point(cpu, &regs)) {
	case UNSAFE:
		/* in libdune's trap entry: very soon out of it. If that is
		 * back into user code, which may then run long without an
		 * exit, the way back single-steps it (entry.S looks at
		 * sig_step); a frame still on the IST stack (user code's
		 * system call handed over from ring 0) carries TF itself */
		if (cpu->in_user && next_signal(cpu)) {
			uint64_t ist_top = cpu->ist_page + IST_STACK_SIZE;
			cpu->sig_step = 1;
			if (regs.rsp >= cpu->ist_page && regs.rsp < ist_top)
				((struct iret_frame *)ist_top - 1)->rflags |= EFLAGS_TF;
		}
		return;
	case IN_USER_CODE:
		/* one instruction on, user code traps (trap.c), and the
		 * handler runs in the program's context */
		if (!next_signal(cpu) || (regs.rflags & EFLAGS_TF))
			return;
		cpu->sig_step = 1;
		regs.rflags |= EFLAGS_TF;
		dune_state.hostside->vcpu_set_regs(cpu, &regs);
		return;
	}
	while ((sig = take_signal(cpu))) {
		dune_dbg("signal %d for thread %d (after syscall %ld -> %ld, rip %s)", sig, cpu->tid,
			 after_syscall ? nr : -1L, result,
			 regs.rip == (uint64_t)dune_syscall_stub_resume ? "in the stub" : "elsewhere");
		if (after_syscall && regs.rip == (uint64_t)dune_syscall_stub_resume) {
			/* the program sees its syscall return (or restart) first;
			 * one that never started runs after the handler */
			if (result == -DUNE_ENOTSTARTED ||
			    (result == -EINTR && (actions[sig].flags & SA_RESTART) && restartable((int)nr))) {
				regs.rip = regs.rcx - 2;
				regs.rax = (uint64_t)nr;
			} else {
				regs.rip = regs.rcx;
				regs.rax = (uint64_t)result;
			}
			after_syscall = 0;
		}
		if (setup_frame(cpu, sig, &regs, NULL) < 0) {
			dune_log("cannot deliver signal %d: the guest stack 0x%llx is unusable; "
				 "ending the process with SIGSEGV", sig, regs.rsp);
			die_with_signal(SIGSEGV);
		}
	}
	if (after_syscall && result == -DUNE_ENOTSTARTED && regs.rip == (uint64_t)dune_syscall_stub_resume &&
	    !signals_guard_fired(cpu)) {
		/* stopped for a signal that went away meanwhile (its action
		 * changed): the call, as if nothing had come */
		regs.rip = regs.rcx - 2;
		regs.rax = (uint64_t)nr;
	}
	dune_state.hostside->vcpu_set_regs(cpu, &regs);
}

/* rt_sigreturn from the guest: back to exactly where the signal hit. */
long signals_sigreturn(struct dune_percpu *cpu)
{
	struct kvm_regs regs;
	struct dune_kucontext *uc;
	struct frame_extra *extra;
	const void *fpu;

	if (dune_state.hostside->vcpu_get_regs(cpu, &regs) < 0)
		return -EIO;
	/* the restorer's `ret` popped the return address: uc sits at rsp */
	uc = (struct dune_kucontext *)regs.rsp;
	extra = dune_sigframe_extra(uc);
	if (!guest_range_ok((uint64_t)uc, (uint64_t)(extra + 1) - (uint64_t)uc, PROT_READ) ||
	    extra->magic != FRAME_MAGIC) {
		dune_log("rt_sigreturn without a signal frame at 0x%llx; ending the process "
			 "with SIGSEGV", regs.rsp);
		die_with_signal(SIGSEGV);
	}
	sigcontext_to_regs(&uc->uc_mcontext, &regs);
	/* the image comes from the program's memory: read only where it may
	 * read, and one the host refuses ends the process, as in Linux */
	fpu = uc->uc_mcontext.fpstate;
	if (fpu && (!guest_range_ok((uint64_t)fpu, DUNE_XSAVE_SIZE, PROT_READ) ||
		    dune_state.hostside->vcpu_set_fpu(cpu, fpu) < 0)) {
		dune_log("rt_sigreturn with a bad FPU image at %p (unreadable, or refused by "
			 "the host); ending the process with SIGSEGV", (void *)fpu);
		die_with_signal(SIGSEGV);
	}
	set_program_mask(cpu, uc->uc_sigmask);
	cpu->hc_ret = (int64_t)extra->hc_ret;
	memcpy(cpu->hc_args, extra->hc_args, sizeof(cpu->hc_args));
	cpu->sig_guard = extra->guard;
	cpu->sig_returned = (int)extra->sig;
	dune_state.hostside->vcpu_set_regs(cpu, &regs);
	return (long)regs.rax;
}

/*
 * A fault the program's dune handlers did not take: if the program has a
 * handler for the signal, it runs at the faulting context (with the FPU
 * state the trap path saved); returns 0. Otherwise -1: the caller ends the
 * process.
 */
/* The context a trap of the guest's interrupted (tf, on a trap stack) into
 * regs, and the FPU image the trap path saved for it. */
static int regs_from_trap(struct dune_percpu *cpu, const struct dune_tf *tf, struct kvm_regs *regs,
			  const void **fpu)
{
	if (dune_state.hostside->vcpu_get_regs(cpu, regs) < 0)
		return -1;
	regs->rax = tf->rax; regs->rbx = tf->rbx; regs->rcx = tf->rcx; regs->rdx = tf->rdx;
	regs->rsi = tf->rsi; regs->rdi = tf->rdi; regs->rbp = tf->rbp; regs->rsp = tf->rsp;
	regs->r8 = tf->r8; regs->r9 = tf->r9; regs->r10 = tf->r10; regs->r11 = tf->r11;
	regs->r12 = tf->r12; regs->r13 = tf->r13; regs->r14 = tf->r14; regs->r15 = tf->r15;
	regs->rip = tf->rip;
	regs->rflags = tf->rflags;
	/* the trap path saved the interrupted FPU state just below the frame */
	*fpu = (const void *)(((uintptr_t)tf - DUNE_XSAVE_SIZE) & ~(uintptr_t)(XSAVE_ALIGN - 1));
	if (!dune_state.use_xsave)
		*fpu = NULL;
	return 0;
}

/* After rt_sigreturn, with the same timer's signal waiting again (a timer
 * faster than a round trip through a VM exit): delivered at once, its
 * next tick would always be there and the code underneath would never run
 * again. It waits for the next exit instead, at the latest a kick shortly
 * (kick_soon): the program gets that moment, as natively it gets
 * what is left of the period. Any other signal goes at once, as the kernel
 * delivers it (a handler's own raise() must have run its handler when
 * raise() returns). 1 if deferred. */
int signals_defer_repeat(struct dune_percpu *cpu)
{
	int sig = next_signal(cpu);
	const siginfo_t *si = (const siginfo_t *)&cpu->sig_info[sig];

	if (!sig || sig != cpu->sig_returned || (si->si_code != SI_TIMER && si->si_code != SI_KERNEL))
		return 0;
	/* meanwhile the program's calls go on as they would natively with a
	 * signal pending: they start, and one that blocks ends at the kick */
	__atomic_or_fetch(&cpu->sig_deferred, KSIG_BIT(sig), __ATOMIC_SEQ_CST);
	kick_soon(cpu);
	return 1;
}

int signals_fault(struct dune_percpu *cpu, int sig, struct dune_tf *tf, uint64_t cr2, int vec)
{
	struct kvm_regs regs;
	siginfo_t *si = (siginfo_t *)&cpu->sig_info[sig];
	const void *fpu;

	if (!is_handler(actions[sig].handler) || !tf)
		return -1;
	memset(si, 0, sizeof(cpu->sig_info[sig]));
	si->si_signo = sig;
	switch (vec) {
	case T_PGFLT:
		si->si_code = (tf->err & FEC_P) ? SEGV_ACCERR : SEGV_MAPERR;
		si->si_addr = (void *)cr2;
		break;
	case T_ILLOP:
		si->si_code = ILL_ILLOPN;
		si->si_addr = (void *)tf->rip;
		break;
	case T_DIVIDE:
		si->si_code = FPE_INTDIV;
		si->si_addr = (void *)tf->rip;
		break;
	case T_BRKPT:
		si->si_code = SI_KERNEL;
		break;
	default:
		si->si_code = SI_KERNEL;
	}
	if (regs_from_trap(cpu, tf, &regs, &fpu) < 0)
		return -1;
	/* leave the trap stack the fault came in on */
	cpu->trap_sp += TRAP_STACK_SIZE;
	if (setup_frame(cpu, sig, &regs, fpu) < 0) {
		cpu->trap_sp -= TRAP_STACK_SIZE; /* still on it: the guest goes on there */
		return -EFAULT;
	}
	dune_state.hostside->vcpu_set_regs(cpu, &regs);
	return 0;
}

/*
 * A fault the host found (the guest has not run the instruction): the
 * program's handler for sig runs at the faulting context, as Linux's would
 * (0). -1 where Linux would end the process: no handler, the signal
 * blocked, or a context no frame may be built on.
 */
int signals_host_fault(struct dune_percpu *cpu, int sig, int code, uint64_t addr)
{
	struct kvm_regs regs;
	siginfo_t *si = (siginfo_t *)&cpu->sig_info[sig];

	if (!is_handler(actions[sig].handler) || (program_mask(cpu) & KSIG_BIT(sig)) ||
	    mirror_locked_by_me() || dune_state.hostside->vcpu_get_regs(cpu, &regs) < 0 ||
	    guest_at_safe_point(cpu, &regs) != SAFE)
		return -1;
	memset(si, 0, sizeof(cpu->sig_info[sig]));
	si->si_signo = sig;
	si->si_code = code;
	si->si_addr = (void *)addr;
	if (setup_frame(cpu, sig, &regs, NULL) < 0)
		return -1;
	dune_state.hostside->vcpu_set_regs(cpu, &regs);
	return 0;
}
