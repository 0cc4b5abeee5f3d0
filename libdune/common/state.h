/* internal.h - state shared by libdune's files (not installed). */
#ifndef LIBDUNE_INTERNAL_H
#define LIBDUNE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dune.h"
#include "percpu.h"

#define PAGE_ALIGN_UP(x) (((x) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PAGE_ALIGN_DOWN(x) ((x) & ~(PGSIZE - 1))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Prints "libdune: <msg>" on stderr without stdio or malloc, so it is safe
 * in the host loop and in guest trap handlers alike. */
void dune_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int dune_debug; /* DUNE_DEBUG=1 in the environment */
#define dune_dbg(...)                      \
	do {                               \
		if (dune_debug)            \
			dune_log(__VA_ARGS__); \
	} while (0)

/* raw system calls: never touch errno (shared with the guest through TLS) */
long raw_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
#define raw_syscall0(n) raw_syscall6(n, 0, 0, 0, 0, 0, 0)
#define raw_syscall1(n, a) raw_syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define raw_syscall2(n, a, b) raw_syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define raw_syscall3(n, a, b, c) \
	raw_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define raw_syscall4(n, a, b, c, d) \
	raw_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

void dune_fd_own(int fd, int own); /* ownfd.c */

/* ---- mode ---- */
extern __thread struct dune_percpu *dune_self; /* this thread's vCPU */
extern __thread int dune_guest_mode;           /* 1 while code runs in the guest */

/* ---- hypercalls (guest -> host), see percpu.h for the protocol ---- */
long hypercall(long op, long a0, long a1, long a2, long a3);
long hypercall_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
/* a system call from library code: forwarded in the guest, direct on the host */
long dune_sys(long nr, long a0, long a1, long a2, long a3, long a4, long a5);

/* ---- host-side virtual memory map (procmap.c) ---- */
struct host_vma {
	uintptr_t start, end;
	int prot; /* PROT_* */
	int kind; /* PROCMAP_TYPE_* */
};
/* Calls cb for each mapping of /proc/self/maps; no malloc, raw syscalls. */
int procmap_scan(int (*cb)(const struct host_vma *vma, void *arg), void *arg);
int procmap_find(uintptr_t va, struct host_vma *out);

/* ---- the address-space mirror (mirror.c) ---- */
int mirror_add(uintptr_t start, uintptr_t end, int prot);
int mirror_remove(uintptr_t start, uintptr_t end);
int mirror_protect(uintptr_t start, uintptr_t end, int prot);
int mirror_lookup(uintptr_t va, int *prot);
int mirror_sync_all(void);           /* host mode: bring in line with /proc */
int mirror_resolve_fault(uintptr_t va); /* 1: now mapped, retry; 0: real fault */
void mirror_lock(void);
void mirror_unlock(void);
int mirror_locked_by_me(void);
uint64_t mirror_bytes(void);
/* Memory for libdune alone (per-CPU pages, trap stacks, IDT, entry code):
 * never reachable by user code. On a ring-0 guest it loses PTE_U; on a
 * deprivileged one the program needs PTE_U, so it gets PTE_KONLY instead.
 * `entry`: also needed by the ring-0 entry under the user view. */
int mirror_kernel_only(uintptr_t start, uintptr_t end, int prot, int entry);
void mirror_set_precise(int on);
int mirror_kernel_only_each(int (*cb)(uintptr_t start, uintptr_t end, void *arg), void *arg);

/* ---- page-table pages (ptpool.c) ---- */
int ptpool_init(void);
void *ptpool_alloc(void); /* zeroed page, mapped in the guest, or NULL */
void ptpool_free(void *page);
int ptpool_refill(void);
int ptpool_contains(uintptr_t va);
void ptpool_range(uintptr_t *lo, uintptr_t *hi);
void mirror_pool_access(void);
void ptpool_get(void *page);
uint64_t ptpool_in_use(void);

/* ---- page tables (vm.c) ---- */
/* software bits (ignored by the CPU): */
#define PTE_KONLY (1UL << 52) /* not for user mode, though PTE_U (deprivileged) */
#define PTE_UVIEW (1UL << 53) /* a user-view entry filled from pgroot (uview.c) */
int vm_walk(ptent_t *root, uintptr_t va, int level, int create, ptent_t **out, int *found);
ptent_t *vm_table_of(ptent_t e);
int vm_map_range(ptent_t *root, uintptr_t va, uintptr_t end, ptent_t flags);
void vm_unmap_range(ptent_t *root, uintptr_t va, uintptr_t end);
void vm_protect_range(ptent_t *root, uintptr_t va, uintptr_t end, ptent_t flags);
ptent_t prot_to_pte(int prot);
void tlb_flush_range(uintptr_t va, uintptr_t end);

/* ---- user mode on deprivileged guests (uview.c) ---- */
int uview_init(void);                       /* the user view of pgroot */
int uview_fill(uintptr_t va, uint64_t fec); /* 1: mapped now, retry */
void uview_invalidate(uintptr_t va, uintptr_t end);
void uview_add_entry_range(uintptr_t start, uintptr_t end);
void uview_before_enter(void);              /* drops stale entries */
void dune_before_user(struct dune_tf *tf);  /* usermode.c: the return hook */
extern volatile int uview_stale;            /* pgroot edited behind libdune */

/* ---- guest-physical layout and memory slots (layout.c, slots.c) ---- */
#include "layout.h"
#include "slots.h"

/* ---- traps and syscalls (trap.c, syscall.c, entry.S) ---- */
void dune_trap_dispatch(struct dune_tf *tf, uint64_t vec);
long dune_syscall_slow(struct dune_tf *tf);
void dune_fatal_signal(int sig) __attribute__((noreturn));
void host_die_signal(int sig) __attribute__((noreturn));
void syscall_init(void);
void host_loop(struct dune_percpu *pc) __attribute__((noreturn));
void dune_host_return(void *enter_state, long ret) __attribute__((noreturn));
long host_clone_native(long nr, long flags, long newsp, long ptid, long ctid,
		       long tls, void *guest_regs);
extern uint8_t dune_use_xsave;
/* the XSAVE components libdune saves and the guest's XCR0: those whose
 * standard-format image fits in DUNE_XSAVE_SIZE (AMX tile data does not) */
extern uint64_t dune_xsave_mask;
/* 1 where ring 0 cannot use the FPU (PVM): the program runs in ring 3 and
 * ring 0 keeps to integer code (guest_x86.c probes it at dune_init) */
extern uint8_t dune_deprivileged;
int dune_emulate_privileged(struct dune_tf *tf);
static inline uint64_t dune_self_cr2(void)
{
	uint64_t v;
	asm volatile("mov %%gs:%c1, %0" : "=r"(v) : "i"(offsetof(struct dune_percpu, cr2)));
	return v;
}
/* the doorbell: a guest page backed by no memory slot (percpu.h) */
extern uintptr_t dune_doorbell_va;
extern uint64_t dune_doorbell_gpa;
int guest_probe_ring0_fpu(void);

/* ---- vCPUs, threads, shootdowns (vcpus.c), fork (fork.c) ---- */
extern int dune_kick_signal;
int vcpus_init(void);
struct dune_percpu *vcpu_get(void);
void vcpu_put(struct dune_percpu *pc);
unsigned vcpus_active(void);
void vcpus_forget_others(struct dune_percpu *keep);
void tlb_shootdown(void);
void vcpus_check_unmap(uintptr_t start, uintptr_t end, const char *who);
void tlb_sync(struct dune_percpu *pc);
long host_clone_thread(struct dune_percpu *parent, unsigned long flags, uintptr_t newsp,
		       uintptr_t ptid, uintptr_t ctid, uintptr_t tls);
long host_clone_raw(unsigned long flags, uintptr_t stack, uintptr_t ptid, uintptr_t ctid,
		    uintptr_t tls, struct dune_percpu *pc);
void dune_thread_main(struct dune_percpu *pc) __attribute__((noreturn));
struct ksigaction;
int signals_init(void);
long signals_sigaction(int sig, const struct ksigaction *act, struct ksigaction *oact);
long signals_sigaltstack(struct dune_percpu *pc, const void *ss, void *oss, uint64_t rsp);
void signals_deliver(struct dune_percpu *pc, int after_syscall, long nr, long result);
long signals_sigreturn(struct dune_percpu *pc);
int signals_fault(struct dune_percpu *pc, int sig, struct dune_tf *tf, uint64_t cr2, int vec);
int signals_suspend_now(struct dune_percpu *pc, uint64_t newmask);
void signals_suspend_done(struct dune_percpu *pc);
int guest_range_ok(uint64_t addr, uint64_t len, int prot);
extern char dune_syscall_stub_resume[];
long host_fork(struct dune_percpu *pc, unsigned long flags, uintptr_t ptid, uintptr_t ctid,
	       uintptr_t tls);
extern uint8_t dune_slow_syscalls[64]; /* bitmap over syscall numbers < 512 */
extern uint8_t dune_fast_syscalls[64]; /* handed to the fast-call server */
extern int dune_fastcall_enabled;
void fastcall_init(void);
void fastcall_wake(struct dune_percpu *pc);
void fastcall_after_exit(struct dune_percpu *pc);
void fastcall_stop(struct dune_percpu *pc, int server_exists);
int fastcall_is_fast(long nr);

/* ---- guest CPU setup (guest_x86.c) ---- */
struct guest_boot;
int guest_percpu_init(struct dune_percpu *pc);
void guest_percpu_reset(struct dune_percpu *pc);
void guest_boot_msrs(struct guest_boot *b);
void guest_boot_state(struct dune_percpu *pc, struct guest_boot *boot);
int guest_idt_init(void);
extern uintptr_t dune_idt_base;

/* entry.S */
extern char dune_syscall_entry[];
extern char dune_entry_text_start[], dune_entry_text_end[]; /* entry.S's pages */
extern char dune_trap_entries[]; /* 256 stubs, TRAP_STUB_SIZE apart */
#define TRAP_STUB_SIZE 16
int __dune_enter(struct dune_percpu *pc, uintptr_t host_stack_top, void *enter_state);
void dune_host_main(struct dune_percpu *pc) __attribute__((noreturn));

#endif
