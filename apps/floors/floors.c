/*
 * floors.c - measures this host's floors (floors.h) with the guest of
 * guest.S: builds its memory (page tables, GDT, IDT, TSS, code), then runs
 * each command n times and 0 times, timing both and reading KVM's counters
 * around both, so the guest's own loop and the command's set-up cancel.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "floors.h"
#include "guest_layout.h"
#include "kvm_stats.h"
#include "kvm_vm.h"

extern const char floors_guest_start[], floors_guest_entry[], floors_guest_user[],
	floors_guest_end[], floors_lstar[], floors_lstar_user[], floors_idt_stubs[],
	floors_idt_stubs_end[];

#define REPS 3
#define BASE_ITERS 2000
#define MIN_ITERS 10
#define IDT_STUB_SIZE 16
#define NR_IDT_STUBS 32

#define PTE_P 1ULL
#define PTE_W 2ULL
#define PTE_U 4ULL
#define PTE_A 0x20ULL
#define PTE_D 0x40ULL

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084

static const struct {
	const char *key, *what;
	int cmd;
} floor_defs[NR_FLOORS] = {
	[FLOOR_PIO] = { "pio", "port-I/O exit to userspace (out, ring 0)", CMD_PIO },
	[FLOOR_MMIO] = { "mmio", "MMIO exit to userspace (store, ring 0)", CMD_MMIO },
	[FLOOR_MMIO3] = { "mmio3", "MMIO exit to userspace (store, ring 3)", CMD_MMIO3 },
	[FLOOR_CPUID] = { "cpuid", "exit the kernel handles (cpuid, ring 0)", CMD_CPUID },
	[FLOOR_SYSCALL3] = { "syscall3", "ring-3 syscall event to ring 0 and back", CMD_SYSCALL3 },
	[FLOOR_SYSCALL3_USER] = { "syscall3u", "ring-3 syscall, LSTAR on a user page (PVM: no ring change)",
				  CMD_SYSCALL3_USER },
	[FLOOR_TRAP3] = { "trap3", "ring-3 trap round trip (int3, iretq)", CMD_TRAP3 },
	[FLOOR_TRAP0] = { "trap0", "ring-0 trap round trip (#PF, not present; iretq)", CMD_TRAP0 },
	[FLOOR_CR3] = { "cr3", "CR3 write (same value, ring 0)", CMD_CR3 },
	[FLOOR_INVLPG] = { "invlpg", "INVLPG (ring 0)", CMD_INVLPG },
	[FLOOR_PTE_CHANGE] = { "ptechange",
			       "page-table write + invlpg + use (one mapping changed)",
			       CMD_PTWRITE },
	[FLOOR_PT_STORE] = { "ptstore", "page-table write alone (live leaf table, ring 0)",
			     CMD_PTWRITE_ONLY },
	[FLOOR_PT_STORE3] = { "ptstore3", "page-table write alone, from ring 3", CMD_PTSTORE3 },
	[FLOOR_FIRST_TOUCH] = { "firsttouch", "first touch of a page from ring 3 (host fault + allocation)",
				CMD_FIRST_TOUCH },
};

struct mailbox {
	uint64_t cmd, iters, lstar_ring0, lstar_fault, ksp;
	uint64_t fail_vec, fail_rip, fail_err, fail_cr2;
	uint64_t lstar_user;
};
_Static_assert(__builtin_offsetof(struct mailbox, iters) == MB_ITERS, "mailbox");
_Static_assert(__builtin_offsetof(struct mailbox, lstar_ring0) == MB_LSTAR_RING0, "mailbox");
_Static_assert(__builtin_offsetof(struct mailbox, lstar_fault) == MB_LSTAR_FAULT, "mailbox");
_Static_assert(__builtin_offsetof(struct mailbox, ksp) == MB_KSP, "mailbox");
_Static_assert(__builtin_offsetof(struct mailbox, fail_vec) == MB_FAIL_VEC, "mailbox");
_Static_assert(__builtin_offsetof(struct mailbox, fail_cr2) == MB_FAIL_CR2, "mailbox");
_Static_assert(__builtin_offsetof(struct mailbox, lstar_user) == MB_LSTAR_USER, "mailbox");

struct guest {
	struct vm vm;
	uint8_t *fresh; /* slot 1: G_FRESH, emptied before every run */
	struct vcpu vcpu;
	struct mailbox *mb;
	struct kvm_stats vcpu_stats, vm_stats;
};

static uint64_t *gpa_ptr(struct guest *g, uint64_t gpa)
{
	return (uint64_t *)(g->vm.mem + gpa);
}

static uint64_t code_gpa(const char *sym)
{
	return G_CODE + (uint64_t)(sym - floors_guest_start);
}

static int is_user_page(uint64_t gpa)
{
	/* the leaf table too: the ring-3 page-table floor writes it */
	return gpa == G_MAILBOX || gpa == G_PT || (gpa >= G_USTACK_TOP - 0x3000 && gpa < G_USTACK_TOP) ||
	       (gpa >= code_gpa(floors_guest_user) && gpa < code_gpa(floors_guest_end));
}

static void build_page_tables(struct guest *g)
{
	uint64_t *pt = gpa_ptr(g, G_PT);

	*gpa_ptr(g, G_PML4) = G_PDPT | PTE_P | PTE_W | PTE_U | PTE_A;
	*gpa_ptr(g, G_PDPT) = G_PD | PTE_P | PTE_W | PTE_U | PTE_A;
	*gpa_ptr(g, G_PD) = G_PT | PTE_P | PTE_W | PTE_U | PTE_A;
	/* A and D set: the host has no bits to emulate on first use */
	for (uint64_t gpa = 0x1000; gpa < G_MEM_SIZE; gpa += 0x1000)
		if (gpa != G_NOT_PRESENT)
			pt[PTE_INDEX(gpa)] = gpa | PTE_P | PTE_W | PTE_A | PTE_D |
				     (is_user_page(gpa) ? PTE_U : 0);
	pt[PTE_INDEX(G_MMIO)] = G_MMIO | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D;

	pt = gpa_ptr(g, G_PT_FRESH);
	*(gpa_ptr(g, G_PD) + PDE_INDEX(G_FRESH)) = G_PT_FRESH | PTE_P | PTE_W | PTE_U | PTE_A;
	for (uint64_t off = 0; off < G_FRESH_SIZE; off += 0x1000)
		pt[PTE_INDEX(G_FRESH + off)] = (G_FRESH + off) | PTE_P | PTE_W | PTE_U | PTE_A |
					       PTE_D;
}

static void add_fresh_slot(struct guest *g)
{
	struct kvm_userspace_memory_region slot;

	g->fresh = mmap(NULL, G_FRESH_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (g->fresh == MAP_FAILED)
		die_errno("mmap the fresh region", -1);
	madvise(g->fresh, G_FRESH_SIZE, MADV_NOHUGEPAGE); /* one fault per 4 KiB */
	slot = (struct kvm_userspace_memory_region){
		.slot = 1, .guest_phys_addr = G_FRESH, .memory_size = G_FRESH_SIZE,
		.userspace_addr = (uintptr_t)g->fresh,
	};
	if (ioctl(g->vm.fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		die_errno("KVM_SET_USER_MEMORY_REGION (slot 1)", -1);
}

static uint64_t seg_desc(uint64_t access, uint64_t flags)
{
	return 0xffffULL | (access << 40) | (0xfULL << 48) | (flags << 52);
}

static void build_descriptor_tables(struct guest *g)
{
	uint64_t *gdt = gpa_ptr(g, G_GDT), *idt = gpa_ptr(g, G_IDT);
	uint8_t *tss = g->vm.mem + G_TSS;

	gdt[SEL_KCODE / 8] = seg_desc(0x9b, 0xa); /* code, DPL 0, L, G */
	gdt[SEL_KDATA / 8] = seg_desc(0x93, 0xc);
	gdt[SEL_UDATA / 8] = seg_desc(0xf3, 0xc);
	gdt[SEL_UCODE / 8] = seg_desc(0xfb, 0xa);
	gdt[SEL_TSS / 8] = 103 | ((uint64_t)G_TSS << 16) | (0x89ULL << 40);
	gdt[SEL_TSS / 8 + 1] = 0;
	*(uint64_t *)(tss + 4) = G_TRAP_STACK_TOP; /* rsp0 */
	*(uint16_t *)(tss + 102) = 104;            /* no I/O bitmap */

	if ((floors_idt_stubs_end - floors_idt_stubs) != NR_IDT_STUBS * IDT_STUB_SIZE) {
		fprintf(stderr, "floors: guest.S's IDT stubs are not %d bytes apart\n",
			IDT_STUB_SIZE);
		exit(1);
	}
	for (int v = 0; v < NR_IDT_STUBS; v++) {
		uint64_t off = code_gpa(floors_idt_stubs) + (uint64_t)v * IDT_STUB_SIZE;
		uint64_t dpl = v == 3 ? 3 : 0; /* int3 may come from ring 3 */
		idt[2 * v] = (off & 0xffff) | ((uint64_t)SEL_KCODE << 16) |
			     ((0x8eULL | (dpl << 5)) << 40) | (((off >> 16) & 0xffff) << 48);
		idt[2 * v + 1] = off >> 32;
	}
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code64, int dpl)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = code64;
	s->db = !code64;
	s->dpl = dpl;
}

static void boot_vcpu(struct guest *g)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	memset(&s, 0, sizeof(s));
	seg(&s.cs, SEL_KCODE, 11, 1, 0);
	seg(&s.ds, SEL_KDATA, 3, 0, 0);
	s.es = s.ss = s.fs = s.gs = s.ds;
	s.tr.selector = SEL_TSS;
	s.tr.base = G_TSS;
	s.tr.limit = 103;
	s.tr.type = 11; /* busy 64-bit TSS */
	s.tr.present = 1;
	s.ldt.type = 2;
	s.ldt.unusable = 1;
	s.gdt.base = G_GDT;
	s.gdt.limit = GDT_ENTRIES * 8 - 1;
	s.idt.base = G_IDT;
	s.idt.limit = NR_IDT_STUBS * 16 - 1;
	s.cr0 = 0x80010033; /* PG, WP, NE, ET, MP, PE */
	s.cr3 = G_PML4;
	s.cr4 = 0x20;       /* PAE */
	s.efer = 0x1 | 0x100 | 0x400 | 0x800; /* SCE, LME, LMA, NXE */
	vcpu_set_sregs(&g->vcpu, &s);

	vcpu_set_msr(&g->vcpu, MSR_LSTAR, code_gpa(floors_lstar));
	vcpu_set_msr(&g->vcpu, MSR_STAR,
		     ((uint64_t)SEL_KDATA << 48) | ((uint64_t)SEL_KCODE << 32));
	vcpu_set_msr(&g->vcpu, MSR_FMASK, 0);

	memset(&r, 0, sizeof(r));
	r.rip = code_gpa(floors_guest_entry);
	r.rsp = G_KSTACK_TOP;
	r.rflags = 0x202; /* IF: Bochs interrupts a nested guest only with IF=1 */
	vcpu_set_regs(&g->vcpu, &r);
}

static const char *exit_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_HLT: return "hlt";
	case KVM_EXIT_SHUTDOWN: return "shutdown (triple fault)";
	case KVM_EXIT_FAIL_ENTRY: return "VM entry failed";
	case KVM_EXIT_INTERNAL_ERROR: return "KVM internal error (emulation failed?)";
	default: return "unexpected";
	}
}

/* Runs until the guest asks for its next command. */
static void run_to_ready(struct guest *g)
{
	struct kvm_run *run = g->vcpu.run;

	for (;;) {
		vcpu_run(&g->vcpu);
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_READY)
			return;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_FLOOR)
			continue;
		if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.phys_addr == G_MMIO)
			continue;
		if (run->exit_reason == KVM_EXIT_IO && run->io.port == PORT_FAIL) {
			fprintf(stderr, "floors: guest exception: vector %ld error 0x%lx at rip "
				"0x%lx cr2 0x%lx (command %lu)\n", (long)g->mb->fail_vec,
				(unsigned long)g->mb->fail_err, (unsigned long)g->mb->fail_rip,
				(unsigned long)g->mb->fail_cr2, (unsigned long)g->mb->cmd);
			exit(1);
		}
		fprintf(stderr, "floors: guest stopped: %s exit (reason %u, code 0x%llx) "
			"during command %lu\n", exit_name(run->exit_reason), run->exit_reason,
			(unsigned long long)run->internal.suberror, (unsigned long)g->mb->cmd);
		exit(1);
	}
}

struct sample {
	double ns;
	uint64_t vcpu[KVM_STATS_MAX], vm[KVM_STATS_MAX];
};

static void run_cmd(struct guest *g, int cmd, long n, struct sample *s)
{
	uint64_t v0[KVM_STATS_MAX] = { 0 }, m0[KVM_STATS_MAX] = { 0 };
	double t;

	g->mb->cmd = (uint64_t)cmd;
	g->mb->iters = (uint64_t)n;
	/* the host drops its pages (KVM's mappings go with them) */
	if (cmd == CMD_FIRST_TOUCH && madvise(g->fresh, G_FRESH_SIZE, MADV_DONTNEED))
		die_errno("madvise(MADV_DONTNEED)", -1);
	kvm_stats_read(&g->vcpu_stats, v0);
	kvm_stats_read(&g->vm_stats, m0);
	t = bench_now_ns();
	run_to_ready(g);
	s->ns = bench_now_ns() - t;
	kvm_stats_read(&g->vcpu_stats, s->vcpu);
	kvm_stats_read(&g->vm_stats, s->vm);
	for (unsigned i = 0; i < g->vcpu_stats.n; i++)
		s->vcpu[i] -= v0[i];
	for (unsigned i = 0; i < g->vm_stats.n; i++)
		s->vm[i] -= m0[i];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void append_detail(char *buf, const char *name, double per_op)
{
	size_t len = strlen(buf);
	if (per_op < 0.05 && per_op > -0.05)
		return;
	snprintf(buf + len, FLOOR_DETAIL_MAX - len, "%s%s %.2f", len ? ", " : "", name, per_op);
}

static void measure_floor(struct guest *g, struct floor *f, int cmd)
{
	double ns[REPS];
	int64_t vcpu[KVM_STATS_MAX] = { 0 }, vm[KVM_STATS_MAX] = { 0 };
	int exits_idx = kvm_stats_find(&g->vcpu_stats, "exits");
	int emul_idx = kvm_stats_find(&g->vcpu_stats, "insn_emulation");
	double total = (double)f->iters * REPS;

	for (int r = 0; r < REPS; r++) {
		struct sample full, empty;
		run_cmd(g, cmd, f->iters, &full);
		run_cmd(g, cmd, 0, &empty);
		ns[r] = (full.ns - empty.ns) / f->iters;
		for (unsigned i = 0; i < g->vcpu_stats.n; i++)
			vcpu[i] += (int64_t)(full.vcpu[i] - empty.vcpu[i]);
		for (unsigned i = 0; i < g->vm_stats.n; i++)
			vm[i] += (int64_t)(full.vm[i] - empty.vm[i]);
	}
	qsort(ns, REPS, sizeof(ns[0]), cmp_double);
	f->ns = ns[REPS / 2];
	f->exits = exits_idx < 0 ? -1 : vcpu[exits_idx] / total;
	f->emulated = emul_idx < 0 ? -1 : vcpu[emul_idx] / total;
	f->detail[0] = 0;
	for (unsigned i = 0; i < g->vcpu_stats.n; i++)
		if ((int)i != exits_idx && (int)i != emul_idx)
			append_detail(f->detail, g->vcpu_stats.name[i], vcpu[i] / total);
	for (unsigned i = 0; i < g->vm_stats.n; i++)
		append_detail(f->detail, g->vm_stats.name[i], vm[i] / total);
}

static long scaled(double scale, int cmd)
{
	long n = (long)(BASE_ITERS * scale);
	if (cmd == CMD_FIRST_TOUCH && n > G_FRESH_SIZE / 4096)
		n = G_FRESH_SIZE / 4096;
	return n < MIN_ITERS ? MIN_ITERS : n;
}

/* The child's work: 0, or 1 with why filled in. */
static int measure_all(struct floors *out, double scale)
{
	struct guest g;
	size_t code_size = (size_t)(floors_guest_end - floors_guest_start);
	int r;

	r = _vm_create_with_one_vcpu(&g.vm, &g.vcpu, G_MEM_SIZE);
	if (r < 0) {
		snprintf(out->why, sizeof(out->why), "cannot open /dev/kvm (%s)", strerror(-r));
		return 1;
	}
	if (G_CODE + code_size > G_MEM_SIZE) {
		snprintf(out->why, sizeof(out->why), "guest code too large (%zu bytes)", code_size);
		return 1;
	}
	memcpy(g.vm.mem + G_CODE, floors_guest_start, code_size);
	g.mb = (struct mailbox *)(g.vm.mem + G_MAILBOX);
	build_page_tables(&g);
	add_fresh_slot(&g);
	build_descriptor_tables(&g);
	boot_vcpu(&g);
	kvm_stats_open(&g.vcpu_stats, g.vcpu.fd);
	kvm_stats_open(&g.vm_stats, g.vm.fd);

	run_to_ready(&g);
	for (int i = 0; i < NR_FLOORS; i++) {
		struct floor *f = &out->f[i];
		uint64_t ring0 = g.mb->lstar_ring0, fault = g.mb->lstar_fault;
		f->iters = scaled(scale, floor_defs[i].cmd);
		if (i == FLOOR_SYSCALL3_USER)
			vcpu_set_msr(&g.vcpu, MSR_LSTAR, code_gpa(floors_lstar_user));
		measure_floor(&g, f, floor_defs[i].cmd);
		if (i == FLOOR_SYSCALL3_USER) {
			vcpu_set_msr(&g.vcpu, MSR_LSTAR, code_gpa(floors_lstar));
			if (g.mb->lstar_user == 0) {
				snprintf(out->why, sizeof(out->why),
					 "the user-page LSTAR was never reached");
				return 1;
			}
		}
		if (i == FLOOR_SYSCALL3) {
			ring0 = g.mb->lstar_ring0 - ring0;
			fault = g.mb->lstar_fault - fault;
			snprintf(out->syscall_path, sizeof(out->syscall_path), "%s",
				 ring0 && !fault ? "ring 0 at LSTAR, sysretq back"
				 : fault && !ring0 ? "#PF at LSTAR in ring 3 (stays CPL 3), iretq back"
						   : "mixed: some in ring 0, some by #PF");
		}
	}
	kvm_stats_close(&g.vcpu_stats);
	kvm_stats_close(&g.vm_stats);
	vm_destroy(&g.vm, &g.vcpu);
	munmap(g.fresh, G_FRESH_SIZE);
	out->measured = 1;
	return 0;
}

void floors_measure(struct floors *out, double scale)
{
	struct floors *shared;
	int status;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < NR_FLOORS; i++) {
		out->f[i].key = floor_defs[i].key;
		out->f[i].what = floor_defs[i].what;
		out->f[i].ns = -1;
		out->f[i].exits = -1;
		out->f[i].emulated = -1;
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		snprintf(out->why, sizeof(out->why), "mmap: %s", strerror(errno));
		return;
	}
	*shared = *out;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(600); /* watchdog: a guest that never comes back */
		_exit(measure_all(shared, scale));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		snprintf(out->why, sizeof(out->why), "fork/wait: %s", strerror(errno));
	} else {
		*out = *shared;
		if (WIFSIGNALED(status))
			snprintf(out->why, sizeof(out->why), "the floors child died by signal %d%s",
				 WTERMSIG(status), WTERMSIG(status) == SIGALRM ? " (watchdog)" : "");
		else if (WEXITSTATUS(status) && !out->why[0])
			snprintf(out->why, sizeof(out->why), "the floors child failed (status %d)",
				 WEXITSTATUS(status));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			out->measured = 0;
	}
	for (int i = 0; i < NR_FLOORS; i++) { /* the strings were the child's copies */
		out->f[i].key = floor_defs[i].key;
		out->f[i].what = floor_defs[i].what;
	}
	munmap(shared, sizeof(*shared));
}

static void print_ns(double ns)
{
	if (ns < 0)
		printf(" %10s", "-");
	else if (ns < 1000)
		printf(" %7.0f ns", ns);
	else
		printf(" %7.2f us", ns / 1000);
}

void floors_print(const struct floors *fl)
{
	if (!fl->measured) {
		printf("floors: not measured: %s\n", fl->why);
		return;
	}
	printf("%-10s %-62s %10s %6s %7s %7s  %s\n", "floor", "what", "time", "+-", "exits",
	       "emul", "other KVM counters per op");
	for (int i = 0; i < NR_FLOORS; i++) {
		const struct floor *f = &fl->f[i];
		printf("%-10s %-62s", f->key, f->what);
		print_ns(f->ns);
		if (f->spread > 0)
			printf(" %5.0f%%", f->spread * 50);
		else
			printf(" %6s", "");
		if (f->exits <= -1) /* no stats; a small negative is noise */
			printf(" %7s %7s", "-", "-");
		else
			printf(" %7.2f %7.2f", f->exits > 0 ? f->exits : 0.0,
			       f->emulated > 0 ? f->emulated : 0.0);
		printf("  %s\n", f->detail);
	}
	printf("ring-3 syscall: %s\n", fl->syscall_path);
}

void floors_combine(const struct floors *a, const struct floors *b, struct floors *out)
{
	if (!b->measured) {
		*out = *a;
		return;
	}
	if (!a->measured) {
		*out = *b;
		return;
	}
	*out = *a;
	for (int i = 0; i < NR_FLOORS; i++) {
		const struct floor *x = &a->f[i], *y = &b->f[i];
		double lo = x->ns < y->ns ? x->ns : y->ns, hi = x->ns < y->ns ? y->ns : x->ns;
		out->f[i].ns = (x->ns + y->ns) / 2;
		out->f[i].spread = lo > 0 ? hi / lo - 1 : 0;
		/* counts: -1 (unknown) stays -1 */
		out->f[i].exits = (x->exits <= -1 || y->exits <= -1) ? -1 : (x->exits + y->exits) / 2;
		out->f[i].emulated = (x->emulated <= -1 || y->emulated <= -1)
					     ? -1 : (x->emulated + y->emulated) / 2;
	}
}
