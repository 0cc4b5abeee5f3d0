/* both halves - percpu.h: one per thread in dune mode (one vCPU each).
 *
 * In guest ring 0, GS base points here; entry.S reaches the fields below
 * through %gs with the CPU_* offsets that asm_offsets.c generates from the
 * struct. The host half of the same thread reads the hypercall block after
 * the guest rings the doorbell: both halves share the memory.
 */
#ifndef LIBDUNE_PERCPU_H
#define LIBDUNE_PERCPU_H


/* Hypercall: the guest writes the block below, then one byte to the
 * doorbell page, which is mapped to guest-physical memory with no slot:
 * an MMIO exit, available from any ring on every host side. */

/* hypercall operations (guest -> host) */
#define HC_SYSCALL 1    /* arg0 = nr, arg1..6 = args -> ret */
#define HC_SLOT_SET 2   /* arg0 = slot, arg1 = gpa, arg2 = size, arg3 = hva */
#define HC_QUERY_VMA 3  /* arg0 = va -> ret 0 and arg1..3 = start,end,prot */
#define HC_FATAL 4      /* arg0 = signal: end the process with it */
#define HC_SIGFAULT 5   /* arg0 = signal, arg1 = vector, arg2 = tf, arg3 = cr2:
                          * run the program's handler if it has one;
                          * -EFAULT: it has one, but no room for its frame */
#define HC_SIGNALS 6    /* deliver pending signals now (after a single step
                          * out of user code, signals.c) */
#define HC_EXIT_STATS 7 /* arg0 = struct dune_exit_stats *: fill it (exit_stats.c) */
#define HC_USER_SYSCALL 8 /* from ring 0, user code's system call, in the
                           * registers and the IST frame (struct
                           * ist_syscall_frame). Served: hc_op becomes
                           * HC_DONE and the frame returns from the call
                           * (host/user_fast.c); else untouched: declined */
#define HC_SIGROUTE 9   /* arg0 = signal, arg1 = 1: it comes as vector
                          * DUNE_SIGNAL_INTR_BASE + signal; 0: as a signal */
#define HC_SLOT_BATCH 10 /* arg0 = struct slot_op[], arg1 = count: in order, one step */
#define HC_OPS 11       /* hypercall numbers are below this */
#define HC_DONE 0       /* hc_op after a served HC_USER_SYSCALL */

/* Room for one XSAVE image (standard format) below a trap frame; only the
 * state components that fit are saved (dune_state.xsave_mask, guest/x86/boot.c). */
#define DUNE_XSAVE_SIZE 4096

#define FC_IDLE 0       /* no server listening: use the doorbell */
#define FC_POLLING 1    /* the server spins, waiting for a request */
#define FC_REQUEST 2    /* posted by the guest */
#define FC_RUNNING 3    /* taken by the server */
#define FC_DONE 4       /* answered; the guest reads ret, then sets POLLING */
#define FC_EXIT 5       /* the server must end */
#define FC_WAKING 6     /* woken by the host; the server says POLLING once it runs */
#define FC_GUEST_SPINS 256 /* pause rounds the guest waits for the server to answer */

#define TRAP_STACK_SIZE (64 * 1024)
#define TRAP_STACK_DEPTH 4
#define IST_STACK_SIZE 4096
#define TRAP_STUB_SIZE 16 /* entry.S: one stub per vector, this far apart */
#define UD2_SIZE 2 /* bytes of the gates' ud2 */
#define FLUSH_GATE_PAGES 16 /* dune_flush_gate: longer ranges reload CR3 */

#ifndef __ASSEMBLER__
#include <linux/kvm.h>
#include <stdint.h>

#include "dune.h"

/* The complete boot state of a vCPU, in KVM's structure layouts. */
struct guest_boot {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	uint64_t lstar, star, fmask, kernel_gs_base;
	uint64_t xcr0;
	uint32_t mxcsr;
	uint16_t fcw;
};

struct dune_tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t ist[8]; /* ist[0] is reserved */
	uint16_t reserved1[5];
	uint16_t iomb;
} __attribute__((packed));

struct hostside_vcpu;

/* The registers a C call keeps, and where it returns: where the guest
 * starts (__dune_enter) and where dune_jump_to_user's caller resumes. */
struct callee_saved {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

/* The bottom of the IST page: what the ring-0 entry needs before it may
 * trust GS (user code on a deprivileged guest can set GS itself). */
struct ist_head {
	uint64_t cpu;       /* this vCPU's struct dune_percpu */
	uint64_t uview_on; /* 1 while user code runs under the user view */
	uint64_t ring0;    /* ... on a ring-0 guest (GS by swapgs, no FROM_UVIEW) */
	uint64_t fast_set[8]; /* user system calls ring 0 hands to the host half
			       * directly (a hint: the host half decides) */
};

/* The top of the IST stack while ring 0 hands a user system call over
 * (entry.S uview_fault): the hardware frame of the #PF at LSTAR, the
 * stub's vector, and the two registers the entry saved. */
struct ist_syscall_frame {
	uint64_t rdx, rax, vec, err, rip, cs, rflags, rsp, ss;
};

/* What IRETQ pops; at the top of the IST stack while a trap is there. */
struct iret_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

/* What this vCPU's runs came back for, counted by the host half
 * (host/run_loop.c): the exits userspace sees, on every host side. */
struct exit_counts {
	uint64_t runs;                  /* returns of the run ioctl */
	uint64_t hypercalls[HC_OPS];    /* doorbell rings, by HC_* */
	uint64_t interrupts;            /* a signal or a kick */
	uint64_t mmio;                  /* other memory without a slot */
	uint64_t user_fast;             /* HC_USER_SYSCALL served (not declined) */
};

/* dune_percpu.state */
enum { VCPU_FREE, VCPU_ACTIVE };

struct dune_percpu {
	uint64_t self;
	uint64_t trap_sp;       /* top of the next free trap stack */
	uint64_t trap_sp_limit; /* lowest allowed trap_sp (nesting bound) */
	uint64_t hc_op;         /* the hypercall block (HC_* above) */
	uint64_t hc_args[7];
	int64_t hc_ret;
	uint64_t tmp;           /* entry.S's scratch */
	uint64_t in_user;       /* user code (dune_jump_to_user) is running */
	uint64_t doorbell;      /* VA whose write exits to the host: the hypercall */
	uint64_t cr2;           /* CR2 of the last #PF, saved by the ring-0 stub */
	volatile uint32_t fc_state; /* the fast-call block (fastcall.c): FC_* */
	uint32_t fc_pad;
	uint64_t fc_nr;
	uint64_t fc_args[6];
	int64_t fc_ret;
	uint64_t ufs;           /* user-mode FS base while ring 0 handles its trap */
	uint64_t kfs;           /* the program's FS base */
	struct callee_saved uctx; /* dune_jump_to_user's caller */
	uint64_t user_trap_sp;  /* trap_sp when user code was entered */
	uint64_t kcr3, ucr3;    /* the program's CR3 and the user view's (uview.c) */
	uint64_t ugs;           /* user code's GS base while ring 0 handles its trap */
	uint64_t ist_page;      /* the IST stack's page: struct ist_head at its bottom */
	uint64_t cr2_prev;      /* CPU_CR2 before the last #PF (entry.S) */
	uint64_t vmcall[3];     /* a vmcall's system call: where it resumes, its rcx
				 * and r11 (entry.S dune_vmcall_trampoline) */

	/* C only below */
	uint64_t gdt[NR_GDT_ENTRIES] __attribute__((aligned(16)));
	struct dune_tss tss __attribute__((aligned(16)));
	uintptr_t stacks;      /* IST + trap stacks, one mapping */
	size_t stacks_size;
	uintptr_t host_stack;  /* the host loop's own stack */
	size_t host_stack_size;
	struct hostside_vcpu *vcpu;
	uint64_t hostside_priv[8];  /* the host side's per-vCPU state lives here:
				 * the host half may not malloc (a fork child
				 * would find libc's locks taken) */
	int tid;
	int state;              /* VCPU_FREE / VCPU_ACTIVE (vcpu_list.c) */
	volatile int in_run;    /* inside KVM_RUN (or the kmod equivalent) */
	volatile uint64_t tlb_gen_done; /* shootdowns this vCPU has honoured */

	struct callee_saved enter; /* where the guest starts (__dune_enter) */
	uint64_t fs_base;
	struct guest_boot boot; /* for a thread about to start */

	/* signals for the guest (signals.c) */
	volatile uint64_t sig_pending;  /* set by the host handler: bit sig-1 */
	struct {
		int32_t signo, errno_, code, pad;
		uint8_t rest[112];
	} sig_info[65];                 /* one siginfo_t per signal */
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	int fc_server_tid;              /* the fast-call server thread, or 0 */
	volatile int fc_server_alive;   /* its tid until it has exited (the
					 * kernel clears it: CLONE_CHILD_CLEARTID) */
	uintptr_t fc_stack;             /* its stack, reused by the next one */
	uint64_t exit_calls, fast_calls; /* dune_get_call_stats */
	struct exit_counts counts;      /* dune_get_exit_stats */
	uint64_t fc_misses;             /* calls the server had no CPU for */
	uint64_t fc_seen_fast;          /* fast_calls when misses were last reset */
	uint64_t fc_backoff_until;      /* no server until exit_calls reaches this */
	int uview_quiet;                /* libdune's own flush: the user view is done */
	int sig_step;                   /* user code single-steps to let a signal in */
	int sig_returned;               /* the signal whose handler returned last */
	volatile uint64_t sig_deferred; /* noted, let wait for a kick (a storm's
					 * next tick): calls start despite them */
	int ufs_set;                    /* dune_set_user_fs was called */
	int sig_suspended;              /* a guest sigsuspend let a held signal in */
	uint64_t sig_suspend_old;       /* ... and this mask comes back after it */
	volatile uint64_t sig_held;     /* noted, and blocked on the host until
					 * their frames are built (signals.c) */
	const struct dune_call_guard *volatile sig_guard; /* the next forwarded
					 * call's (dune_passthrough_syscall_guarded) */

	/* interrupts posted to this vCPU (vintr.c, apic.c): one bit a vector,
	 * set by any thread, taken by this one's guest or host half */
	volatile uint64_t vintr_posted[4];
	uint32_t apic_id;               /* its index in the vCPU list */
	int vintr_timer;                /* a POSIX timer that retries delivery, or -1 */
	int vintr_timer_armed;
	uint64_t prog_cr3;              /* the CR3 the program loaded (deprivileged:
					 * its loads are emulated, emulate.c) */
	volatile uint32_t notes;        /* NOTE_*: ring 0 asks the host half to say
					 * something (once a process) */
	uint64_t uroot;                 /* dune_set_user_root's table, or 0 */
};

/* what ring 0 cannot print itself (host/run_loop.c prints it) */
#define NOTE_NO_PCID 1u   /* CR3_NOFLUSH / a PCID on a host without PCIDs */

#define DUNE_PERCPU_SIZE 16384
_Static_assert(sizeof(struct dune_percpu) <= DUNE_PERCPU_SIZE, "percpu size");

/* guest ring 0: CR2 of the last #PF, as the ring-0 stub saved it */
static inline uint64_t dune_self_cr2(void)
{
	uint64_t v;
	asm volatile("mov %%gs:%c1, %0" : "=r"(v) : "i"(__builtin_offsetof(struct dune_percpu, cr2)));
	return v;
}
#endif

#endif
