/*
 * redteam - attempts to act on the host from inside dunebox, one class
 * per subcommand (redteam.sh runs each under dunebox and checks the host
 * afterwards). Each attempt prints one line
 *     attempt<TAB>NAME<TAB>EXPECTED<TAB>contained|ESCAPED<TAB>DETAIL
 * and the program exits 0 only if every attempt was contained. Some
 * subcommands are helpers the harness runs outside the box (host-*).
 * Arguments name what the harness prepared: W (its work directory, with
 * canary/, hidden/, rw/), an outside process's pid, host IPC ids.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define BOX_HI 0x400000000000UL /* the program's region ends here (runtime/box.h) */
#define DESCRIPTOR_AREA 0x600000000000UL /* libdune's GDT and IDT where no UMIP */
#define DESCRIPTOR_AREA_END (DESCRIPTOR_AREA + (64UL << 20))
#define PG 4096UL
#define BIG_SEGMENT (256UL << 20)
#define RACE_ROUNDS_DEFAULT 3000 /* REDTEAM_ROUNDS: fewer in the emulated machines */
#define KVM_GET_API_VERSION 0xae00
#define KVM_RUN 0xae80
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#define FS_IOC_SETFLAGS_ 0x40086602
#define FS_IMMUTABLE_FL_ 0x10

static int escaped;
static int race_rounds = RACE_ROUNDS_DEFAULT;
static const char *W = "."; /* the harness's work directory */

static void report(const char *name, const char *expected, int contained, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	for (char *p = detail; *p; p++)
		if (*p == '\t' || *p == '\n')
			*p = ' ';
	printf("attempt\t%s\t%s\t%s\t%s\n", name, expected, contained ? "contained" : "ESCAPED",
	       detail);
	fflush(stdout);
	if (!contained)
		escaped = 1;
}

/* With the outer layer around the monitor (the default mode) a refusal may
 * come from either layer, each with its own errno (ESRCH for a process the
 * pid namespace hides, EACCES from Landlock): any error is a refusal. The
 * monitor alone (--inner-only) must give the errno it promises. */
static int strict_errno;

/* a call that must fail, with errno err (0: any) */
static void refused(const char *name, const char *expected, long r, int err)
{
	int e = errno;
	report(name, expected, r == -1 && (!err || !strict_errno || e == err), "returned %ld, %s", r,
	       r == -1 ? strerror(e) : "no error");
}

static char *path(const char *rel)
{
	static char buf[8][PATH_MAX];
	static int n;
	char *p = buf[n++ % 8];
	snprintf(p, PATH_MAX, "%s/%s", W, rel);
	return p;
}

static int read_file(const char *p, char *buf, size_t len)
{
	int fd = open(p, O_RDONLY);
	ssize_t n;
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

/* Does fd reach a KVM object (a VM or vCPU the monitor owns)? */
static int is_kvm(int fd)
{
	char link[64], target[256];
	ssize_t n;
	if (syscall(SYS_ioctl, fd, KVM_GET_API_VERSION, 0) >= 0)
		return 1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = 0;
	return strstr(target, "kvm") || strstr(target, "dune");
}

/* A descriptor of this process (but skip) that reaches a KVM object:
 * scanned where programs and libdune keep them, the low numbers and the
 * top of the table (a scan of all 65536 through the monitor is slow). */
static int any_kvm_fd(int skip)
{
	struct rlimit nofile = { .rlim_max = 65536 };
	getrlimit(RLIMIT_NOFILE, &nofile);
	int top = nofile.rlim_max < 65536 ? (int)nofile.rlim_max : 65536;
	for (int fd = 3; fd < top; fd = fd == 1024 ? top - 512 : fd + 1)
		if (fd != skip && fcntl(fd, F_GETFD) >= 0 && is_kvm(fd))
			return fd;
	return 0;
}

/* ---- memory ---- */

static void memory(void)
{
	/* shmat over the whole segment: a big one near the top of the region
	 * would reach past it (256 MiB: the machines have 1 GiB) */
	int id = shmget(IPC_PRIVATE, BIG_SEGMENT, IPC_CREAT | SHM_NORESERVE | 0600);
	if (id >= 0) {
		void *at = (void *)(BOX_HI - (1UL << 20));
		void *r = shmat(id, at, SHM_REMAP);
		refused("shmat-past-region", "EINVAL: the segment would reach the monitor",
			r == (void *)-1 ? -1 : 0, EINVAL);
		if (r != (void *)-1)
			shmdt(r);
		r = shmat(id, NULL, 0);
		report("shmat-inside", "attached inside the region", r != (void *)-1 &&
		       (uintptr_t)r + BIG_SEGMENT <= BOX_HI, "at %p", r);
		if (r != (void *)-1)
			shmdt(r);
		shmctl(id, IPC_RMID, NULL);
	} else {
		report("shmat-past-region", "EINVAL", 0, "shmget failed: %s", strerror(errno));
	}
	/* mremap without MREMAP_MAYMOVE, grown in place past the region: the
	 * mapping that ends at its top is the stack */
	char line[256];
	unsigned long lo = 0, hi = 0, l, h;
	FILE *maps = fopen("/proc/self/maps", "r");
	while (maps && fgets(line, sizeof(line), maps))
		if (sscanf(line, "%lx-%lx", &l, &h) == 2 && h == BOX_HI)
			lo = l, hi = h;
	if (maps)
		fclose(maps);
	if (hi) {
		void *r = mremap((void *)lo, hi - lo, hi - lo + 64 * PG, 0);
		refused("mremap-grow-past-region", "ENOMEM", r == MAP_FAILED ? -1 : 0, ENOMEM);
	} else {
		report("mremap-grow-past-region", "ENOMEM", 0, "no mapping ends at the top");
	}
	void *r = mmap((void *)(BOX_HI - PG), 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0);
	refused("mmap-fixed-across-top", "ENOMEM", r == MAP_FAILED ? -1 : 0, 0);
	refused("brk-past-region", "brk stays",
		(uintptr_t)syscall(SYS_brk, BOX_HI + (1UL << 30)) >= BOX_HI ? 0 : -1, 0);
	errno = 0;
	refused("remap_file_pages-above", "EINVAL/ENOMEM",
		syscall(SYS_remap_file_pages, BOX_HI + (1UL << 30), PG, 0, 0, 0), 0);
	refused("madvise-hwpoison", "EPERM", madvise(sbrk(0), PG, 100 /* MADV_HWPOISON */), 0);
	refused("mlockall", "EPERM", mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	refused("io_uring_setup", "ENOSYS", syscall(SYS_io_uring_setup, 4, calloc(1, 120)), 0);
	long ctx = 0;
	refused("io_setup", "ENOSYS", syscall(SYS_io_setup, 4, &ctx), 0);
	/* a reservation of 256 GiB and one of 20 TiB, touched here and there:
	 * neither stalls nor fails */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t big = 256UL << 30;
	char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	int ok = p != MAP_FAILED;
	for (size_t off = 0; ok && off < big; off += 16UL << 30)
		p[off] = 1;
	if (ok)
		munmap(p, big);
	size_t huge = 20UL << 40;
	char *q = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (q != MAP_FAILED) {
		q[0] = 1;
		q[huge - 1] = 1;
		munmap(q, huge);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* the outer layer's RLIMIT_DATA may refuse them: quickly, then */
	report("reserve-256G-and-20T", "both usable (the monitor alone), under 30 s",
	       ((ok && q != MAP_FAILED) || !strict_errno) && s < 30, "%.2f s%s", s,
	       ok && q != MAP_FAILED ? "" : ", refused");
	/* bad pointers in calls the monitor answers: EFAULT, the program goes on */
	char *hole = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole, PG);
	refused("efault-sigaction", "EFAULT", syscall(SYS_rt_sigaction, SIGUSR1, hole, NULL, 8), EFAULT);
	char *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	refused("efault-sigprocmask-readonly", "EFAULT",
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, ro, 8), EFAULT);
	refused("efault-open-path", "EFAULT", syscall(SYS_open, hole, O_RDONLY), EFAULT);
	refused("efault-execve-argv", "EFAULT", syscall(SYS_execve, "/bin/true", hole, NULL), EFAULT);
	refused("efault-openat2-how", "EFAULT", syscall(SYS_openat2, AT_FDCWD, "/", hole, 24), EFAULT);
}

/* ---- the monitor's memory: its map comes from the harness ---- */

struct area {
	unsigned long lo, hi;
	char what[128];
};
static struct area areas[512];
static int nr_areas;

/* The harness copies the monitor's /proc/PID/maps to ./monitor-maps once
 * ./pid names us: what an accomplice outside would know. */
static int monitor_map(void)
{
	char line[512];
	FILE *f = fopen("pid", "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", getpid());
	fclose(f);
	for (int i = 0; i < 3000 && access("monitor-maps", F_OK) != 0; i++)
		usleep(10000);
	f = fopen("monitor-maps", "r");
	while (f && fgets(line, sizeof(line), f) && nr_areas < 512) {
		struct area *a = &areas[nr_areas];
		if (sscanf(line, "%lx-%lx", &a->lo, &a->hi) != 2 || a->lo < BOX_HI ||
		    strstr(line, "[vvar") || strstr(line, "[vdso]") || strstr(line, "[vsyscall]"))
			continue;
		snprintf(a->what, sizeof(a->what), "%.127s", line);
		nr_areas++;
	}
	if (f)
		fclose(f);
	return nr_areas ? 0 : -1;
}

static unsigned long find_area(const char *what, int biggest_rw)
{
	unsigned long best = 0, size = 0;
	for (int i = 0; i < nr_areas; i++) {
		if (what && strstr(areas[i].what, what))
			return areas[i].lo;
		if (biggest_rw && strstr(areas[i].what, "rw") && areas[i].hi - areas[i].lo > size) {
			size = areas[i].hi - areas[i].lo;
			best = areas[i].lo;
		}
	}
	return best ? best : nr_areas ? areas[0].lo : 0;
}

static int in_monitor(unsigned long v)
{
	for (int i = 0; i < nr_areas; i++)
		if (v >= areas[i].lo && v < areas[i].hi)
			return 1;
	return 0;
}

static void monitor_memory(const char *how)
{
	if (monitor_map() < 0) {
		report("monitor-map", "the harness gave the monitor's map", 0, "none");
		return;
	}
	unsigned long text = find_area("dunebox", 0), lib = find_area("libc", 0),
		      pool = find_area(NULL, 1);
	if (!strcmp(how, "write")) {
		printf("writing into the monitor at 0x%lx\n", text);
		fflush(stdout);
		*(volatile long *)text = 0;
		report("write-monitor", "SIGSEGV", 0, "wrote");
	} else if (!strcmp(how, "read")) {
		printf("read %ld\n", *(volatile long *)lib);
		report("read-monitor", "SIGSEGV", 0, "read");
	} else if (!strcmp(how, "jump")) {
		((void (*)(void))text)();
		report("jump-monitor", "SIGSEGV", 0, "ran");
	} else if (!strcmp(how, "page-tables")) {
		*(volatile long *)pool = 0;
		report("write-page-tables", "SIGSEGV", 0, "wrote");
	} else { /* through system calls: all refused, the program goes on */
		void *r = mmap((void *)text, PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		refused("mmap-fixed-over-monitor", "ENOMEM", r == MAP_FAILED ? -1 : 0, 0);
		refused("munmap-monitor", "EINVAL", munmap((void *)text, PG), 0);
		refused("mprotect-monitor", "ENOMEM", mprotect((void *)text, PG, PROT_READ | PROT_WRITE), 0);
		void *m = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		r = mremap(m, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)text);
		refused("mremap-onto-monitor", "EINVAL", r == MAP_FAILED ? -1 : 0, 0);
		int sid = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
		r = shmat(sid, (void *)text, SHM_REMAP);
		refused("shmat-onto-monitor", "EINVAL", r == (void *)-1 ? -1 : 0, 0);
		shmctl(sid, IPC_RMID, NULL);
		refused("write-from-monitor", "EFAULT", write(1, (void *)text, 16), EFAULT);
		refused("read-into-monitor", "EFAULT", read(0, (void *)text, 16), EFAULT);
		struct iovec iov = { (void *)text, 16 };
		refused("writev-iovec-into-monitor", "EFAULT", writev(1, &iov, 1), EFAULT);
		refused("clock_gettime-into-monitor", "EFAULT",
			syscall(SYS_clock_gettime, 0, text), EFAULT);
		refused("sigaction-from-monitor", "EFAULT",
			syscall(SYS_rt_sigaction, SIGUSR1, text, NULL, 8), EFAULT);
		/* calls libdune may answer straight from ring 0 (runtime/fastpath.c)
		 * when nothing is audited: the same answers */
		unsigned long data = pool;
		int f = open("/proc/self/exe", O_RDONLY), out = open("fast.out", O_CREAT | O_RDWR, 0644);
		refused("pread-into-monitor", "EFAULT", pread(f, (void *)data, 16, 0), EFAULT);
		refused("fstat-into-monitor", "EFAULT", syscall(SYS_fstat, f, data), EFAULT);
		refused("gettimeofday-into-monitor", "EFAULT", syscall(SYS_gettimeofday, data, 0), EFAULT);
		refused("time-into-monitor", "EFAULT", syscall(SYS_time, data), EFAULT);
		refused("clock_getres-into-monitor", "EFAULT", syscall(SYS_clock_getres, 0, data), EFAULT);
		refused("uname-into-monitor", "EFAULT", syscall(SYS_uname, data), EFAULT);
		refused("sysinfo-into-monitor", "EFAULT", syscall(SYS_sysinfo, data), EFAULT);
		refused("getresuid-into-monitor", "EFAULT", syscall(SYS_getresuid, data, data, data), EFAULT);
		refused("getcpu-into-monitor", "EFAULT", syscall(SYS_getcpu, data, 0, 0), EFAULT);
		refused("pwrite-from-monitor", "EFAULT", pwrite(out, (void *)text, 16, 0), EFAULT);
		refused("write-from-monitor-lib", "EFAULT", write(out, (void *)lib, 16), EFAULT);
		close(f);
		close(out);
		/* descriptor-table instructions: no monitor address in what
		 * they give (UMIP, or tables that show nothing) */
		struct { uint16_t lim; uint64_t base; } __attribute__((packed)) gdt, idt;
		uint16_t ldt = 0, tr = 0;
		uint64_t msw = 0;
		memset(&gdt, 0, sizeof(gdt));
		memset(&idt, 0, sizeof(idt));
		pid_t pid = fork();
		if (pid == 0) { /* may fault (UMIP): in a child */
			asm volatile("sgdt %0" : "=m"(gdt));
			asm volatile("sidt %0" : "=m"(idt));
			asm volatile("sldt %0" : "=m"(ldt));
			asm volatile("str %0" : "=m"(tr));
			asm volatile("smsw %0" : "=r"(msw));
			printf("descriptor tables: gdt 0x%lx idt 0x%lx\n", (unsigned long)gdt.base,
			       (unsigned long)idt.base);
			/* a fixed range that tells nothing (libdune's DESCRIPTOR_AREA) */
			_exit(gdt.base >= DESCRIPTOR_AREA && gdt.base < DESCRIPTOR_AREA_END &&
			      idt.base >= DESCRIPTOR_AREA && idt.base < DESCRIPTOR_AREA_END ? 0 : 1);
		}
		int st;
		waitpid(pid, &st, 0);
		report("sgdt-sidt-str-smsw", "SIGSEGV (UMIP) or the fixed descriptor area",
		       !(WIFEXITED(st) && WEXITSTATUS(st) == 1),
		       WIFSIGNALED(st) ? "faulted (signal %d)" : "exit %d",
		       WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		/* /proc shows the program, never the monitor */
		static char buf[1 << 20];
		const char *leak = NULL, *what = "";
		const char *files[] = { "/proc/self/maps", "/proc/self/smaps", "/proc/self/numa_maps",
					"/proc/self/stat", NULL };
		for (int i = 0; files[i] && !leak; i++) {
			int n = read_file(files[i], buf, sizeof(buf));
			for (int k = 0; k < nr_areas && n > 0 && !leak; k++) {
				char hex[32];
				snprintf(hex, sizeof(hex), "%lx-", areas[k].lo);
				if (strstr(buf, hex))
					leak = files[i], what = areas[k].what;
			}
			if (n > 0 && strstr(buf, "dunebox"))
				leak = files[i], what = "dunebox";
		}
		/* auxv: the program's entries only */
		int fd = open("/proc/self/auxv", O_RDONLY);
		uint64_t aux[128];
		ssize_t an = fd >= 0 ? read(fd, aux, sizeof(aux)) : -1;
		for (ssize_t i = 1; i < an / 8 && !leak; i += 2)
			if (in_monitor(aux[i]))
				leak = "/proc/self/auxv", what = "an entry";
		if (fd >= 0)
			close(fd);
		report("proc-self-maps-stat-auxv", "the program only", !leak, "%s %s",
		       leak ? leak : "", what);
		char pp[64];
		snprintf(pp, sizeof(pp), "/proc/%d/maps", getppid());
		int n = read_file(pp, buf, sizeof(buf));
		report("proc-parent-maps", "the program only or refused",
		       n < 0 || !strstr(buf, "dunebox"), n < 0 ? "refused" : "read");
		refused("proc-self-mem", "EACCES", open("/proc/self/mem", O_RDONLY), 0);
		refused("proc-self-syscall", "EACCES", open("/proc/self/syscall", O_RDONLY), 0);
		refused("proc-self-pagemap", "EACCES", open("/proc/self/pagemap", O_RDONLY), 0);
		refused("proc-self-map_files", "EACCES", open("/proc/self/map_files", O_RDONLY), 0);
	}
}

/* ---- paths ---- */

struct race {
	const char *a, *b, *link; /* link flips between a and b */
	int stop;
	int dirfd_a, dirfd_b, target_fd; /* dup2 and fchdir races */
};

static void *flip_link(void *arg)
{
	struct race *r = arg;
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.new", r->link);
	for (int i = 0; !r->stop; i++) {
		unlink(tmp);
		if (symlink(i & 1 ? r->b : r->a, tmp) == 0)
			rename(tmp, r->link);
	}
	return NULL;
}

static void *flip_dirfd(void *arg)
{
	struct race *r = arg;
	for (int i = 0; !r->stop; i++)
		dup2(i & 1 ? r->dirfd_b : r->dirfd_a, r->target_fd);
	return NULL;
}

static void *flip_cwd(void *arg)
{
	struct race *r = arg;
	for (int i = 0; !r->stop; i++)
		if (fchdir(i & 1 ? r->dirfd_b : r->dirfd_a) < 0)
			break;
	return NULL;
}

/* Opens name race_rounds times while another thread moves what it names:
 * 1 if one of them opened the canary. */
static int race_reaches_canary(int dirfd, const char *name, int flags)
{
	int reached = 0;
	for (int i = 0; i < race_rounds; i++) {
		struct stat st, canary;
		int fd = openat(dirfd, name, flags, 0644);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && stat(path("canary/file"), &canary) == 0 &&
		    st.st_ino == canary.st_ino && st.st_dev == canary.st_dev)
			reached = 1;
		close(fd);
	}
	return reached;
}

static void paths(void)
{
	char buf[4096];
	int fd;

	/* the private /tmp: a link to the host, existing and dangling */
	symlink(path("canary/file"), "/tmp/to-canary");
	fd = open("/tmp/to-canary", O_WRONLY | O_TRUNC);
	refused("tmp-symlink-to-host-file", "EACCES", fd, EACCES);
	symlink(path("canary/new-file"), "/tmp/dangling");
	fd = open("/tmp/dangling", O_WRONLY | O_CREAT, 0644);
	refused("tmp-dangling-symlink-creat", "EACCES", fd, EACCES);
	symlink(path("canary"), "/tmp/to-canary-dir");
	fd = open("/tmp/to-canary-dir/file", O_RDWR);
	refused("tmp-symlink-dir-to-host", "EACCES", fd, EACCES);
	/* pid 1: the host's init, or (in the outer layer's pid namespace) the
	 * supervisor, whose root is the box's own "/": refused, or a file in
	 * the box's private /tmp (the harness checks the host's /tmp) */
	fd = open("/tmp/../tmp/./../proc/1/root/tmp/host-tmp-canary", O_WRONLY | O_CREAT, 0644);
	struct stat in_box, made;
	report("proc-root-to-host-tmp", "refused, or the box's own /tmp",
	       fd < 0 || (fstat(fd, &made) == 0 && stat("/tmp/host-tmp-canary", &in_box) == 0 &&
			  made.st_ino == in_box.st_ino && made.st_dev == in_box.st_dev),
	       "returned %d, %s", fd, fd < 0 ? strerror(errno) : "in the box's /tmp");
	if (fd >= 0)
		close(fd);
	/* check-then-use races */
	struct race r = { .a = path("rw/harmless"), .b = path("canary/file"), .link = path("rw/flip") };
	pthread_t t;
	int wrote;
	close(open(r.a, O_CREAT | O_WRONLY, 0644));
	pthread_create(&t, NULL, flip_link, &r);
	wrote = race_reaches_canary(AT_FDCWD, r.link, O_WRONLY | O_APPEND);
	r.stop = 1;
	pthread_join(t, NULL);
	report("symlink-swap-race", "never the canary", !wrote, "%d rounds", race_rounds);
	/* dup2 over a checked dirfd */
	r.stop = 0;
	r.dirfd_a = open(path("rw"), O_RDONLY | O_DIRECTORY);
	r.dirfd_b = open(path("canary"), O_RDONLY | O_DIRECTORY);
	r.target_fd = 100;
	dup2(r.dirfd_a, 100);
	pthread_create(&t, NULL, flip_dirfd, &r);
	wrote = race_reaches_canary(100, "file", O_WRONLY | O_CREAT | O_APPEND);
	r.stop = 1;
	pthread_join(t, NULL);
	report("dup2-over-dirfd-race", "never the canary", !wrote, "%d rounds", race_rounds);
	/* fchdir between a writable and a read-only directory */
	int home = open(".", O_RDONLY | O_DIRECTORY);
	r.stop = 0;
	pthread_create(&t, NULL, flip_cwd, &r);
	wrote = race_reaches_canary(AT_FDCWD, "file", O_WRONLY | O_CREAT | O_APPEND);
	r.stop = 1;
	pthread_join(t, NULL);
	if (fchdir(home) < 0)
		report("fchdir-back", "back where it started", 0, "%s", strerror(errno));
	report("fchdir-race", "never the canary", !wrote, "%d rounds", race_rounds);
	/* descriptors of read-only files: no writes through them */
	fd = open(path("canary/file"), O_RDONLY);
	refused("fchmod-readonly-fd", "EACCES", fchmod(fd, 0666), 0);
	refused("fchown-readonly-fd", "EACCES", fchown(fd, 1, 1), 0);
	int flags = FS_IMMUTABLE_FL_;
	refused("chattr-readonly-fd", "EACCES", ioctl(fd, FS_IOC_SETFLAGS_, &flags), 0);
	refused("futimens-readonly-fd", "EACCES", futimens(fd, NULL), 0);
	snprintf(buf, sizeof(buf), "/proc/self/fd/%d", fd);
	refused("reopen-readonly-fd-for-writing", "EACCES", open(buf, O_WRONLY), 0);
	refused("linkat-readonly-fd", "EACCES",
		linkat(fd, "", AT_FDCWD, path("rw/hardlink"), AT_EMPTY_PATH), 0);
	refused("link-to-canary", "EACCES", link(path("canary/file"), path("rw/hardlink2")), EACCES);
	/* a lock on a read-only file stays in the box (the harness checks) */
	report("flock-readonly-file", "answered, not taken on the host",
	       flock(fd, LOCK_EX | LOCK_NB) == 0, "");
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
	report("fcntl-lock-readonly-file", "answered, not taken on the host",
	       fcntl(fd, F_SETLK, &fl) == 0, "");
	/* sleep a bit holding them: the harness tries to lock from outside */
	FILE *f = fopen("locked", "w");
	if (f)
		fclose(f);
	for (int i = 0; i < 300 && access("lock-checked", F_OK) != 0; i++)
		usleep(10000);
	close(fd);
	/* device nodes, hidden files, sockets */
	refused("mknod-kvm-in-tmp", "EPERM", mknod("/tmp/kvm", S_IFCHR | 0666, makedev(10, 232)), EPERM);
	refused("mknod-block-in-rw", "EPERM", mknod(path("rw/blk"), S_IFBLK | 0666, makedev(8, 0)), EPERM);
	refused("open-dev-kvm", "ENOENT", open("/dev/kvm", O_RDWR), 0);
	refused("stat-hidden", "ENOENT", stat(path("hidden/secret"), (struct stat *)buf), ENOENT);
	symlink(path("hidden/secret"), path("rw/to-hidden"));
	refused("symlink-to-hidden", "ENOENT", open(path("rw/to-hidden"), O_RDONLY), ENOENT);
	refused("rename-hidden-parent", "EACCES or ENOENT",
		rename(path("hidden"), path("rw/moved")), 0);
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path("canary/sock"));
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	refused("connect-readonly-socket", "EACCES", connect(s, (struct sockaddr *)&un, sizeof(un)), EACCES);
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	refused("sendto-readonly-socket", "EACCES",
		sendto(s, "x", 1, 0, (struct sockaddr *)&un, sizeof(un)), EACCES);
	close(s);
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path("canary/new-sock"));
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	refused("bind-readonly-dir", "EACCES", bind(s, (struct sockaddr *)&un, sizeof(un)), EACCES);
	close(s);
	/* the harness listens on an abstract name outside */
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "dunebox-redteam-%s", getenv("REDTEAM_ID") ?: "x");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	refused("connect-abstract-outside", "ECONNREFUSED",
		connect(s, (struct sockaddr *)&un, offsetof(struct sockaddr_un, sun_path) + 1 +
			strlen(un.sun_path + 1)), ECONNREFUSED);
	close(s);
	/* a socket of the box's own, by path and abstract: works */
	int ls = socket(AF_UNIX, SOCK_STREAM, 0), cs = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/box-sock");
	int ok = bind(ls, (struct sockaddr *)&un, sizeof(un)) == 0 && listen(ls, 1) == 0 &&
		 connect(cs, (struct sockaddr *)&un, sizeof(un)) == 0;
	report("box-own-socket", "works", ok, "%s", ok ? "" : strerror(errno));
	close(ls);
	close(cs);
	/* the canary directory stays as it was (the harness checks sums) */
	refused("write-canary", "EACCES", open(path("canary/file"), O_WRONLY), EACCES);
	refused("unlink-canary", "EACCES", unlink(path("canary/file")), EACCES);
	refused("rename-canary", "EACCES", rename(path("canary/file"), path("rw/stolen")), EACCES);
	refused("chmod-canary", "EACCES", chmod(path("canary/file"), 0777), EACCES);
	refused("truncate-canary", "EACCES", truncate(path("canary/file"), 0), EACCES);
	refused("setxattr-canary", "EACCES",
		setxattr(path("canary/file"), "user.x", "1", 1, 0), EACCES);
	refused("utimes-canary", "EACCES", utimes(path("canary/file"), NULL), EACCES);
	refused("openat2-canary", "EACCES",
		syscall(SYS_openat2, AT_FDCWD, path("canary/file"),
			&(struct { uint64_t f, m, r; }){ O_WRONLY, 0, 0 }, 24), EACCES);
}

/* ---- calls that hand out power ---- */

static void power(void)
{
	struct sock_filter_ { uint16_t code; uint8_t jt, jf; uint32_t k; } allow = { 0x06, 0, 0, 0x7fff0000 };
	struct { unsigned short len; void *filter; } prog = { 1, &allow };
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	refused("seccomp-filter", "EINVAL", syscall(SYS_seccomp, 1, 0, &prog), 0);
	refused("prctl-seccomp", "EINVAL", prctl(PR_SET_SECCOMP, 2, &prog, 0, 0), 0);
	/* the monitor still judges after that */
	refused("policy-still-applies", "EACCES", open(path("canary/file"), O_WRONLY), EACCES);
	refused("fanotify_init", "EPERM", syscall(SYS_fanotify_init, 0, O_RDWR), 0);
	refused("pidfd_getfd", "EPERM", syscall(SYS_pidfd_getfd,
		syscall(SYS_pidfd_open, getpid(), 0), 3, 0), 0);
	char handle[128] = { 0 };
	*(unsigned *)handle = 64;
	int mount_id;
	refused("name_to_handle_at", "refused", syscall(SYS_name_to_handle_at, AT_FDCWD, path("canary/file"),
		handle, &mount_id, 0), 0);
	refused("open_by_handle_at", "EPERM", syscall(SYS_open_by_handle_at, AT_FDCWD, handle, O_RDWR), 0);
	refused("userfaultfd", "refused", syscall(SYS_userfaultfd, 0), 0);
	refused("perf_event_open", "refused", syscall(SYS_perf_event_open, calloc(1, 128), 0, -1, -1, 0), 0);
	refused("bpf", "refused", syscall(SYS_bpf, 0, calloc(1, 128), 128), 0);
	refused("ptrace-traceme", "refused", syscall(SYS_ptrace, 0, 0, 0, 0), 0);
	refused("process_vm_readv", "refused", syscall(SYS_process_vm_readv, getppid(),
		&(struct iovec){ handle, 8 }, 1, &(struct iovec){ (void *)0x400000, 8 }, 1, 0), 0);
	refused("landlock_restrict_self", "ENOSYS", syscall(SYS_landlock_restrict_self, 0, 0), 0);
	refused("keyctl-join", "EPERM", syscall(SYS_keyctl, 1, "dunebox-redteam"), 0);
	refused("prctl-ptracer-any", "EINVAL", prctl(PR_SET_PTRACER, -1UL, 0, 0, 0), 0);
	/* a child asking to share the descriptor table gets its own: the
	 * monitor's descriptors stay out of its reach, and what it closes
	 * stays open here */
	int probe = open("/dev/null", O_RDONLY);
	long cf = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (cf == 0) {
		int bad = any_kvm_fd(probe);
		syscall(SYS_close_range, 3, ~0U, 0);
		_exit(bad != 0);
	}
	int cst = -1;
	if (cf > 0)
		waitpid((pid_t)cf, &cst, 0);
	report("clone-files-child", "a table of its own, no monitor descriptor in it",
	       cf > 0 && WIFEXITED(cst) && WEXITSTATUS(cst) == 0 && fcntl(probe, F_GETFD) >= 0,
	       "clone %ld, status 0x%x", cf, cst);
	close(probe);
	refused("unshare-files", "EINVAL", unshare(CLONE_FILES), 0);
	refused("unshare-user-ns", "EPERM", unshare(CLONE_NEWUSER), 0);
	refused("mount-tmpfs", "EPERM", syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, 0), 0);
	refused("chroot", "EPERM", chroot("/tmp"), 0);
	refused("settimeofday", "EPERM", settimeofday(&(struct timeval){ 1, 0 }, NULL), 0);
	refused("sethostname", "EPERM", sethostname("owned", 5), 0);
	refused("mq_open", "ENOSYS", syscall(SYS_mq_open, "dunebox-redteam", O_CREAT | O_RDWR, 0600, NULL), 0);
	/* personality is the program's: the host process keeps its own */
	long before = syscall(SYS_personality, 0xffffffff);
	syscall(SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */);
	char buf[64] = "";
	read_file("/proc/self/personality", buf, sizeof(buf));
	report("personality-stays-in-box", "host personality unchanged",
	       syscall(SYS_personality, 0xffffffff) == 0x0400000 && strtol(buf, NULL, 16) == 0,
	       "was %lx, host shows %s", before, buf);
	syscall(SYS_personality, 0);
	/* the monitor's descriptors, by every route */
	int leaked = 0, fds[4096], nr_fds = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)) && nr_fds < 4096)
		if (e->d_name[0] != '.')
			fds[nr_fds++] = atoi(e->d_name);
	if (d)
		closedir(d);
	for (int i = 0; i < nr_fds; i++)
		if (fds[i] > 2 && is_kvm(fds[i]))
			leaked = fds[i];
	report("monitor-fds-visible", "none reachable", !leaked, leaked ? "fd %d" : "", leaked);
	int sv[2], got = 0, dups = 0;
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	for (int i = 0; i < nr_fds; i++) {
		int fd = fds[i];
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct msghdr m = { .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
				    .msg_iov = &(struct iovec){ "x", 1 }, .msg_iovlen = 1 };
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		if (fd < 3 || fd == sv[0] || fd == sv[1])
			continue;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		if (sendmsg(sv[0], &m, MSG_DONTWAIT) == 1) {
			char rbuf[CMSG_SPACE(sizeof(int))], x;
			struct msghdr rm = { .msg_control = rbuf, .msg_controllen = sizeof(rbuf),
					     .msg_iov = &(struct iovec){ &x, 1 }, .msg_iovlen = 1 };
			if (recvmsg(sv[1], &rm, 0) == 1 && CMSG_FIRSTHDR(&rm)) {
				int nfd;
				memcpy(&nfd, CMSG_DATA(CMSG_FIRSTHDR(&rm)), sizeof(int));
				if (is_kvm(nfd))
					got = fd;
				close(nfd);
			}
		}
		int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (d >= 0) {
			if (is_kvm(d))
				dups = fd;
			close(d);
		}
		char self[64];
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		d = open(self, O_RDWR);
		if (d >= 0) {
			if (is_kvm(d))
				dups = fd;
			close(d);
		}
	}
	report("scm-rights-monitor-fds", "EBADF for every one", !got, got ? "fd %d passed" : "", got);
	report("dup-reopen-monitor-fds", "EBADF/ENOENT for every one", !dups, dups ? "fd %d" : "", dups);
	syscall(SYS_close_range, 3, ~0U, 0);
	refused("close_range-then-policy", "the monitor still works: EACCES",
		open(path("canary/file"), O_WRONLY), EACCES);
	/* a child inherits no monitor descriptor it could use */
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < nr_fds; i++)
			if (fds[i] > 2 && fcntl(fds[i], F_GETFD) >= 0 && is_kvm(fds[i]))
				_exit(1);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	report("fork-child-monitor-fds", "none reachable", WIFEXITED(st) && WEXITSTATUS(st) == 0, "");
	/* memfd contents are no executable the policy named */
	int mfd = syscall(SYS_memfd_create, "x", 0);
	int bin = open("/bin/true", O_RDONLY);
	char chunk[65536];
	ssize_t n;
	while (bin >= 0 && (n = read(bin, chunk, sizeof(chunk))) > 0)
		if (write(mfd, chunk, (size_t)n) != n)
			break;
	refused("memfd-fexecve", "EACCES", syscall(SYS_execveat, mfd, "", (char *[]){ "true", NULL },
		(char *[]){ NULL }, AT_EMPTY_PATH), 0);
}

/* the terminal the harness gave as stdin (a pty it reads back) */
static void terminal(void)
{
	char c = 'X';
	refused("tiocsti", "EPERM", ioctl(0, TIOCSTI, &c), EPERM);
	int ldisc = 0;
	refused("tiocsetd", "EPERM", ioctl(0, TIOCSETD, &ldisc), EPERM);
	refused("tiocvhangup", "EPERM", ioctl(0, TIOCVHANGUP, 0), EPERM);
	refused("tiocexcl", "EPERM", ioctl(0, TIOCEXCL, 0), EPERM);
	refused("tiocsctty-steal", "EPERM", ioctl(0, TIOCSCTTY, 1), EPERM);
	refused("tioclinux", "ENOTTY", ioctl(0, TIOCLINUX, &c), 0);
	refused("vhangup", "EPERM", vhangup(), 0);
	pid_t outside = getpgid(getppid());
	(void)outside;
}

/* ---- processes outside the box: argv[2] is one, alive ---- */

static void processes(long outside)
{
	refused("kill-outside", "EPERM", kill((pid_t)outside, SIGTERM), EPERM);
	refused("kill-init", "EPERM", kill(1, 0), EPERM);
	refused("kill-minus-1", "EPERM", kill(-1, SIGTERM), EPERM);
	refused("tgkill-outside", "EPERM", syscall(SYS_tgkill, outside, outside, SIGTERM), EPERM);
	refused("sigqueue-outside", "EPERM", sigqueue((pid_t)outside, SIGTERM, (union sigval){ 0 }), EPERM);
	refused("pidfd_open-outside", "EPERM", syscall(SYS_pidfd_open, outside, 0), EPERM);
	char p[64];
	snprintf(p, sizeof(p), "/proc/%ld", outside);
	int pfd = open(p, O_RDONLY | O_DIRECTORY);
	refused("pidfd_send_signal-proc-dir", "EPERM",
		pfd < 0 ? -1 : syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0), EPERM);
	int s[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, s);
	refused("f_setown-outside", "EPERM", fcntl(s[0], F_SETOWN, (int)outside), EPERM);
	struct f_owner_ex o = { F_OWNER_PID, (pid_t)outside };
	refused("f_setown_ex-outside", "EPERM", fcntl(s[0], F_SETOWN_EX, &o), EPERM);
	refused("prlimit-outside", "EPERM",
		prlimit((pid_t)outside, RLIMIT_NOFILE, &(struct rlimit){ 1, 1 }, NULL), EPERM);
	refused("setpriority-outside", "EPERM", setpriority(PRIO_PROCESS, (id_t)outside, 19), EPERM);
	refused("setpriority-user", "EPERM", setpriority(PRIO_USER, getuid(), 19), EPERM);
	refused("setpriority-raise-self", "EACCES", setpriority(PRIO_PROCESS, 0, -20), 0);
	report("setpriority-lower-self", "allowed", setpriority(PRIO_PROCESS, 0, 5) == 0, "");
	struct sched_param sp = { .sched_priority = 99 };
	/* (musl's sched_setscheduler is a stub: the system call itself) */
	refused("sched_fifo-99-self", "EPERM", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EPERM);
	sp.sched_priority = 0;
	refused("sched_setscheduler-outside", "ESRCH",
		syscall(SYS_sched_setscheduler, outside, SCHED_BATCH, &sp), ESRCH);
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	refused("sched_setaffinity-outside", "ESRCH",
		sched_setaffinity((pid_t)outside, sizeof(set), &set), 0);
	refused("ioprio_set-outside", "EPERM", syscall(SYS_ioprio_set, 1, outside, 0), EPERM);
	refused("ioprio_set-realtime-self", "EPERM", syscall(SYS_ioprio_set, 1, 0, (1 << 13) | 0), EPERM);
	refused("ioprio_set-user", "EPERM", syscall(SYS_ioprio_set, 3, getuid(), 0), EPERM);
	/* a child of the box is within reach */
	pid_t c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	report("kill-own-child", "allowed", kill(c, SIGKILL) == 0, "");
	waitpid(c, NULL, 0);
}

/* ---- host state: System V IPC the harness made outside ---- */

static void shared(int host_id, key_t host_key)
{
	refused("shmget-host-key", "ENOENT", shmget(host_key, 0, 0), ENOENT);
	void *r = shmat(host_id, NULL, 0);
	refused("shmat-host-id", "EINVAL", r == (void *)-1 ? -1 : 0, EINVAL);
	struct shmid_ds ds;
	refused("shmctl-rmid-host-id", "EINVAL", shmctl(host_id, IPC_RMID, NULL), EINVAL);
	refused("shm-stat-index", "EINVAL", shmctl(0, SHM_STAT, &ds), EINVAL);
	refused("shm-info", "EINVAL", shmctl(0, SHM_INFO, &ds), EINVAL);
	struct semid_ds sds;
	refused("semctl-sem-stat", "EINVAL", semctl(0, 0, SEM_STAT, &sds), EINVAL);
	refused("msgctl-msg-stat", "EINVAL", msgctl(0, MSG_STAT, (struct msqid_ds *)&ds), EINVAL);
	/* the box's own: works, and is gone when the box is (harness). A new
	 * one under the host's key (IPC_EXCL: the host's is not there), not
	 * compared by id: a fresh IPC namespace numbers from 0 as the host's
	 * may (a freshly booted host) */
	int id = shmget(host_key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	char *p = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
	int ok = p != (void *)-1 && shmget(host_key, 0, 0) == id;
	if (ok)
		strcpy(p, "box");
	report("shm-box-own", "works, not the host's", ok, "id %d", id);
	int sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	int msg = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	report("sem-msg-box-own", "works", sem >= 0 && msg >= 0, "");
	FILE *ids = fopen("ipc-ids", "w"); /* for the harness's look afterwards */
	if (ids) {
		fprintf(ids, "shm %d\nsem %d\nmsg %d\n", id, sem, msg);
		fclose(ids);
	}
	/* left on purpose: the supervisor removes them */
}

/* ---- robustness ---- */

static void robust(void)
{
	/* a child ending with raw SYS_exit is reaped */
	pid_t p = fork();
	if (p == 0)
		syscall(SYS_exit, 7);
	int st = 0;
	alarm(20);
	pid_t w = waitpid(p, &st, 0);
	alarm(0);
	report("raw-sys_exit-child-reaped", "reaped, status 7", w == p && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 7, "waitpid %d status 0x%x", w, st);
	/* a daemon: double fork, setsid; must not outlive dunebox (harness) */
	p = fork();
	if (p == 0) {
		setsid();
		if (fork() == 0) {
			execl("/bin/sleep", "sleep", "987654", (char *)NULL);
			execl("/usr/bin/sleep", "sleep", "987654", (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	waitpid(p, NULL, 0);
	report("daemon-started", "started (the harness checks it is gone)", 1, "");
}

/* ---- the policy's items ---- */

static void policy(const char *which)
{
	if (!strcmp(which, "deny")) { /* the policy: deny uname; deny sysinfo errno=ENOSYS */
		refused("deny-rule", "EPERM", syscall(SYS_uname, calloc(1, 512)), EPERM);
		refused("deny-errno-rule", "ENOSYS", syscall(SYS_sysinfo, calloc(1, 512)), ENOSYS);
	} else if (!strcmp(which, "default-deny")) /* default deny, a few allowed */
		refused("default-deny", "EPERM", syscall(SYS_sysinfo, calloc(1, 512)), EPERM);
	else if (!strcmp(which, "net-none"))
		refused("net-none-unix", "EPERM", socket(AF_UNIX, SOCK_STREAM, 0), EPERM);
	else if (!strcmp(which, "net-unix")) {
		refused("net-unix-inet", "EPERM", socket(AF_INET, SOCK_STREAM, 0), EPERM);
		refused("net-unix-packet", "EPERM", socket(AF_PACKET, SOCK_RAW, 0), EPERM);
		refused("net-unix-netlink", "EPERM", socket(AF_NETLINK, SOCK_RAW, 0), EPERM);
	} else if (!strcmp(which, "fs")) {
		refused("fs-ro-write", "EACCES", open(path("canary/file"), O_WRONLY), EACCES);
		int fd = open(path("rw/new"), O_WRONLY | O_CREAT, 0644);
		report("fs-rw-write", "allowed", fd >= 0, "%s", fd < 0 ? strerror(errno) : "");
		struct stat st;
		refused("fs-none-stat", "ENOENT", stat(path("hidden/secret"), &st), ENOENT);
		refused("fs-none-via-proc-cwd", "ENOENT",
			open("/proc/self/cwd/../hidden/secret", O_RDONLY), 0);
		report("fs-none-ancestor-visible", "stat allowed (ancestors of rules)",
		       stat(path("hidden-parent"), &st) == 0, "%s", strerror(errno));
		refused("fs-none-ancestor-not-listed", "EACCES",
			open(path("hidden-parent"), O_RDONLY | O_DIRECTORY), 0);
		refused("dev-kvm-allowed-by-policy", "ENOENT", open("/dev/kvm", O_RDWR), 0);
		refused("clone-newns", "EPERM", syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0), EPERM);
	} else if (!strcmp(which, "tmp-private")) {
		int fd = open("/tmp/dunebox-redteam-private", O_WRONLY | O_CREAT, 0644);
		report("tmp-private-write", "in the box's own /tmp", fd >= 0, "");
		fd = open("/dev/shm/dunebox-redteam-shm", O_RDWR | O_CREAT, 0600);
		report("dev-shm-private-write", "in the box's own /dev/shm", fd >= 0, "");
	} else if (!strcmp(which, "tmp-shared")) {
		refused("tmp-shared-ro-write", "EACCES",
			open("/tmp/dunebox-redteam-shared", O_WRONLY | O_CREAT, 0644), EACCES);
	} else if (!strcmp(which, "audit")) {
		refused("audited-denial", "EPERM (and a line in the audit)",
			syscall(SYS_ptrace, 0, 0, 0, 0), 0);
	}
}

/* ---- helpers run outside the box by the harness ---- */

static int host_helper(int argc, char **argv)
{
	const char *t = argv[1];
	if (!strcmp(t, "host-shm") && argc > 2) { /* make one: print "id" */
		int id = shmget((key_t)atol(argv[2]), 4096, IPC_CREAT | IPC_EXCL | 0600);
		printf("%d\n", id);
		return id < 0;
	}
	if (!strcmp(t, "host-shm-rm") && argc > 2)
		return shmctl(atoi(argv[2]), IPC_RMID, NULL) != 0;
	if (!strcmp(t, "host-listen") && argc > 3) { /* NAME FLAG [PATH]: until killed */
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		socklen_t len;
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (argc > 4) { /* a socket file */
			snprintf(un.sun_path, sizeof(un.sun_path), "%s", argv[4]);
			len = sizeof(un);
		} else { /* an abstract name */
			snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "dunebox-redteam-%s", argv[2]);
			len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(un.sun_path + 1));
		}
		if (bind(s, (struct sockaddr *)&un, len) || listen(s, 1))
			return 1;
		int c = accept(s, NULL, NULL);
		if (c >= 0) { /* someone got in: say so where the harness looks */
			FILE *f = fopen(argv[3], "w");
			if (f)
				fclose(f);
		}
		pause();
		return 0;
	}
	if (!strcmp(t, "host-lockable") && argc > 2) { /* can we lock it exclusively now? */
		int fd = open(argv[2], O_RDWR);
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		if (fd < 0)
			return 2;
		int r = flock(fd, LOCK_EX | LOCK_NB) == 0 && fcntl(fd, F_SETLK, &fl) == 0;
		return r ? 0 : 1;
	}
	if (!strcmp(t, "host-pty") && argc > 2) { /* run argv[2..] with a pty as stdin */
		int m = posix_openpt(O_RDWR | O_NOCTTY);
		grantpt(m);
		unlockpt(m);
		int s = open(ptsname(m), O_RDWR | O_NOCTTY);
		struct termios tio;
		tcgetattr(s, &tio);
		cfmakeraw(&tio);
		tcsetattr(s, TCSANOW, &tio);
		pid_t p = fork();
		if (p == 0) {
			dup2(s, 0);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		int st, queued = 0;
		waitpid(p, &st, 0);
		ioctl(s, FIONREAD, &queued);
		printf("attempt\tterminal-input-unchanged\tnothing typed into the terminal\t%s\t%d bytes queued\n",
		       queued ? "ESCAPED" : "contained", queued);
		return WIFEXITED(st) ? WEXITSTATUS(st) | (queued != 0) : 1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *t = argc > 1 ? argv[1] : "";
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strncmp(t, "host-", 5) && (r = host_helper(argc, argv)) >= 0)
		return r;
	if (getenv("REDTEAM_W"))
		W = getenv("REDTEAM_W");
	if (getenv("REDTEAM_ROUNDS") && atoi(getenv("REDTEAM_ROUNDS")) > 0)
		race_rounds = atoi(getenv("REDTEAM_ROUNDS"));
	strict_errno = getenv("REDTEAM_MODE") && !strcmp(getenv("REDTEAM_MODE"), "inner-only");
	if (!strcmp(t, "memory"))
		memory();
	else if (!strcmp(t, "monitor"))
		monitor_memory(argc > 2 ? argv[2] : "calls");
	else if (!strcmp(t, "paths"))
		paths();
	else if (!strcmp(t, "power"))
		power();
	else if (!strcmp(t, "terminal"))
		terminal();
	else if (!strcmp(t, "processes") && argc > 2)
		processes(atol(argv[2]));
	else if (!strcmp(t, "shared") && argc > 3)
		shared(atoi(argv[2]), (key_t)atol(argv[3]));
	else if (!strcmp(t, "robust"))
		robust();
	else if (!strcmp(t, "policy") && argc > 2)
		policy(argv[2]);
	else {
		fprintf(stderr, "usage: redteam memory|monitor [write|read|jump|page-tables]|paths|"
				"power|terminal|processes PID|shared ID KEY|robust|policy WHICH\n");
		return 2;
	}
	return escaped;
}
