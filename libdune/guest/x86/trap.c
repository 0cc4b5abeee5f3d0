/* guest ring 0 - trap.c: exceptions reach registered handlers or end the
 * process with the signal Linux would have used. */
#include <errno.h>
#include <signal.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/state.h"
#include "common/util.h"
#include "dune.h"
#include "guest/x86/apic.h"
#include "guest/x86/emulate.h"
#include "guest/x86/entry.h"
#include "guest/x86/hypercall.h"
#include "guest/x86/trap.h"
#include "guest/x86/usermode.h"
#include "guest/x86/uview.h"
#include "mm/mirror.h"
#include "mm/pagetable.h"

static dune_intr_cb intr_handlers[256];
static dune_pgflt_cb pgflt_handler;

int dune_register_intr_handler(int vec, dune_intr_cb cb)
{
	if (vec < 0 || vec > 255)
		return -EINVAL;
	intr_handlers[vec] = cb;
	return 0;
}

dune_intr_cb dune_intr_handler(int vec)
{
	return vec >= 0 && vec < 256 ? intr_handlers[vec] : NULL;
}

void dune_register_pgflt_handler(dune_pgflt_cb cb)
{
	pgflt_handler = cb;
}

static const char *const vector_names[] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
};

int dune_vector_signal(uint64_t vec)
{
	switch (vec) {
	case T_DIVIDE:
	case T_FPERR:
	case T_SIMDERR:
		return SIGFPE;
	case T_DEBUG:
	case T_BRKPT:
		return SIGTRAP;
	case T_ILLOP:
		return SIGILL;
	case T_ALIGN:
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

void dune_dump_trap_frame(struct dune_tf *tf)
{
	dune_log("rip 0x%016lx rsp 0x%016lx rflags 0x%lx cs 0x%x ss 0x%x",
		 (unsigned long)tf->rip, (unsigned long)tf->rsp,
		 (unsigned long)tf->rflags, tf->cs, tf->ss);
	dune_log("rax 0x%016lx rbx 0x%016lx rcx 0x%016lx rdx 0x%016lx",
		 (unsigned long)tf->rax, (unsigned long)tf->rbx,
		 (unsigned long)tf->rcx, (unsigned long)tf->rdx);
	dune_log("rsi 0x%016lx rdi 0x%016lx rbp 0x%016lx r8  0x%016lx",
		 (unsigned long)tf->rsi, (unsigned long)tf->rdi,
		 (unsigned long)tf->rbp, (unsigned long)tf->r8);
	dune_log("r9  0x%016lx r10 0x%016lx r11 0x%016lx r12 0x%016lx",
		 (unsigned long)tf->r9, (unsigned long)tf->r10,
		 (unsigned long)tf->r11, (unsigned long)tf->r12);
	dune_log("r13 0x%016lx r14 0x%016lx r15 0x%016lx",
		 (unsigned long)tf->r13, (unsigned long)tf->r14, (unsigned long)tf->r15);
}

static void unhandled(struct dune_tf *tf, uint64_t vec, uintptr_t cr2)
{
	/* the program's own signal handler, if it has one, takes it as the
	 * kernel would give it (the host half resumes us there) */
	if (hypercall(HC_SIGFAULT, dune_vector_signal(vec), (long)vec, (long)tf, (long)cr2) == -EFAULT) {
		/* as the kernel when it cannot build a frame: SIGSEGV */
		dune_log("the handler of signal %d cannot run: no room for its frame on its "
			 "stack (an alternate stack unmapped or read-only?); ending the "
			 "process with SIGSEGV", dune_vector_signal(vec));
		dune_fatal_signal(SIGSEGV);
	}
	const char *name = vec < ARRAY_LEN(vector_names) ? vector_names[vec] : "interrupt";
	dune_log("unhandled exception %s (vector %lu) at rip 0x%lx, cr2 0x%lx, "
		 "error code 0x%x: no handler registered, ending the process",
		 name, (unsigned long)vec, (unsigned long)tf->rip, (unsigned long)cr2,
		 tf->err);
	dune_dump_trap_frame(tf);
	dune_fatal_signal(dune_vector_signal(vec));
}

static void dispatch(struct dune_tf *tf, uint64_t vec)
{
	if (vec == T_DEBUG && dune_self->sig_step) {
		/* the host stepped user code out for a signal (signals.c) */
		dune_self->sig_step = 0;
		tf->rflags &= ~0x100UL;
		hypercall(HC_SIGNALS, 0, 0, 0, 0);
		dune_vintr_run_posted(tf); /* and posted vectors (apic.c) */
		return;
	}
	/* Dune's vmcall system call: a #UD on KVM on AMD (host/kvm.c), a #GP
	 * on PVM hosts that inject one for it (6.18's; older ones answer it
	 * themselves, and nothing reaches libdune) */
	if (((vec == T_ILLOP && dune_state.vmcall_seen) || vec == T_GPFLT) && !(tf->cs & 3)) {
		const uint8_t *ip = (const uint8_t *)tf->rip;
		if (ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xc1) {
			dune_state.vmcall_seen = 1;
			dune_self->vmcall[0] = tf->rip + 3;
			dune_self->vmcall[1] = tf->rcx;
			dune_self->vmcall[2] = tf->r11;
			tf->rip = (uint64_t)dune_vmcall_trampoline;
			return;
		}
	}
	/* a ring-0 guest's CR3_NOFLUSH or INVPCID before PCIDs are on */
	if ((vec == T_GPFLT || vec == T_ILLOP) && !(tf->cs & 3) && !dune_state.deprivileged &&
	    dune_emulate_pcid(tf))
		return;
	if (vec == T_PGFLT) {
		uintptr_t cr2 = dune_self_cr2(); /* saved by the ring-0 stub */
		/* user code: maybe a page not yet copied into the user view */
		int uview = (tf->cs & 3) == 3;
		if (uview && uview_fill(cr2, tf->err))
			return;
		/* a stale TLB entry after a widening without flush
		 * (dune_vm_mprotect): the fault dropped it, the retry works */
		if (!uview && vm_permits(pgroot, cr2, tf->err))
			return;
		/* not present outside the mirror: maybe memory the host mapped
		 * since; if so, retry the access */
		if (!(tf->err & FEC_P) && uview_program_on_pgroot() &&
		    mirror_resolve_fault(cr2) && (!uview || uview_fill(cr2, tf->err)))
			return;
		if (pgflt_handler) {
			pgflt_handler(cr2, tf->err, tf);
			return;
		}
		unhandled(tf, vec, cr2);
	}
	if (vec < 256 && intr_handlers[vec]) {
		intr_handlers[vec](tf);
		return;
	}
	unhandled(tf, vec, 0);
}

void dune_trap_dispatch(struct dune_tf *tf, uint64_t vec)
{
	dispatch(tf, vec);
	dune_before_user(tf);
}

/* Every posted vector's handler on the interrupted frame tf, highest
 * first (after the single step out of user code, and dune_vintr_entry). */
void dune_vintr_run_posted(struct dune_tf *tf)
{
	int v;
	while ((v = vintr_take(dune_self)) >= 0)
		dune_trap_dispatch(tf, (uint64_t)v);
}

void dune_vintr_dispatch(struct dune_tf *tf, uint64_t vec)
{
	dune_trap_dispatch(tf, vec);
	dune_vintr_run_posted(tf);
}
