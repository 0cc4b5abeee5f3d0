/* both halves (host mode and the guest) - dune.h: the libdune API.
 *
 * A process that links libdune moves itself into guest ring 0 of a
 * hardware virtual machine with dune_init_and_enter() and keeps running
 * there: same thread, same address space, same files. System calls are
 * forwarded to the host kernel. The interface follows the original Dune
 * (project-dune/dune, libdune/dune.h) so its programs compile unchanged.
 *
 * Additions beyond Dune's API are marked "(libdune addition)".
 */
#ifndef LIBDUNE_DUNE_H
#define LIBDUNE_DUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- page tables (x86-64, 4 levels) ---- */

/* Dune's sub-headers: page-table geometry and entry bits (PGSIZE, PDX,
 * PTE_*, BIG_PG*), control registers, descriptors, MSRs, trap numbers,
 * FPU areas, the ELF helpers. Programs that include only dune.h see them
 * all, as with Dune's. */
#include "libdune/mmu.h"
#include "libdune/cpu-x86.h"
#include "libdune/fpu.h"
#include "libdune/dune_elf.h"

int dune_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dune_die(void) __attribute__((noreturn));

/* Dune's assert for programs that did not include <assert.h>: one line
 * through dune_printf, then the process ends. */
#ifndef assert
#define assert(expr)                                                              \
	do {                                                                      \
		if (!(expr)) {                                                    \
			dune_printf("ASSERT(" #expr ") at %s:%d in function %s\n", \
				    __FILE__, __LINE__, __func__);                \
			dune_die();                                               \
		}                                                                 \
	} while (0)
#endif

/* (libdune additions) */
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000UL


#define PERM_NONE 0        /* no access */
#define PERM_R 0x0001      /* read permission */
#define PERM_W 0x0002      /* write permission */
#define PERM_X 0x0004      /* execute permission */
#define PERM_U 0x0008      /* user-level permission */
#define PERM_UC 0x0010     /* make uncachable */
#define PERM_COW 0x0020    /* COW flag */
#define PERM_USR1 0x1000   /* user flag 1 */
#define PERM_USR2 0x2000   /* user flag 2 */
#define PERM_USR3 0x3000   /* user flag 3 */
#define PERM_BIG 0x0100    /* use 2 MiB pages */
#define PERM_BIG_1GB 0x0200 /* use 1 GiB pages */

#define PERM_SCODE (PERM_R | PERM_X)
#define PERM_STEXT (PERM_R | PERM_W)
#define PERM_SSTACK PERM_STEXT
#define PERM_UCODE (PERM_R | PERM_U | PERM_X)
#define PERM_UTEXT (PERM_R | PERM_U | PERM_W)
#define PERM_USTACK PERM_UTEXT

#define VA_START ((void *)0)
#define VA_END ((void *)-1)

enum {
	CREATE_NONE = 0,
	CREATE_NORMAL = 1,
	CREATE_BIG = 2,
	CREATE_BIG_1GB = 3,
};

/* The page table the process runs on in dune mode. Dune's "full mapping
 * mode": every accessible host mapping is mapped here with its host
 * protection and PTE_U, so ring-3 code can run the program's functions. */
extern ptent_t *pgroot;

int dune_vm_mprotect(ptent_t *root, void *va, size_t len, int perm);
int dune_vm_map_phys(ptent_t *root, void *va, size_t len, void *pa, int perm);
int dune_vm_map_pages(ptent_t *root, void *va, size_t len, int perm);
void dune_vm_unmap(ptent_t *root, void *va, size_t len);
int dune_vm_lookup(ptent_t *root, void *va, int create, ptent_t **pte_out);
/* 1 when every page of [va, va + len) is mapped writable for user code in
 * root: a write there from ring 0 (a signal frame the monitor builds on
 * the program's stack) cannot fault; 0 otherwise, or when the range wraps */
int dune_vm_user_writable(ptent_t *root, const void *va, size_t len);
ptent_t *dune_vm_clone(ptent_t *root);
void dune_vm_free(ptent_t *root);
void dune_vm_default_pgflt_handler(uintptr_t addr, uint64_t fec);

typedef int (*page_walk_cb)(const void *arg, ptent_t *ptep, void *va);
int dune_vm_page_walk(ptent_t *root, void *start_va, void *end_va,
		      page_walk_cb cb, const void *arg);

/* (libdune addition) Dirty-page tracking for collectors and checkpointers:
 * for each present page of [start, end) in root whose dirty bit is set, sets
 * bit i of bitmap (i = (va - start) / PGSIZE; a big page sets all its bits)
 * and counts it. With DUNE_DIRTY_CLEAR the bits are cleared in the same
 * pass and, if any was set, every vCPU's TLB is flushed before the call
 * returns, so the next write to any of those pages sets its bit again. Bits
 * already set in bitmap stay set. Returns the number of dirty pages, or
 * -EINVAL. Writes made by the host kernel (a read() into the range) set no
 * dirty bit. */
#define DUNE_DIRTY_CLEAR 1
long dune_vm_dirty_collect(ptent_t *root, void *start, void *end, uint64_t *bitmap, int flags);

/* Guest-physical address of a host virtual address mirrored into the guest,
 * or 0 if the address is not mirrored. The layout follows Dune's (below),
 * and memory Dune could not map at all gets guest-physical chunks of its
 * own, so this is exact for every mirrored address. */
physaddr_t dune_va_to_pa(void *ptr);
/* (libdune addition) the inverse: host virtual address of a guest-physical
 * address, or NULL. */
void *dune_pa_to_va(physaddr_t pa);

/* Dune's guest-physical layout: addresses below 16 GiB (but 3-4 GiB) are
 * at GPA == VA, page tables and the page allocator included; the 63 GiB
 * below the kernel's mmap area start at mmap_base, the 1 GiB holding the
 * stack at stack_base, and map to the windows just under phys_limit (80
 * GiB). These are Dune's variables and formulas; dune_va_to_pa agrees. */
extern uintptr_t phys_limit;
extern uintptr_t mmap_base;
extern uintptr_t stack_base;

#define GPA_STACK_SIZE ((unsigned long)1 << 30)                    /* 1 GiB */
#define GPA_MAP_SIZE (((unsigned long)1 << 36) - GPA_STACK_SIZE)    /* 63 GiB */
#define LG_ALIGN(addr) (((addr) + (1UL << 30) - 1) & ~((1UL << 30) - 1))

static inline uintptr_t dune_mmap_addr_to_pa(void *ptr)
{
	return (uintptr_t)ptr - mmap_base + phys_limit - GPA_STACK_SIZE - GPA_MAP_SIZE;
}

static inline uintptr_t dune_stack_addr_to_pa(void *ptr)
{
	return (uintptr_t)ptr - stack_base + phys_limit - GPA_STACK_SIZE;
}

/* ---- the page allocator: page tables and dune_vm_map_pages come from it ---- */

/* Pages live at PAGEBASE at GPA == VA: dune_page2pa() is also the page's
 * address in this process. */
SLIST_HEAD(page_head, page);
typedef SLIST_ENTRY(page) page_entry_t;

struct page {
	page_entry_t link;
	uint64_t ref;
};

extern struct page *pages;
extern int num_pages; /* pages committed so far */

#define PAGEBASE 0x200000000UL
#define MAX_PAGES (1ul << 20) /* 4 GiB */

/* A zeroed page with one reference, or NULL. */
struct page *dune_page_alloc(void);
void dune_page_free(struct page *pg);
void dune_page_stats(void);
bool dune_page_isfrompool(physaddr_t pa);

static inline struct page *dune_pa2page(physaddr_t pa)
{
	return &pages[PPN(pa - PAGEBASE)];
}

static inline physaddr_t dune_page2pa(struct page *pg)
{
	return PAGEBASE + ((physaddr_t)(pg - pages) << PGSHIFT);
}

/* (libdune additions) references taken and dropped under the allocator's
 * lock; dune_page_get/put below are Dune's inline forms of them. */
void dune_page_ref(struct page *pg, int delta);

static inline struct page *dune_page_get(struct page *pg)
{
	assert(pg >= pages);
	assert(pg < (pages + num_pages));
	dune_page_ref(pg, 1);
	return pg;
}

static inline void dune_page_put(struct page *pg)
{
	assert(pg >= pages);
	assert(pg < (pages + num_pages));
	dune_page_ref(pg, -1);
}

/* Maps pg at va with perm, taking a reference (the entry it replaces drops
 * its own); the pool page mapped at va, or NULL. */
int dune_vm_insert_page(ptent_t *root, void *va, struct page *pg, int perm);
struct page *dune_vm_lookup_page(ptent_t *root, void *va);

static inline void dune_flush_tlb_one(unsigned long addr)
{
	asm volatile("invlpg (%0)" ::"r"(addr) : "memory");
}

static inline void dune_flush_tlb(void)
{
	asm volatile("mov %%cr3, %%rax\n\tmov %%rax, %%cr3\n" ::: "rax", "memory");
}

/* load_cr3(root | CR3_NOFLUSH | pcid): switch without flushing, with a
 * PCID. Where the host offers no PCIDs the bit and the PCID are dropped
 * (one message the first time) and the load flushes. */
#define CR3_NOFLUSH (1UL << 63)

static inline void load_cr3(unsigned long cr3)
{
	asm volatile("mov %%rax, %%cr3\n" : : "a"(cr3) : "memory");
}

static inline void __invpcid(int mode, unsigned long addr)
{
	struct {
		unsigned long eptp, gpa;
	} operand = { 1, addr };
	asm volatile("invpcid (%%rax), %%rcx" ::"a"(&operand), "c"(mode) : "cc", "memory");
}

/* ---- traps ---- */

/* GDT layout as Linux's, so STAR can use Linux's selector values. */
#define GD_KT 0x10
#define GD_KD 0x18
#define GD_UD 0x28
#define GD_UT 0x30
#define GD_TSS 0x38
#define GD_TSS2 0x40
#define NR_GDT_ENTRIES 9

struct dune_tf {
	/* manually saved, arguments */
	uint64_t rdi;
	uint64_t rsi;
	uint64_t rdx;
	uint64_t rcx;
	uint64_t r8;
	uint64_t r9;
	uint64_t r10;
	uint64_t r11;

	/* saved by C calling conventions */
	uint64_t rbx;
	uint64_t rbp;
	uint64_t r12;
	uint64_t r13;
	uint64_t r14;
	uint64_t r15;

	/* system call number, ret */
	uint64_t rax;

	/* exception frame */
	uint32_t err;
	uint32_t pad1;
	uint64_t rip;
	uint16_t cs;
	uint16_t pad2[3];
	uint64_t rflags;
	uint64_t rsp;
	uint16_t ss;
	uint16_t pad3[3];
} __attribute__((packed));

#define ARG0(tf) ((tf)->rdi)
#define ARG1(tf) ((tf)->rsi)
#define ARG2(tf) ((tf)->rdx)
/* ARG3 is the fourth system-call argument. Dune's entry copied r10 into
 * the rcx slot and read it there; here r10 holds it and the rcx slot holds
 * a copy, so both spellings read the argument; change it through ARG3. */
#define ARG3(tf) ((tf)->r10)
#define ARG4(tf) ((tf)->r8)
#define ARG5(tf) ((tf)->r9)

typedef void (*dune_intr_cb)(struct dune_tf *tf);
typedef void (*dune_pgflt_cb)(uintptr_t addr, uint64_t fec, struct dune_tf *tf);
typedef void (*dune_syscall_cb)(struct dune_tf *tf);

/* Handlers run in guest ring 0 on a trap stack of their own (so the
 * interrupted code's red zone survives); they may edit *tf and return to
 * resume. A vector with no handler ends the process with the signal Linux
 * would have sent. Returns 0, or -EINVAL for a bad vector. */
int dune_register_intr_handler(int vec, dune_intr_cb cb);
void dune_register_pgflt_handler(dune_pgflt_cb cb);
void dune_register_syscall_handler(dune_syscall_cb cb);

/* Signals as interrupts (Dune's numbering): the handler registered for
 * DUNE_SIGNAL_INTR_BASE + signum runs with the interrupted frame when
 * signum arrives for a thread in dune mode (at the next point where the
 * thread may be interrupted), instead of any Linux handler; it may edit
 * *tf. signum 1..55. */
#define DUNE_SIGNAL_INTR_BASE 200
int dune_register_signal_handler(int signum, dune_intr_cb cb);

/* signal(2) for programs in dune mode (their handlers run in the guest);
 * returns the previous handler or SIG_ERR. */
typedef void (*sighandler_t)(int);
sighandler_t dune_signal(int sig, sighandler_t cb);

/* Loads every register from tf and resumes there (rip, rsp, rflags), at the
 * caller's privilege; never returns. */
void dune_pop_trap_frame(struct dune_tf *tf) __attribute__((noreturn));

/* Runs tf (rip, rsp, rflags, registers) in ring 3 under the page table the
 * program has loaded (pgroot, or one of its own via load_cr3) until a handler calls dune_ret_from_user(code); returns code. User
 * code reaches only PTE_U memory; its system calls go to the handler
 * registered with dune_register_syscall_handler (or to the host if none),
 * its exceptions to the pgflt/interrupt handlers with tf->cs & 3 == 3.
 * Libdune's own memory (per-CPU pages, trap stacks, IDT, entry code, page
 * tables) is never reachable from user code. */
int dune_jump_to_user(struct dune_tf *tf);
void dune_ret_from_user(int ret) __attribute__((noreturn));

/* (libdune addition) User code this thread runs (dune_jump_to_user) runs
 * under root, a page table of the program's own (from dune_page_alloc,
 * filled with dune_vm_lookup), instead of the table the program has loaded:
 * root's PTE_U entries are all it reaches, while the program and its
 * handlers keep running under their own table. libdune adds to root,
 * supervisor-only, the pages this thread's ring 0 needs to take user code's
 * traps. Takes effect when user code is next entered or resumed, so a
 * handler may switch the table of the frame it returns to. Other threads
 * run their user code under their own choice. NULL: back to the default.
 * 0, or -EINVAL (not dune mode, root not a pool page) or -ENOMEM. */
int dune_set_user_root(ptent_t *root);

/* (libdune additions) User code's FS base: the program's own FS base until
 * set; takes effect when user code next runs. */
void dune_set_user_fs(uint64_t base);
uint64_t dune_get_user_fs(void);
/* In a handler of user code's trap or system call: user code's FPU state
 * (XSAVE format if *xcr0 != 0, else FXSAVE), *size bytes, loaded back when
 * user code resumes; what is written there must stay valid for XRSTOR. */
void *dune_user_fpu(struct dune_tf *tf, size_t *size, uint64_t *xcr0);
/* Called with user code's frame each time a handler of its system call or
 * trap returns to it (a place to deliver the user program's signals). */
void dune_register_user_return_hook(void (*hook)(struct dune_tf *tf));
/* (libdune addition) On the way back to user code: it runs one instruction
 * (a single step), then traps back and the hook runs again; the program's
 * own trap flag is not involved. dune_user_stepping: that step is still to
 * come. */
void dune_user_step(void);
int dune_user_stepping(void);
/* After dune_init(false): user code may reach only [start, end) of the
 * mirrored address space (plus what is mapped PERM_U through dune_vm_*);
 * the rest stays the program's. dune_init(true), Dune's full mapping, lets
 * user code reach all of it. */
int dune_set_user_memory(uintptr_t start, uintptr_t end);
/* One more such range (up to 8 in all; -EEXIST if they overlap). */
int dune_add_user_memory(uintptr_t start, uintptr_t end);
/* Is fd one libdune keeps open (the VM, its vCPUs)? Code run on someone
 * else's behalf must not reach those. */
int dune_owns_fd(int fd);
/* (libdune addition) Mappings of min_len bytes or more made from now on are
 * mirrored lazily: an 8 MiB block at a time, when the guest first touches
 * it (a 256 GiB reservation costs nothing until used). Their page-table
 * entries do not exist before that touch, so dune_vm_* calls on untouched
 * parts change nothing. 0 (the default) mirrors everything at once. */
void dune_mirror_lazily(size_t min_len);
/* Moves fd to the top of the descriptor space (out of the numbers
 * programs use) and makes it libdune's: the program's calls cannot reach
 * it, listings of /proc/self/fd leave it out. Returns the new number. */
int dune_fd_take(int fd);
/* Moves fd up there too and leaves it out of /proc/self/fd listings, but
 * lets calls reach it: for a sandbox's own descriptors, which the sandbox
 * keeps its program's calls off itself. Returns the new number. */
int dune_fd_hide(int fd);
/* Which arguments of system call nr are descriptors, a bit per argument
 * (mmap's descriptor unless MAP_ANONYMOUS). */
unsigned dune_syscall_fd_args(long nr);

/* (libdune addition) The kernel's struct sigaction on x86-64, as
 * rt_sigaction takes it (libc's struct sigaction differs): for code that
 * keeps another program's signal actions. mask: bit sig-1 for sig. */
struct dune_ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

/* Forwards the system call described by tf (rax = number, rdi..r9 = args)
 * to the host kernel; the result lands in tf->rax. */
void dune_passthrough_syscall(struct dune_tf *tf);

/* (libdune addition) For code that keeps the signals of a program of its
 * own (a monitor): the same, except that the call does not start while
 * *g->pending has a bit outside *g->blocked (bit sig-1 for sig). Checked
 * on the host half together with the call's entry, so a signal the caller
 * notes (its handler runs in between) cannot slip past: tf->rax is then
 * -DUNE_ENOTSTARTED and nothing was done; the caller starts its program's
 * handler and issues the call again. Calls that change the address space
 * are not guarded (they do not block). */
#define DUNE_ENOTSTARTED 513
struct dune_call_guard {
	const volatile uint64_t *pending;
	const volatile uint64_t *blocked;
};
void dune_passthrough_syscall_guarded(struct dune_tf *tf, const struct dune_call_guard *g);
void dune_dump_trap_frame(struct dune_tf *tf);
/* The signal Linux sends for an exception vector (SIGFPE for #DE, SIGSEGV
 * for #PF, ...): what a handler ending the program for it should use. */
int dune_vector_signal(uint64_t vec);

/* ---- interprocessor interrupts between threads in dune mode ---- */

/* Each vCPU (thread in dune mode) has an APIC ID. dune_apic_send_ipi posts
 * vector to the vCPU with that ID; the vector's handler
 * (dune_register_intr_handler) runs there with the interrupted frame as
 * soon as that thread may be interrupted: at once if it runs in the guest,
 * else when it comes back from the system call it is in. Vector 2 is NMI.
 * dune_apic_eoi() ends the handler's interrupt (as Dune's handlers do). */
uint32_t dune_apic_id(void);
/* The APIC ID dune_apic_init_rt_entry() recorded for a CPU; *error = true
 * (if error is given) for a CPU number the machine does not have. */
uint32_t dune_apic_id_for_cpu(uint32_t cpu, bool *error);
void dune_apic_send_ipi(uint8_t vector, uint32_t destination_apic_id);
void dune_apic_eoi(void);
/* Records sched_getcpu() -> dune_apic_id() for the calling thread. */
void dune_apic_init_rt_entry(void);

/* ---- utilities ---- */

static inline unsigned long dune_get_ticks(void)
{
	unsigned int a, d;
	asm volatile("rdtsc" : "=a"(a), "=d"(d));
	return ((unsigned long)a) | (((unsigned long)d) << 32);
}

/* ends the process with sig as the kernel would (default action, core
 * files aside), whatever handlers the program set: its parent sees it
 * killed by sig */
void dune_fatal_signal(int sig) __attribute__((noreturn));
void *dune_mmap(void *addr, size_t length, int prot, int flags, int fd,
		off_t offset);

/* ---- process memory maps ---- */

#define PROCMAP_TYPE_UNKNOWN 0x00
#define PROCMAP_TYPE_FILE 0x01
#define PROCMAP_TYPE_ANONYMOUS 0x02
#define PROCMAP_TYPE_HEAP 0x03
#define PROCMAP_TYPE_STACK 0x04
#define PROCMAP_TYPE_VSYSCALL 0x05
#define PROCMAP_TYPE_VDSO 0x06
#define PROCMAP_TYPE_VVAR 0x07

struct dune_procmap_entry {
	uintptr_t begin;
	uintptr_t end;
	uint64_t offset;
	bool r; /* readable */
	bool w; /* writable */
	bool x; /* executable */
	bool p; /* private (or shared) */
	char *path;
	int type;
};

typedef void (*dune_procmap_cb)(const struct dune_procmap_entry *);
void dune_procmap_iterate(dune_procmap_cb cb);
void dune_procmap_dump(void);

/* ---- entry ---- */

/* Opens the host side (/dev/kvm by default), creates the virtual machine
 * and mirrors the address space into pgroot. map_full: user code (ring 3)
 * may reach all of it, as in Dune; otherwise only what
 * dune_set_user_memory() names. Returns 0 or -errno and prints one line
 * naming the cause and the remedy. */
int dune_init(bool map_full);

/* Addition: opens the host side's device now, for a process about to lose
 * sight of /dev (a sandbox's jail); dune_init and every fork child's new VM
 * then use it. Returns the descriptor to keep open (libdune owns it), or
 * -errno with a line printed. Optional: dune_init opens it otherwise. */
int dune_preopen(void);

/* Moves the calling thread into guest ring 0. Returns 0 there, or -errno
 * (still in host mode) on failure. */
int dune_enter(void);

/**
 * dune_init_and_enter - initializes libdune and enters "Dune mode"
 *
 * Threads that a thread in dune mode creates start in dune mode too; a
 * thread created before, or by a thread outside, calls dune_enter() itself.
 * Returns 0 on success, otherwise failure.
 */
static inline int dune_init_and_enter(void)
{
	int ret;

	if ((ret = dune_init(1)))
		return ret;

	return dune_enter();
}

/* (libdune addition) true when the calling thread runs in dune mode. */
bool dune_in_guest(void);

/* (libdune addition) the name of the host side in use ("kvm" or "kmod"). */
const char *dune_host_name(void);

/* (libdune addition) the hardware ring the program runs in: 0, or 3 on
 * hosts whose ring 0 cannot use the FPU (PVM), where privileged
 * instructions are emulated from ring 0. */
int dune_guest_ring(void);

/* (libdune addition) guest-physical memory accounting, for tests and tools:
 * the number of memory slots registered and their total size in bytes. */
struct dune_mem_stats {
	uint64_t slots;
	uint64_t slot_bytes;
	uint64_t mirrored_bytes; /* host memory mapped into pgroot */
	uint64_t pt_pages;       /* page-table pages in use */
};
void dune_get_mem_stats(struct dune_mem_stats *st);

/* (libdune addition) how system calls reached the host, summed over vCPUs:
 * through a VM exit (the doorbell) or through the fast-call server thread
 * without an exit (only on hosts with a CPU to spare; DUNE_FASTCALL=0/1). */
struct dune_call_stats {
	uint64_t exit_calls;
	uint64_t fast_calls;
};
void dune_get_call_stats(struct dune_call_stats *st);

/* (libdune addition) VM exits, summed over this process's vCPUs. Read it
 * before and after an operation: the difference is what the operation
 * cost in crossings, whatever the host's speed. Reading it from the guest
 * is itself one hypercall (counted). */
struct dune_exit_stats {
	uint64_t runs;          /* the vCPU came back to libdune's host half */
	uint64_t syscalls;      /* ... to run a forwarded system call */
	uint64_t hypercalls;    /* ... for libdune's other requests */
	uint64_t interrupts;    /* ... for a signal or a kick */
	uint64_t fast_calls;    /* system calls the fast-call server ran: no exit */
	uint64_t user_fast_calls; /* user code's calls ring 0 handed straight to the
				   * host half (dune_set_user_fast_syscalls) */
	/* the host kernel's own counts (KVM's binary stats), the exits it
	 * handled without returning to userspace included; -1 where the
	 * host side cannot tell (dune.ko) */
	int64_t kernel_exits;   /* every VM exit */
	int64_t kernel_emulated; /* instructions the kernel emulated (PVM: all of ring 0) */
	int64_t kernel_faults;  /* page faults the kernel took for the guest */
	int64_t kernel_faults_fixed; /* of those, resolved by mapping a page: a first
				      * touch, and on a shadow-paging host every first
				      * write after a dirty bit was cleared (not the
				      * emulated accesses, such as hypercalls) */
};
void dune_get_exit_stats(struct dune_exit_stats *st);

/* (libdune addition) User code's system calls that skip the syscall
 * handler: ring 0 hands a call whose number is in set (a bit per number
 * below 512) straight to the host half, which runs it if ok(nr, args)
 * says yes. Otherwise, or if it comes back -EINTR, or a signal waits, the
 * handler takes the call as usual. ok runs in the host half, as any
 * thread: no locks, no TLS, no allocation, no system calls. On a
 * deprivileged guest this saves two CR3 switches and the trip through the
 * handler. NULL turns it off (the default). */
typedef int (*dune_user_fast_ok)(long nr, const long args[6]);

/* (libdune addition) A user page fault copies up to `pages` neighbours
 * too (the aligned block around the fault, at most 512) into user code's
 * page table, writable where pgroot allows, so sequential first touches
 * cost one trap a block. Their pgroot entries are marked accessed and
 * dirty: for user memory, dirty then means "may have been written".
 * Default 1: exact dirty bits. */
void dune_set_user_fault_around(unsigned pages);
void dune_set_user_fast_syscalls(const uint64_t set[8], dune_user_fast_ok ok);

#ifdef __cplusplus
}
#endif

#endif /* LIBDUNE_DUNE_H */
