/*
 * escape - attempts to get out of dunebox, one per subcommand. Run under
 * dunebox by tests/box/run.sh, which checks how each ends (box-tests.list):
 * attempts that fault must end with the signal and a "blocked" report,
 * attempts through system calls must be refused and the program says so
 * with exit status 0 ("contained"), or 1 if the attempt worked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The monitor lives above the program's region; where exactly the program
 * cannot see (its /proc shows the program only): these calls name
 * addresses up there, and the red team (redteam.c) names the monitor's
 * own, from a map an accomplice outside hands over. */
#define REGION_END 0x400000000000UL
#define MONITOR_SIDE (REGION_END + (1UL << 30))
#define PAGE 4096UL
#define MAX_FD_SCANNED 65536 /* libdune's descriptors sit below this */
#define LOW_FDS 1024 /* scanned: 3..LOW_FDS, and the TOP_FDS below the top */
#define TOP_FDS 512

static int contained(const char *what, long r, int want_errno)
{
	if (r == -1 && (!want_errno || errno == want_errno)) {
		printf("contained: %s (%s)\n", what, strerror(errno));
		return 0;
	}
	printf("NOT contained: %s returned %ld (errno %d)\n", what, r, errno);
	return 1;
}

static int priv(const char *which)
{
	if (!strcmp(which, "cli"))
		asm volatile("cli");
	else if (!strcmp(which, "hlt"))
		asm volatile("hlt");
	else if (!strcmp(which, "cr3"))
		asm volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
	else if (!strcmp(which, "wrmsr"))
		asm volatile("wrmsr" ::"c"(0xc0000082), "a"(0), "d"(0));
	else if (!strcmp(which, "out"))
		asm volatile("outb %%al, $0x80" ::"a"(0));
	else if (!strcmp(which, "lgdt")) {
		struct { uint16_t lim; uint64_t base; } __attribute__((packed)) d = {0, 0};
		asm volatile("lgdt %0" ::"m"(d));
	}
	printf("NOT contained: %s executed\n", which);
	return 1;
}

static volatile int ticks;

static void on_alarm(int sig)
{
	/* a handler that uses the FPU and SSE registers heavily */
	volatile double x = sig;
	for (int i = 0; i < 200; i++)
		x = x * 1.000001 + 0.5;
	asm volatile("xorps %%xmm0, %%xmm0; xorps %%xmm1, %%xmm1" ::: "xmm0", "xmm1");
	ticks++;
}

/* The interrupted code's SSE registers must survive the handlers. */
static int fpu_across_signals(void)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	struct itimerval it = {{0, 2000}, {0, 2000}};
	double want = 1234.5, got = 0;
	long rounds = 0;

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (ticks < 20 && rounds < 2000000000L) {
		asm volatile("movsd %1, %%xmm1; mov $20000, %%ecx; 1: dec %%ecx; jnz 1b; movsd %%xmm1, %0"
			     : "=m"(got) : "m"(want) : "xmm1", "rcx", "memory");
		rounds++;
		if (got != want) {
			printf("NOT kept: xmm1 = %f after %d signals\n", got, ticks);
			return 1;
		}
	}
	printf("kept: xmm1 intact across %d signals\n", ticks);
	return ticks < 20;
}

static volatile int sig62_got, sig62_value;

static void on_sig62(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	sig62_got = sig;
	sig62_value = si->si_value.sival_int;
}

/* signal 62 (SIGRTMAX-2, libdune's kick too) is the program's */
static int signal_62(void)
{
	struct sigaction sa = {.sa_sigaction = on_sig62, .sa_flags = SA_SIGINFO};
	if (sigaction(62, &sa, NULL)) {
		printf("sigaction(62): %s\n", strerror(errno));
		return 1;
	}
	sigqueue(getpid(), 62, (union sigval){.sival_int = 62});
	printf("handler %d value %d\n", sig62_got, sig62_value);
	return sig62_got != 62;
}

int main(int argc, char **argv)
{
	const char *t = argc > 1 ? argv[1] : "";
	int bad = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(t, "vfork")) {
		/* the parent runs on only once the child has exec'd */
		pid_t pid = vfork();
		if (pid == 0) {
			usleep(200000);
			if (write(1, "child\n", 6) < 0)
				_exit(126);
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		printf("parent\n");
		int status;
		waitpid(pid, &status, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
	}
	if (!strcmp(t, "fpu-signal"))
		return fpu_across_signals();
	if (!strcmp(t, "dev-shm")) {
		/* POSIX shared memory and named semaphores live in /dev/shm,
		 * the box's own (even where the machine has none) */
		int fd = shm_open("/dunebox-escape", O_RDWR | O_CREAT | O_EXCL, 0600);
		char *p = fd >= 0 && ftruncate(fd, 4096) == 0 ?
			mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
		sem_t *sem = sem_open("/dunebox-escape-sem", O_CREAT | O_EXCL, 0600, 1);
		int ok = p != MAP_FAILED && sem != SEM_FAILED && sem_wait(sem) == 0;
		if (ok)
			strcpy(p, "shared");
		printf("shm_open %s, sem_open %s: %s\n", fd >= 0 ? "ok" : strerror(errno),
		       sem != SEM_FAILED ? "ok" : "failed", ok ? p : "not usable");
		shm_unlink("/dunebox-escape");
		sem_unlink("/dunebox-escape-sem");
		return !ok;
	}
	if (!strcmp(t, "sig62"))
		return signal_62();
	if (!strcmp(t, "priv"))
		return priv(argc > 2 ? argv[2] : "cli");






	if (!strcmp(t, "pointers")) {
		/* pointers above the region, in calls the monitor answers or
		 * checks: EFAULT, the program goes on */
		const uintptr_t above[] = {REGION_END, MONITOR_SIDE, 0x7fff00000000UL};
		for (unsigned i = 0; i < sizeof(above) / sizeof(above[0]); i++) {
			uintptr_t m = above[i];
			struct iovec iov = {(void *)m, 16};
			bad |= contained("write() from above the region", write(1, (void *)m, 16), EFAULT);
			bad |= contained("read() into above the region", read(0, (void *)m, 16), EFAULT);
			bad |= contained("open() of a path above the region", open((char *)m, O_RDONLY), EFAULT);
			bad |= contained("writev() with an iovec above the region", writev(1, &iov, 1), EFAULT);
			bad |= contained("clock_gettime into above the region",
					 syscall(SYS_clock_gettime, 0, m), EFAULT);
			bad |= contained("mmap MAP_FIXED above the region",
					 (long)mmap((void *)m, PAGE, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == -1 ? -1 : 0, 0);
			bad |= contained("munmap above the region", munmap((void *)m, PAGE), 0);
			bad |= contained("mprotect above the region",
					 mprotect((void *)m, PAGE, PROT_READ | PROT_WRITE), 0);
		}
		return bad;
	}
	if (!strcmp(t, "signal-outside")) {
		/* signal 0: the permission check alone, nothing is sent */
		bad |= contained("kill(1) (init)", kill(1, 0), EPERM);
		bad |= contained("kill(parent) (dunebox's supervisor)", kill(getppid(), 0), EPERM);
		bad |= contained("tgkill(1, 1)", syscall(SYS_tgkill, 1, 1, 0), EPERM);
		bad |= contained("kill(-1)", kill(-1, 0), EPERM);
		pid_t child = fork();
		if (child == 0) {
			pause();
			_exit(0);
		}
		if (kill(child, SIGKILL) != 0) {
			printf("NOT right: a child in the box cannot be signalled\n");
			bad = 1;
		}
		waitpid(child, NULL, 0);
		kill(getpid(), 0) == 0 ? (void)0 : (void)(bad = 1);
		return bad;
	}
	if (!strcmp(t, "ptrace")) {
		bad |= contained("ptrace(ATTACH, parent)", ptrace(PTRACE_ATTACH, getppid(), 0, 0), 0);
		bad |= contained("ptrace(TRACEME)", ptrace(PTRACE_TRACEME, 0, 0, 0), 0);
		char buf[16];
		struct iovec l = {buf, 16}, r = {(void *)0x400000, 16};
		bad |= contained("process_vm_readv(parent)", process_vm_readv(getppid(), &l, 1, &r, 1, 0), 0);
		return bad;
	}
	if (!strcmp(t, "files")) {
		/* (files every machine has: the program itself, under `fs ro /`) */
		bad |= contained("open the program for writing", open(argv[0], O_WRONLY), EACCES);
		bad |= contained("create /usr/bin/dunebox-was-here",
				 open("/usr/bin/dunebox-was-here", O_CREAT | O_WRONLY, 0644), EACCES);
		bad |= contained("unlink the program", unlink(argv[0]), EACCES);
		bad |= contained("symlink into /etc", symlink("/tmp/x", "/etc/dunebox-link"), EACCES);
		bad |= contained("open /dev/kvm", open("/dev/kvm", O_RDWR), 0);
		return bad;
	}
	if (!strcmp(t, "sockets")) {
		bad |= contained("socket(AF_INET)", socket(AF_INET, SOCK_STREAM, 0), EPERM);
		bad |= contained("socket(AF_INET6)", socket(AF_INET6, SOCK_DGRAM, 0), EPERM);
		bad |= contained("socket(AF_PACKET)", socket(AF_PACKET, SOCK_RAW, 0), EPERM);
		int u = socket(AF_UNIX, SOCK_STREAM, 0);
		printf("%s: socket(AF_UNIX) allowed\n", u >= 0 ? "fine" : "WRONG");
		return bad || u < 0;
	}
	if (!strcmp(t, "fast-path")) {
		/* calls libdune's host half runs straight from ring 0 when the
		 * monitor's checks pass (runtime/fastpath.c): each must give what
		 * the monitor gives, never reach its memory or descriptors */
		uintptr_t text = MONITOR_SIDE, data = MONITOR_SIDE + PAGE;
		int file = open("/etc/hostname", O_RDONLY), out = open("fast.out", O_CREAT | O_RDWR, 0644);
		char buf[16];
		struct stat st;
		if (file < 0)
			file = open("/proc/self/exe", O_RDONLY);
		/* the kernel would write these into the monitor if let through */
		bad |= contained("pread() into the monitor", pread(file, (void *)data, 16, 0), EFAULT);
		bad |= contained("read() into the monitor", read(file, (void *)data, 16), EFAULT);
		bad |= contained("fstat() into the monitor", syscall(SYS_fstat, file, data), EFAULT);
		bad |= contained("gettimeofday() into the monitor", syscall(SYS_gettimeofday, data, 0), EFAULT);
		bad |= contained("time() into the monitor", syscall(SYS_time, data), EFAULT);
		bad |= contained("clock_getres() into the monitor", syscall(SYS_clock_getres, 0, data), EFAULT);
		bad |= contained("uname() into the monitor", syscall(SYS_uname, data), EFAULT);
		bad |= contained("sysinfo() into the monitor", syscall(SYS_sysinfo, data), EFAULT);
		bad |= contained("getresuid() into the monitor", syscall(SYS_getresuid, data, data, data), EFAULT);
		bad |= contained("getcpu() into the monitor", syscall(SYS_getcpu, data, 0, 0), EFAULT);
		/* ... and these would copy the monitor's memory out */
		bad |= contained("pwrite() from the monitor", pwrite(out, (void *)text, 16, 0), EFAULT);
		bad |= contained("write() from the monitor", write(out, (void *)text, 16), EFAULT);
		bad |= contained("write() straddling the region's end",
				 write(out, (void *)(REGION_END - 8), 16), EFAULT);
		/* the monitor's and libdune's (its stderr, the audit, the VM, the
		 * vCPUs), up where they live: whatever fcntl, which always passes
		 * the monitor, says is closed, is closed to the handed-over calls */
		struct rlimit nofile = {.rlim_max = MAX_FD_SCANNED};
		getrlimit(RLIMIT_NOFILE, &nofile);
		int top = nofile.rlim_max < MAX_FD_SCANNED ? (int)nofile.rlim_max : MAX_FD_SCANNED;
		for (int fd = 3; fd < top; fd = fd == LOW_FDS ? top - TOP_FDS : fd + 1) {
			if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
				continue;
			if (read(fd, buf, 1) != -1 || errno != EBADF || pread(fd, buf, 1, 0) != -1 ||
			    errno != EBADF || lseek(fd, 0, SEEK_CUR) != -1 || errno != EBADF ||
			    fstat(fd, &st) != -1 || errno != EBADF) {
				printf("NOT contained: fd %d is closed to fcntl but not to read/lseek/fstat\n", fd);
				bad = 1;
			}
		}
		/* and the ordinary case works */
		if (write(out, "fast", 4) != 4 || pread(out, buf, 4, 0) != 4 || memcmp(buf, "fast", 4) ||
		    getppid() <= 0) {
			printf("NOT right: allowed calls fail\n");
			bad = 1;
		}
		if (!bad)
			printf("contained: the fast path gives what the monitor gives\n");
		return bad;
	}
	if (!strcmp(t, "denied-fast")) {
		/* the policy denies these (run with $DENYFAST): never served */
		bad |= contained("getppid() denied by the policy", syscall(SYS_getppid), EPERM);
		bad |= contained("lseek() denied by the policy", lseek(0, 0, SEEK_CUR), EPERM);
		if (!bad)
			printf("contained: denied calls stay denied\n");
		return bad;
	}
	if (!strcmp(t, "marker")) {
		/* a call with a number to look for in the audit or the trace */
		return lseek(32429, 0, SEEK_CUR) == -1 && errno == EBADF ? 0 : 1;
	}
	if (!strcmp(t, "vm-fds")) {
		/* libdune's descriptors (the VM, the vCPU): an ioctl there would
		 * be an escape; the box must say they are not open */
		for (int fd = 3; fd < 1100; fd++) {
			long r = syscall(SYS_ioctl, fd, 0xae00 /* KVM_GET_API_VERSION */, 0);
			if (r >= 0) {
				printf("NOT contained: fd %d answers KVM ioctls\n", fd);
				bad = 1;
			}
			if (syscall(SYS_close, fd) == 0 && fd > 2)
				printf("closed fd %d\n", fd);
		}
		printf("%s: no VM descriptor reachable\n", bad ? "WRONG" : "contained");
		return bad;
	}
	if (!strcmp(t, "sigreturn")) {
		/* a forged frame asking for ring 0 and I/O privilege */
		struct {
			uint64_t regs[23];
		} __attribute__((aligned(16))) uc[4];
		memset(uc, 0, sizeof(uc));
		printf("forging a sigreturn frame\n");
		uint64_t *g = (uint64_t *)((char *)uc + 40); /* uc_mcontext */
		g[16] = (uint64_t)(uintptr_t)&&after;        /* rip */
		g[15] = (uint64_t)(uintptr_t)(uc + 3);       /* rsp */
		g[17] = 0x3202;                              /* eflags: IOPL 3 */
		g[18] = 0x10;                                /* cs: ring 0 */
		asm volatile("mov %0, %%rsp; mov $15, %%eax; syscall" ::"r"(uc) : "memory");
	after:
		asm volatile("cli"); /* must still fault: no IOPL, no ring 0 */
		printf("NOT contained: cli ran after a forged sigreturn\n");
		return 1;
	}
	fprintf(stderr, "usage: escape priv|pointers|ptrace|files|sockets|vm-fds|fast-path|denied-fast|marker|"
			"sigreturn|vfork|fpu-signal|sig62\n");
	return 2;
}
