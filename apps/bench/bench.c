/*
 * bench - costs in dune mode beside native Linux, measured in one run:
 * first this host's floors (apps/floors: what a bare guest pays for each
 * hardware event), then natively, then the same operations after
 * entering. Every row says which floors its path needs and how far it is
 * from them, so figures from different days compare as ratios.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dune.h"
#include "bench_clock.h"
#include "floors.h"

#define NPAGES 100

/* A row's floor: native's time (if the path does the native work too)
 * plus count[i] of floor i; for a row of system calls, per forwarded call
 * (as many as the row made, counted): what each needs by exit, and by the
 * fast-call server (the syscall event alone). Two paths: the program in
 * ring 0 (VT-x/AMD-V) or deprivileged in ring 3 (PVM). */
struct floor_term {
	int floor, count;
};
#define MAX_TERMS 3
struct floor_spec {
	int plus_native;
	int per_call;
	struct floor_term t[MAX_TERMS];
};

/* Crossings per operation in dune mode (dune_get_exit_stats) */
struct crossings {
	double runs, syscalls, hypercalls, interrupts, fast_calls, user_fast;
	double kernel_exits, kernel_emulated, kernel_faults; /* < 0: unknown */
};

struct result {
	const char *name;
	struct floor_spec ring0, ring3;
	double native_ns, dune_ns, gvisor_ns;
	struct crossings x;
};

#define F(id, n) { FLOOR_##id, n }
/* a forwarded system call: by exit, the doorbell (and on PVM the ring-3
 * syscall event before it) */
#define CALL0 { 1, 1, { F(MMIO, 1) } }
#define CALL3 { 1, 1, { F(SYSCALL3_USER, 1), F(MMIO3, 1) } }
static struct result results[] = {
	{ .name = "getppid (forwarded syscall)", .ring0 = CALL0, .ring3 = CALL3 },
	{ .name = "exception round trip (int3)",
	  .ring0 = { 0, 0, { F(TRAP0, 1) } }, .ring3 = { 0, 0, { F(TRAP3, 1) } } },
	{ .name = "first-touch page fault",
	  .ring0 = { 0, 0, { F(FIRST_TOUCH, 1) } }, .ring3 = { 0, 0, { F(FIRST_TOUCH, 1) } } },
	/* protect: a PTE change and its flush; the fault; unprotect: a PTE
	 * store (a widening needs no flush). In ring 3 a flush needs a trap
	 * into ring 0 */
	{ .name = "appel1: protect, trap, unprotect",
	  .ring0 = { 0, 0, { F(PTE_CHANGE, 1), F(PT_STORE, 1), F(TRAP0, 1) } },
	  .ring3 = { 0, 0, { F(TRAP3, 2), F(INVLPG, 1) } } },
	{ .name = "appel2: per page over 100 pages",
	  .ring0 = { 0, 0, { F(PT_STORE, 1), F(TRAP0, 1) } }, .ring3 = { 0, 0, { F(TRAP3, 1) } } },
	{ .name = "thread create + join", .ring0 = CALL0, .ring3 = CALL3 },
	{ .name = "fork + exit + wait", .ring0 = CALL0, .ring3 = CALL3 },
	{ .name = "signal round trip (raise, handler)", .ring0 = CALL0, .ring3 = CALL3 },
	/* ring 3 below the program: native is the kernel's own getppid and
	 * SIGTRAP round trip, gVisor the same programs under `runsc do`; on
	 * PVM the handler runs in the program's ring 3 and user code comes
	 * back through a ring-0 gate (a trap) */
	{ .name = "user syscall -> handler -> back",
	  .ring0 = { 0, 0, { F(SYSCALL3, 1) } }, .ring3 = { 0, 0, { F(SYSCALL3, 1), F(TRAP3, 1) } } },
	{ .name = "user exception round trip (int3)",
	  .ring0 = { 0, 0, { F(TRAP3, 1) } }, .ring3 = { 0, 0, { F(TRAP3, 2) } } },
	/* getppid in the fast set (dune_set_user_fast_syscalls), as dunebox
	 * serves the calls its policy allows: on PVM ring 0 hands it to the
	 * host half (the event, then the doorbell); elsewhere the handler
	 * forwards it */
	{ .name = "user getppid, fast set (dunebox's path)",
	  .ring0 = { 1, 0, { F(SYSCALL3, 1), F(MMIO, 1) } },
	  .ring3 = { 1, 0, { F(SYSCALL3, 1), F(MMIO, 1) } } },
};
#undef CALL0
#undef CALL3
#undef F
#define ROW_USER_SYSCALL 8
#define ROW_USER_INT3 9
#define ROW_USER_FAST 10
#define NRESULTS (sizeof(results) / sizeof(results[0]))

static struct floors floors;

/* ---- the operations ---- */

static double bench_getppid(long n)
{
	double t = bench_now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (bench_now_ns() - t) / n;
}

static double bench_int3(long n)
{
	double t = bench_now_ns();
	for (long i = 0; i < n; i++)
		asm volatile("int3");
	return (bench_now_ns() - t) / n;
}

static double bench_first_touch(long n)
{
	size_t len = (size_t)n * 4096;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t = bench_now_ns();
	for (long i = 0; i < n; i++)
		p[i * 4096] = 1;
	t = (bench_now_ns() - t) / n;
	munmap((void *)p, len);
	return t;
}

static volatile char *prot_pages;
static int in_dune;

static void unprotect(void *addr)
{
	if (in_dune)
		dune_vm_mprotect(pgroot, addr, 4096, PERM_R | PERM_W | PERM_U);
	else
		mprotect(addr, 4096, PROT_READ | PROT_WRITE);
}

static void protect(void *addr, size_t len)
{
	if (in_dune)
		dune_vm_mprotect(pgroot, addr, len, PERM_R | PERM_U);
	else
		mprotect(addr, len, PROT_READ);
}

static double bench_appel1(long n)
{
	double t = bench_now_ns();
	for (long i = 0; i < n; i++) {
		protect((void *)prot_pages, 4096);
		prot_pages[8] = 1; /* traps; the handler unprotects */
	}
	return (bench_now_ns() - t) / n;
}

static double bench_appel2(long n)
{
	double t = bench_now_ns();
	for (long i = 0; i < n; i++) {
		protect((void *)prot_pages, NPAGES * 4096);
		for (int p = 0; p < NPAGES; p++)
			prot_pages[p * 4096] = 1;
	}
	return (bench_now_ns() - t) / (n * NPAGES);
}

static void *thread_fn(void *arg)
{
	return arg;
}

static double bench_thread(long n)
{
	double t = bench_now_ns();
	for (long i = 0; i < n; i++) {
		pthread_t th;
		pthread_create(&th, NULL, thread_fn, NULL);
		pthread_join(th, NULL);
	}
	return (bench_now_ns() - t) / n;
}

static double bench_fork(long n)
{
	double t = bench_now_ns();
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
	return (bench_now_ns() - t) / n;
}

static volatile int usr1_seen;
static void sig_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

static double bench_signal(long n)
{
	double t = bench_now_ns();
	for (long i = 0; i < n; i++)
		raise(SIGUSR1);
	return (bench_now_ns() - t) / n;
}

/* ---- ring 3 below the program (dune_jump_to_user) ---- */

void u_bench_sys(void), u_bench_int3(void), u_bench_getppid(void);
asm(".text\n"
    "u_bench_sys: 1: mov $501, %eax; syscall; dec %rdi; jnz 1b; mov $500, %eax; syscall; ud2\n"
    "u_bench_int3: 1: int3; dec %rdi; jnz 1b; mov $500, %eax; syscall; ud2\n"
    "u_bench_getppid: 1: mov $110, %eax; syscall; dec %rdi; jnz 1b; mov $500, %eax; syscall; ud2\n");
static char user_stack[16384] __attribute__((aligned(16)));

static void user_syscall(struct dune_tf *tf)
{
	if (tf->rax == 500)
		dune_ret_from_user(0);
	if (tf->rax == SYS_getppid) { /* what the fast set did not take */
		dune_passthrough_syscall(tf);
		return;
	}
	tf->rax = 0; /* answered here */
}

static int fast_ok(long nr, const long args[6])
{
	(void)args;
	return nr == SYS_getppid;
}

static double run_user(void (*fn)(void), long n)
{
	struct dune_tf tf;
	double t;
	memset(&tf, 0, sizeof(tf));
	tf.rip = (uintptr_t)fn;
	tf.rsp = (uintptr_t)(user_stack + sizeof(user_stack)) - 8;
	tf.rdi = (uint64_t)n;
	t = bench_now_ns();
	if (dune_jump_to_user(&tf) != 0)
		return -1;
	return (bench_now_ns() - t) / n;
}

/* `bench --loop getppid|sigtrap N`: one native loop, for gVisor to run */
static int loop_main(const char *what, long n)
{
	printf("%.1f\n", !strcmp(what, "getppid") ? bench_getppid(n) : bench_int3(n));
	return 0;
}

/* The loop under gVisor (runsc do, ptrace platform): ns per operation, or
 * -1 if runsc is missing or refuses to run here. */
static double gvisor_ns(const char *what, long n)
{
	char cmd[1024], out[64] = "", self[512];
	FILE *f;
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return -1;
	self[len] = 0;
	snprintf(cmd, sizeof(cmd),
		 "timeout 120 runsc --rootless --network=none do %s --loop %s %ld 2>/dev/null",
		 self, what, n);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (!fgets(out, sizeof(out), f))
		out[0] = 0;
	if (pclose(f) != 0 || !out[0])
		return -1;
	return atof(out);
}

/* ---- handlers ---- */

static void sig_trap(int sig)
{
	(void)sig;
}

static void sig_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	unprotect((void *)((uintptr_t)si->si_addr & ~4095UL));
}

static void dune_trap(struct dune_tf *tf)
{
	(void)tf;
}

static void dune_pgflt(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)fec;
	(void)tf;
	unprotect((void *)(addr & ~4095UL));
}

/* ---- crossings: dune_get_exit_stats around each operation ---- */

static struct dune_exit_stats read_overhead; /* what reading the stats costs */

static double delta_k(int64_t a, int64_t b, int64_t o)
{
	return (a < 0 || b < 0 || o < 0) ? -1 : (double)(b - a - o);
}

static void crossings_between(const struct dune_exit_stats *a, const struct dune_exit_stats *b,
			      double units, struct crossings *x)
{
	const struct dune_exit_stats *o = &read_overhead;
	x->runs = (double)(b->runs - a->runs - o->runs) / units;
	x->syscalls = (double)(b->syscalls - a->syscalls - o->syscalls) / units;
	x->hypercalls = (double)(b->hypercalls - a->hypercalls - o->hypercalls) / units;
	x->interrupts = (double)(b->interrupts - a->interrupts - o->interrupts) / units;
	x->fast_calls = (double)(b->fast_calls - a->fast_calls - o->fast_calls) / units;
	x->user_fast = (double)(b->user_fast_calls - a->user_fast_calls) / units;
	x->kernel_exits = delta_k(a->kernel_exits, b->kernel_exits, o->kernel_exits);
	x->kernel_emulated = delta_k(a->kernel_emulated, b->kernel_emulated, o->kernel_emulated);
	x->kernel_faults = delta_k(a->kernel_faults, b->kernel_faults, o->kernel_faults);
	if (x->kernel_exits >= 0)
		x->kernel_exits /= units;
	if (x->kernel_emulated >= 0)
		x->kernel_emulated /= units;
	if (x->kernel_faults >= 0)
		x->kernel_faults /= units;
}

/* two reads in a row: their difference is the read itself */
static void measure_read_overhead(void)
{
	struct dune_exit_stats a, b;
	dune_get_exit_stats(&a);
	dune_get_exit_stats(&b);
	read_overhead.runs = b.runs - a.runs;
	read_overhead.syscalls = b.syscalls - a.syscalls;
	read_overhead.hypercalls = b.hypercalls - a.hypercalls;
	read_overhead.interrupts = 0; /* a signal then was not the read's */
	read_overhead.fast_calls = b.fast_calls - a.fast_calls;
	read_overhead.kernel_exits = a.kernel_exits < 0 ? -1 : b.kernel_exits - a.kernel_exits;
	read_overhead.kernel_emulated =
		a.kernel_emulated < 0 ? -1 : b.kernel_emulated - a.kernel_emulated;
	read_overhead.kernel_faults = a.kernel_faults < 0 ? -1 : b.kernel_faults - a.kernel_faults;
}

/* the operations of run_all: iterations natively and in dune mode, and
 * how many units (rows) one iteration is */
static const struct op {
	double (*fn)(long n);
	long native_iters, dune_iters, units;
} ops[] = {
	{ bench_getppid, 200000, 20000, 1 },
	{ bench_int3, 50000, 5000, 1 },
	{ bench_first_touch, 20000, 20000, 1 },
	{ bench_appel1, 20000, 5000, 1 },
	{ bench_appel2, 200, 50, NPAGES },
	{ bench_thread, 2000, 200, 1 },
	{ bench_fork, 200, 20, 1 },
	{ bench_signal, 20000, 2000, 1 },
};

static void run_all(int dune)
{
	_Static_assert(sizeof(ops) / sizeof(ops[0]) == ROW_USER_SYSCALL, "one op per row");
	if (dune)
		measure_read_overhead();
	for (int k = 0; k < 2; k++) { /* first round warms up */
		for (unsigned i = 0; i < ROW_USER_SYSCALL; i++) {
			long n = bench_iters(dune ? ops[i].dune_iters : ops[i].native_iters);
			struct dune_exit_stats a, b;
			double v;
			if (dune)
				dune_get_exit_stats(&a);
			v = ops[i].fn(n);
			if (dune)
				dune_get_exit_stats(&b);
			if (k == 0)
				continue;
			*(dune ? &results[i].dune_ns : &results[i].native_ns) = v;
			if (dune)
				crossings_between(&a, &b, (double)n * ops[i].units, &results[i].x);
		}
	}
}

static void print_us(double ns)
{
	if (ns < 0)
		printf(" %10s", "-");
	else if (ns < 1000)
		printf(" %7.0f ns", ns);
	else if (ns < 1e6)
		printf(" %7.2f us", ns / 1000);
	else
		printf(" %7.2f ms", ns / 1e6);
}

/* "native + 1 syscall3u + 1 mmio" and its time, or -1 without floors */
static double floor_of(const struct result *r, int ring, char *what, size_t len)
{
	const struct floor_spec *sp = ring == 3 ? &r->ring3 : &r->ring0;
	double ns = sp->plus_native ? r->native_ns : 0;
	size_t n = (size_t)snprintf(what, len, "%s", sp->plus_native ? "native" : "");

	double per = sp->per_call ? r->x.syscalls : 1; /* by exit */

	if (sp->per_call)
		n += (size_t)snprintf(what + n, n < len ? len - n : 0, " + %.1f x (", per);
	for (int i = 0; i < MAX_TERMS && sp->t[i].count; i++) {
		const struct floor *f = &floors.f[sp->t[i].floor];
		if (sp->per_call)
			n += (size_t)snprintf(what + n, n < len ? len - n : 0, "%s%s", i ? " + " : "",
					      f->key);
		else
			n += (size_t)snprintf(what + n, n < len ? len - n : 0, "%s%d %s",
					      n ? " + " : "", sp->t[i].count, f->key);
		ns = (ns < 0 || f->ns < 0) ? -1 : ns + per * sp->t[i].count * f->ns;
	}
	if (sp->per_call) {
		n += (size_t)snprintf(what + n, n < len ? len - n : 0, ")");
		/* a call the fast-call server ran: the ring-3 syscall event alone */
		if (ring == 3 && r->x.fast_calls >= 0.05) {
			const struct floor *f = &floors.f[FLOOR_SYSCALL3_USER];
			snprintf(what + n, n < len ? len - n : 0, " + %.1f %s", r->x.fast_calls, f->key);
			ns = (ns < 0 || f->ns < 0) ? -1 : ns + r->x.fast_calls * f->ns;
		}
	}
	return floors.measured ? ns : -1;
}

static void print_table(int ring, const char *host)
{
	char what[96];

	printf("\n%-40s %10s %10s %8s  %-42s %10s %8s %10s\n", "operation", "native", "dune",
	       "x native", "floor: what the path needs", "floor", "x floor", "gVisor");
	for (unsigned i = 0; i < NRESULTS; i++) {
		const struct result *r = &results[i];
		double fl = floor_of(r, ring, what, sizeof(what));
		printf("%-40s", r->name);
		print_us(r->native_ns);
		if (r->dune_ns < 0) {
			printf(" %10s %8s", "failed", "");
		} else {
			print_us(r->dune_ns);
			printf(" %7.2fx", r->dune_ns / r->native_ns);
		}
		printf("  %-42s", what);
		print_us(fl);
		if (fl > 0 && r->dune_ns >= 0)
			printf(" %7.2fx", r->dune_ns / fl);
		else
			printf(" %8s", "-");
		if (r->gvisor_ns > 0)
			print_us(r->gvisor_ns);
		else if (i == ROW_USER_SYSCALL || i == ROW_USER_INT3)
			printf(" %10s", "(no runsc)");
		printf("\n");
	}
	printf("(host side %s, program in ring %d; x native = dune / native, x floor = dune / floor,\n"
	       " lower is better; floors from apps/floors in this run; user rows: native = the\n"
	       " kernel's getppid / SIGTRAP round trip)\n",
	       host, ring);
}

static void print_count(double v)
{
	if (v < 0)
		printf(" %8s", "-");
	else
		printf(" %8.2f", v);
}

/* How each row's calls and faults went, per operation, whatever the
 * host's speed: exits libdune's host half saw (forwarded system calls,
 * libdune's own requests, signals/kicks), system calls the fast-call
 * server ran without an exit, and the kernel's own counts. */
static void print_crossings(void)
{
	printf("\ncrossings per operation (dune mode; what the host half saw, then the kernel's counts)\n");
	printf("%-40s %8s %8s %8s %8s %8s %8s | %8s %8s %8s\n", "operation", "exits", "syscall",
	       "libdune", "signal", "fast", "ufast", "k-exits", "k-emul", "k-fault");
	for (unsigned i = 0; i < NRESULTS; i++) {
		const struct crossings *x = &results[i].x;
		printf("%-40s", results[i].name);
		print_count(x->runs);
		print_count(x->syscalls);
		print_count(x->hypercalls);
		print_count(x->interrupts);
		print_count(x->fast_calls);
		print_count(x->user_fast);
		printf(" |");
		print_count(x->kernel_exits);
		print_count(x->kernel_emulated);
		print_count(x->kernel_faults);
		printf("\n");
	}
	printf("(exits = returns to libdune's host half: syscall = forwarded system calls, libdune =\n"
	       " its own requests (mappings, faults, signal frames), signal = signals and kicks;\n"
	       " fast = system calls run by the fast-call server with no exit; ufast = user code's\n"
	       " calls ring 0 handed to the host half (one exit each); k-* = the kernel's\n"
	       " own counts: every VM exit, instructions it emulated, page faults it took; - where\n"
	       " the host side cannot tell)\n");
}

/* What the dune child reports: it enters dune mode; the parent never
 * does, so it can measure the floors again afterwards. */
struct dune_side {
	int entered, ring;
	char host[16];
	double ns[NRESULTS];
	struct crossings x[NRESULTS];
};

static void measure_dune(struct dune_side *d)
{
	if (dune_init_and_enter()) {
		fprintf(stderr, "bench: cannot enter dune mode\n");
		exit(1);
	}
	d->entered = 1;
	d->ring = dune_guest_ring();
	snprintf(d->host, sizeof(d->host), "%s", dune_host_name());
	in_dune = 1;
	dune_register_intr_handler(T_BRKPT, dune_trap);
	dune_register_pgflt_handler(dune_pgflt);
	run_all(1);
	dune_register_syscall_handler(user_syscall);
	uint64_t fast_set[8] = { 0 };
	fast_set[SYS_getppid / 64] = 1ULL << (SYS_getppid % 64);
	dune_set_user_fast_syscalls(fast_set, fast_ok);
	for (int k = 0; k < 2; k++) {
		static void (*const user_fn[3])(void) = { u_bench_sys, u_bench_int3, u_bench_getppid };
		for (int u = 0; u < 3; u++) {
			struct result *r = &results[ROW_USER_SYSCALL + u];
			long n = bench_iters(2000);
			struct dune_exit_stats a, b;
			dune_get_exit_stats(&a);
			r->dune_ns = run_user(user_fn[u], n);
			dune_get_exit_stats(&b);
			crossings_between(&a, &b, (double)n, &r->x);
		}
	}
	for (unsigned i = 0; i < NRESULTS; i++) {
		d->ns[i] = results[i].dune_ns;
		d->x[i] = results[i].x;
	}
}

static int run_dune_child(struct dune_side *d)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		measure_dune(d);
		fflush(NULL);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "bench: the dune-mode child failed (status 0x%x)\n", status);
		return -1;
	}
	for (unsigned i = 0; i < NRESULTS; i++) {
		results[i].dune_ns = d->ns[i];
		results[i].x = d->x[i];
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sc = getenv("DUNE_ITERS_SCALE");
	double scale = sc ? atof(sc) : 1.0;
	struct floors before, after;
	struct dune_side *d;
	struct sigaction sa;
	char date[32];
	time_t t = time(NULL);

	if (argc == 4 && !strcmp(argv[1], "--loop")) {
		if (!strcmp(argv[2], "sigtrap"))
			signal(SIGTRAP, sig_trap);
		return loop_main(argv[2], atol(argv[3]));
	}

	alarm(900);
	setvbuf(stdout, NULL, _IOLBF, 0);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&t));
	printf("bench: %s; floors (apps/floors) before and after the run, averaged:\n", date);
	floors_measure(&before, scale);

	prot_pages = mmap(NULL, NPAGES * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	d = mmap(NULL, sizeof(*d), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (prot_pages == MAP_FAILED || d == MAP_FAILED) {
		perror("bench: mmap");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_trap;
	sigaction(SIGTRAP, &sa, NULL);
	sa.sa_sigaction = sig_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGUSR1, sig_usr1);
	run_all(0);
	results[ROW_USER_SYSCALL].native_ns = results[0].native_ns;
	results[ROW_USER_INT3].native_ns = results[1].native_ns;
	results[ROW_USER_FAST].native_ns = results[0].native_ns;
	results[ROW_USER_FAST].gvisor_ns = -1;
	results[ROW_USER_SYSCALL].gvisor_ns = gvisor_ns("getppid", bench_iters(2000));
	results[ROW_USER_INT3].gvisor_ns = gvisor_ns("sigtrap", bench_iters(500));

	if (run_dune_child(d) < 0)
		return 1;
	floors_measure(&after, scale);
	floors_combine(&before, &after, &floors);
	floors_print(&floors);
	print_table(d->ring, d->host);
	print_crossings();
	return 0;
}
