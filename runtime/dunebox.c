/*
 * dunebox - runs an unmodified x86-64 Linux program in ring 3 under a
 * policy (README.md, runtime/policy/POLICY.md):
 *
 *   dunebox [--policy FILE] [--allow-net] [--ro PATH]... [--rw PATH]...
 *           [--audit FILE] [--trace] [--log-denials] [--memory BYTES] [--pids N]
 *           [--without LAYER,...] [--inner-only] -- PROGRAM [ARGS...]
 *
 * First the outer layer (outer.c, runtime/jail): the process enters the
 * kernel's isolation, as pid 1 of a new pid namespace, while the process
 * that started stays outside and waits (--inner-only skips this). Then it
 * forks: the parent waits and cleans up (the private /tmp), the child is
 * the monitor, which enters dune mode, loads PROGRAM into its
 * region of the address space and runs it in user mode. The exit status is
 * PROGRAM's (128+N when it was killed by signal N).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "dune.h"
#include "exec.h"
#include "fastpath.h"
#include "jail/jail.h"
#include "monitor_fds.h"
#include "pathwalk.h"
#include "mem.h"
#include "outer.h"
#include "proc.h"
#include "signal_targets.h"
#include "signals.h"
#include "supervisor.h"
#include "sys.h"
#include "uaccess.h"

#define FEC_P_BIT 1

extern char **environ;

static void usage(void)
{
	fprintf(stderr, "usage: dunebox [--policy FILE] [--allow-net] [--ro PATH]... [--rw PATH]... "
			"[--audit FILE] [--trace] [--log-denials] [--memory BYTES[KMG]] [--pids N] "
			"[--without namespaces,landlock,seccomp] [--inner-only] "
			"-- PROGRAM [ARGS...]\n");
	exit(2);
}

/* ---- user code's faults ---- */

static int in_monitor_memory(uintptr_t addr)
{
	return !mem_contains(addr, 1) && !(addr >= box.vdso_lo && addr < box.vdso_hi);
}

static void on_pgflt(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	char what[160];
	if ((tf->cs & 3) != 3) {
		/* a bad pointer the program gave: EFAULT for the call */
		if (uaccess_fault(tf, addr))
			return;
		if (mem_contains(addr, 1))
			box_die(SIGSEGV, "the program's memory at 0x%lx cannot be %s (its signal "
				"frame or thread id)", (unsigned long)addr,
				(fec & 2) ? "written" : "read");
		box_die(SIGSEGV, "the monitor itself faulted at 0x%lx (rip 0x%lx): a bug in dunebox",
			(unsigned long)addr, (unsigned long)tf->rip);
	}
	if (in_monitor_memory(addr) && addr >= BOX_HI) {
		snprintf(what, sizeof(what), "%s the monitor's memory at 0x%lx",
			 (fec & 2) ? "write into" : (fec & 16) ? "jump into" : "read of",
			 (unsigned long)addr);
		box_report("%s (rip 0x%lx)", what, (unsigned long)tf->rip);
	} else {
		snprintf(what, sizeof(what), "segmentation fault at 0x%lx", (unsigned long)addr);
	}
	sig_fault(tf, SIGSEGV, (fec & FEC_P_BIT) ? SEGV_ACCERR : SEGV_MAPERR, addr, what);
}

static void fault(struct dune_tf *tf, int sig, int code, const char *what)
{
	if ((tf->cs & 3) != 3)
		box_die(sig, "the monitor itself trapped (%s, rip 0x%lx): a bug in dunebox", what,
			(unsigned long)tf->rip);
	if (sig == SIGSEGV)
		box_report("%s (rip 0x%lx)", what, (unsigned long)tf->rip);
	sig_fault(tf, sig, code, tf->rip, what);
}

#define TRAP(name, sig, code, what) \
	static void name(struct dune_tf *tf) { fault(tf, sig, code, what); }
TRAP(on_de, SIGFPE, FPE_INTDIV, "divide error")
TRAP(on_db, SIGTRAP, TRAP_TRACE, "single step")
TRAP(on_bp, SIGTRAP, SI_KERNEL, "breakpoint")
TRAP(on_of, SIGSEGV, SI_KERNEL, "overflow trap")
TRAP(on_br, SIGSEGV, SI_KERNEL, "bound range")
TRAP(on_ud, SIGILL, ILL_ILLOPN, "invalid opcode")
TRAP(on_np, SIGBUS, SI_KERNEL, "segment not present")
TRAP(on_ss, SIGBUS, SI_KERNEL, "stack segment fault")
TRAP(on_gp, SIGSEGV, SI_KERNEL, "privileged instruction or general protection fault")
TRAP(on_mf, SIGFPE, FPE_FLTINV, "x87 floating-point error")
TRAP(on_ac, SIGBUS, BUS_ADRALN, "alignment check")
TRAP(on_xm, SIGFPE, FPE_FLTINV, "SIMD floating-point error")

static void register_handlers(void)
{
	dune_register_syscall_handler(sys_handler);
	dune_register_pgflt_handler(on_pgflt);
	dune_register_user_return_hook(sig_user_return);
	dune_register_intr_handler(T_DIVIDE, on_de);
	dune_register_intr_handler(T_DEBUG, on_db);
	dune_register_intr_handler(T_BRKPT, on_bp);
	dune_register_intr_handler(T_OFLOW, on_of);
	dune_register_intr_handler(T_BOUND, on_br);
	dune_register_intr_handler(T_ILLOP, on_ud);
	dune_register_intr_handler(T_SEGNP, on_np);
	dune_register_intr_handler(T_STACK, on_ss);
	dune_register_intr_handler(T_GPFLT, on_gp);
	fastpath_setup();
	fastpath_fault_around();
	dune_register_intr_handler(T_FPERR, on_mf);
	dune_register_intr_handler(T_ALIGN, on_ac);
	dune_register_intr_handler(T_SIMDERR, on_xm);
}

/* ---- setting up ---- */

#define MAX_PATH_OPTIONS 64 /* --ro and --rw, each */

struct options {
	const char *policy_file, *audit_file;
	int allow_net, trace, log_denials;
	const char *ro[MAX_PATH_OPTIONS], *rw[MAX_PATH_OPTIONS];
	int nro, nrw;
	struct outer_options outer;
	char **argv;
};

/* "512M" -> bytes; 0 when it is no size */
static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : *end ? -1 : 0;
	if (end == s || shift < 0 || (shift && end[1]) || v > (~0ULL >> shift))
		return 0;
	return (uint64_t)v << shift;
}

/* --ro PATH or --rw PATH, one more */
static void add_path_option(const char *opt, const char **paths, int *n, const char *path)
{
	if (*n == MAX_PATH_OPTIONS) {
		fprintf(stderr, "dunebox: more than %d %s paths; name a directory that holds "
				"them instead\n", MAX_PATH_OPTIONS, opt);
		exit(2);
	}
	paths[(*n)++] = path;
}

static void parse(int argc, char **argv, struct options *o)
{
	int i;
	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		if (!strcmp(a, "--allow-net"))
			o->allow_net = 1;
		else if (!strcmp(a, "--trace"))
			o->trace = 1;
		else if (!strcmp(a, "--log-denials"))
			o->log_denials = 1;
		else if (i + 1 < argc && !strcmp(a, "--policy"))
			o->policy_file = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--audit"))
			o->audit_file = argv[++i];
		else if (i + 1 < argc && !strcmp(a, "--ro"))
			add_path_option(a, o->ro, &o->nro, argv[++i]);
		else if (i + 1 < argc && !strcmp(a, "--rw"))
			add_path_option(a, o->rw, &o->nrw, argv[++i]);
		else if (!strcmp(a, "--inner-only"))
			o->outer.inner_only = 1;
		else if (i + 1 < argc && !strcmp(a, "--without")) {
			if ((o->outer.without |= jail_parse_layers(argv[++i])) < 0) {
				fprintf(stderr, "dunebox: --without %s: the layers are namespaces, "
						"landlock and seccomp\n", argv[i]);
				exit(2);
			}
		} else if (i + 1 < argc && !strcmp(a, "--memory")) {
			if (!(o->outer.memory_limit = parse_size(argv[++i]))) {
				fprintf(stderr, "dunebox: --memory %s: give a size such as 512M\n", argv[i]);
				exit(2);
			}
		} else if (i + 1 < argc && !strcmp(a, "--pids")) {
			if (!(o->outer.pids_limit = parse_size(argv[++i]))) {
				fprintf(stderr, "dunebox: --pids %s: give a number of tasks\n", argv[i]);
				exit(2);
			}
		}
#ifdef DUNEBOX_TEST_BUILD
		/* tests of the outer layer alone: the jail, then the program
		 * natively, without the monitor (never in a release build) */
		else if (!strcmp(a, "--jail-native"))
			o->outer.native = 1;
#endif
		else if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			usage();
		else {
			fprintf(stderr, "dunebox: unknown option %s\n", a);
			usage();
		}
	}
	if (i >= argc)
		usage();
	o->argv = argv + i;
}

static void build_policy(const struct options *o)
{
	char err[512], cwd[PATH_MAX], abs[PATH_MAX];
	if (o->policy_file) {
		if (policy_load_file(&box.policy, o->policy_file, err, sizeof(err)) < 0) {
			fprintf(stderr, "dunebox: %s\n", err);
			exit(2);
		}
	} else {
		policy_default(&box.policy);
	}
	if (o->allow_net)
		policy_allow_net(&box.policy);
	/* whatever the policy says: no virtual machines of its own */
	if (policy_add_path(&box.policy, "/dev/kvm", FS_NONE) < 0 ||
	    policy_add_path(&box.policy, "/dev/dune", FS_NONE) < 0) {
		fprintf(stderr, "dunebox: too many paths in the policy\n");
		exit(2);
	}
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < (k ? o->nrw : o->nro); i++) {
			const char *p = k ? o->rw[i] : o->ro[i];
			char real[PATH_MAX];
			if (path_normalize(cwd, p, abs, sizeof(abs)) < 0) {
				fprintf(stderr, "dunebox: bad path %s\n", p);
				exit(2);
			}
			if (realpath(abs, real))
				strcpy(abs, real);
			if (policy_add_path(&box.policy, abs, k ? FS_RW : FS_RO) < 0) {
				fprintf(stderr, "dunebox: too many paths (at %s)\n", p);
				exit(2);
			}
		}
}

/* PROGRAM as execvp would find it. */
static int find_program(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	if (strchr(name, '/')) {
		snprintf(out, outlen, "%s", name);
		return access(out, F_OK) == 0 ? 0 : -errno;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchrnul(path, ':');
		snprintf(out, outlen, "%.*s/%s", (int)(end - path), path, name);
		if (access(out, X_OK) == 0)
			return 0;
		path = *end ? end + 1 : end;
	}
	return -ENOENT;
}

/* A private /tmp hides the host's: a program that lives there is granted
 * to the box read-only, that file alone, or it could not be loaded at all */
static void grant_program_in_tmp(const char *prog)
{
	char real[PATH_MAX];
	if (box.policy.tmp != TMP_PRIVATE || !realpath(prog, real) ||
	    !path_is_under(real, "/tmp", strlen("/tmp")))
		return;
	if (policy_add_path(&box.policy, real, FS_RO) < 0)
		box_msg("warning: %s lies under /tmp, which the box replaces; "
			"give it with --ro or move it", real);
}

/* The host's vvar and vdso pages: the program shares them, read-only. */
static void find_vdso(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	box.vdso = getauxval(AT_SYSINFO_EHDR);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		if (strstr(line, "[vvar]") || strstr(line, "[vdso]")) {
			if (!box.vdso_lo || lo < box.vdso_lo)
				box.vdso_lo = lo;
			if (hi > box.vdso_hi)
				box.vdso_hi = hi;
		} else if (lo < BOX_HI && hi > BOX_LO) {
			fprintf(stderr, "dunebox: the monitor has memory at 0x%lx-0x%lx, inside the "
					"program's region (below 0x%lx); dunebox must be built as a "
					"position-independent executable\n", lo, hi, BOX_HI);
			exit(125);
		}
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	struct options o;
	struct dune_tf tf;
	char prog[PATH_MAX];
	pid_t child;
	int r;

	parse(argc, argv, &o);
	build_policy(&o);
	if ((r = find_program(o.argv[0], prog, sizeof(prog))) < 0) {
		fprintf(stderr, "dunebox: %s: %s\n", o.argv[0], strerror(-r));
		return 127;
	}
	snprintf(box.prog, sizeof(box.prog), "%s", prog);
	grant_program_in_tmp(prog);
	if (o.audit_file) {
		int fd = open(o.audit_file, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "dunebox: cannot write the audit file %s: %s\n", o.audit_file,
				strerror(errno));
			return 125;
		}
		box.audit_fd = mfd_move_high(fd);
	}
	box.err_fd = mfd_move_high(dup(2));
	if (o.trace)
		box.trace_fd = box.err_fd;
	box.log_denials = o.log_denials;
	if (outer_enter(&o.outer) < 0)
		return 125;
	/* in the jail, /tmp is a fresh tmpfs: the private directories live there */
	if ((r = supervisor_prepare()))
		return r;
	child = fork();
	if (child < 0) {
		perror("dunebox: fork");
		return 125;
	}
	if (child > 0)
		return supervise(child);

	if (o.outer.native) {
		execve(prog, o.argv, environ);
		fprintf(stderr, "dunebox: %s: %s\n", prog, strerror(errno));
		return 127;
	}
	/* a supervisor killed outright takes the box with it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != box.supervisor)
		return 125;
	box_pid = box.root = (int)getpid();
	box.root_start = box_start_time(box.root);
	find_vdso();
	sig_init();
	if ((r = dune_init(false)) < 0 || (r = dune_enter()) < 0) {
		fprintf(stderr, "dunebox: cannot enter dune mode (%s); see the line above\n",
			strerror(-r));
		return 125;
	}
	/* a program's big reservations cost nothing until touched */
	dune_mirror_lazily(BOX_LAZY_MIRROR);
	if ((r = dune_set_user_memory(BOX_LO, BOX_HI)) < 0 ||
	    (box.vdso_lo && (r = dune_add_user_memory(box.vdso_lo, box.vdso_hi)) < 0)) {
		fprintf(stderr, "dunebox: cannot set up the program's memory: %s\n", strerror(-r));
		return 125;
	}
	if ((r = walk_init(box.tmp_dir, box.shm_dir)) < 0) {
		fprintf(stderr, "dunebox: cannot open the program's view of the files: %s\n",
			strerror(-r));
		return 125;
	}
	self = box_thread_new();
	self->tid = box_pid;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &self->mask, 8);
	register_handlers();
	if ((r = exec_first(prog, o.argv, environ, &tf)) < 0)
		return r == -ENOENT ? 127 : 126;
	if ((r = dune_jump_to_user(&tf)) < 0) {
		fprintf(stderr, "dunebox: cannot run %s in user mode: %s\n", prog, strerror(-r));
		return 125;
	}
	box_die(SIGSEGV, "left user mode without exiting");
}
