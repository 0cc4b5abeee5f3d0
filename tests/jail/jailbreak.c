/*
 * jailbreak - attempts on dunebox's outer layer (runtime/jail), one per
 * subcommand, run natively inside the jail by the test build of dunebox
 * (--jail-native: no monitor, the kernel's walls alone), or under the
 * monitor. tests/jail/attempts.sh gives each the host objects it aims at and
 * checks afterwards that they are untouched.
 *
 * An attempt prints "contained: ..." and exits 0 when every way it tried
 * failed, "ESCAPED: ..." and exits 1 when one worked; attempts on the
 * never list of the seccomp filter end with SIGSYS instead.
 *
 * Host-side helpers (run outside the box by attempts.sh): serve-unix PATH LOG,
 * serve-abstract NAME LOG, serve-tcp PORT LOG (each accepts connections
 * and logs one line per connection), shm-make KEY, shm-check KEY (exit 0
 * if the segment holds what shm-make put there).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHM_TEXT "host segment, not for the box"
#define X32_BIT 0x40000000

static int escaped;

/* r < 0 is what a contained attempt gets */
static void expect_fail(const char *what, long r)
{
	if (r < 0)
		printf("contained: %s (%s)\n", what, strerror(errno));
	else {
		printf("ESCAPED: %s returned %ld\n", what, r);
		escaped = 1;
	}
}

static void expect_ok(const char *what, long r)
{
	if (r < 0) {
		printf("BROKEN: %s failed (%s): the box lacks what the policy gives\n", what,
		       strerror(errno));
		escaped = 1;
	}
}

static long open_close(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	return fd;
}

static int unix_connect(const char *name, int abstract)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), r;
	socklen_t len;
	if (fd < 0)
		return -1;
	snprintf(sa.sun_path + abstract, sizeof(sa.sun_path) - 1, "%s", name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + strlen(name));
	r = connect(fd, (struct sockaddr *)&sa, len);
	close(fd);
	return r;
}

static int tcp_connect(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;
	if (fd < 0)
		return -1;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return r;
}

static int status_field(const char *key)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key) + 1, NULL, 16);
	if (f)
		fclose(f);
	return (int)v;
}

/* ---- host-side helpers ---- */

static int __attribute__((noreturn)) serve(int fd, const char *log)
{
	for (;;) {
		int c = accept(fd, NULL, NULL);
		FILE *f;
		if (c < 0)
			continue;
		if ((f = fopen(log, "a"))) {
			fprintf(f, "connection\n");
			fclose(f);
		}
		close(c);
	}
}

static int serve_unix(const char *name, const char *log, int abstract)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + strlen(name));
	snprintf(sa.sun_path + abstract, sizeof(sa.sun_path) - 1, "%s", name);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 8) < 0)
		return perror("serve-unix"), 1;
	return serve(fd, log);
}

static int serve_tcp(int port, const char *log)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0)
		return perror("serve-tcp"), 1;
	return serve(fd, log);
}

static int shm_make(key_t key)
{
	int id = shmget(key, 4096, IPC_CREAT | 0600);
	char *p = id < 0 ? (char *)-1 : shmat(id, NULL, 0);
	if (p == (char *)-1)
		return perror("shm-make"), 1;
	strcpy(p, SHM_TEXT);
	return 0;
}

static int shm_check(key_t key)
{
	int id = shmget(key, 0, 0);
	char *p = id < 0 ? (char *)-1 : shmat(id, NULL, SHM_RDONLY);
	return p != (char *)-1 && !strcmp(p, SHM_TEXT) ? 0 : 1;
}

/* ---- attempts ---- */

static void files(const char *canary, const char *dir)
{
	char path[4096];
	expect_fail("open the canary for writing", open_close(canary, O_WRONLY));
	expect_fail("truncate the canary", truncate(canary, 0));
	expect_fail("chmod the canary", chmod(canary, 0666));
	expect_fail("rename the canary", rename(canary, "/tmp/stolen"));
	snprintf(path, sizeof(path), "%s/planted", dir);
	expect_fail("create a file beside it", open_close(path, O_WRONLY | O_CREAT));
	expect_fail("link it into /tmp", link(canary, "/tmp/linked"));
	/* through the private /tmp: a link made there points into the box */
	expect_ok("symlink in /tmp", symlink(canary, "/tmp/to-canary"));
	expect_fail("write through a /tmp symlink", open_close("/tmp/to-canary", O_WRONLY));
}

static void reopen_stdin(void)
{
	/* stdin was opened outside, read-only, on the canary: a new open of the
	 * same file through /proc may not get more than the policy gives */
	expect_fail("reopen stdin read-write via /proc/self/fd/0", open_close("/proc/self/fd/0", O_RDWR));
	expect_fail("reopen stdin for appending", open_close("/proc/self/fd/0", O_WRONLY | O_APPEND));
}

static void inherited_fd(void)
{
	/* attempts.sh passed a directory of the host as fd 3 */
	expect_fail("openat on the inherited directory fd 3", openat(3, "canary", O_RDONLY));
	expect_fail("fchdir to fd 3", fchdir(3));
}

static void devices(void)
{
	expect_fail("open /dev/kvm", open_close("/dev/kvm", O_RDWR));
	expect_fail("open /dev/dune", open_close("/dev/dune", O_RDWR));
	expect_fail("mknod a /dev/kvm copy in /tmp", mknod("/tmp/kvm", S_IFCHR | 0666, makedev(10, 232)));
	expect_fail("open the copy", open_close("/tmp/kvm", O_RDWR));
	expect_fail("mknod a disk", mknod("/tmp/sda", S_IFBLK | 0666, makedev(8, 0)));
	expect_fail("write /proc/sys/kernel/hostname", open_close("/proc/sys/kernel/hostname", O_WRONLY));
	expect_fail("open /proc/kcore", open_close("/proc/kcore", O_RDONLY));
}

static void processes(pid_t victim)
{
	char path[64];
	expect_fail("kill the outside victim by pid", kill(victim, SIGKILL));
	expect_fail("pidfd_open the victim", syscall(SYS_pidfd_open, victim, 0));
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)victim);
	expect_fail("read the victim's environment", open_close(path, O_RDONLY));
	expect_fail("setpriority on the victim", setpriority(PRIO_PROCESS, (id_t)victim, 19));
	expect_fail("prlimit on the victim", prlimit(victim, RLIMIT_NOFILE, NULL, NULL));
	kill(-1, SIGKILL); /* everything this process may signal: the box only */
	expect_fail("kill the outside victim after kill(-1)", kill(victim, 0));
}

static void sched(void)
{
	struct sched_param sp = {.sched_priority = 99};
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	expect_fail("SCHED_FIFO 99 for itself", sched_setscheduler(0, SCHED_FIFO, &sp));
	expect_fail("nice -20", setpriority(PRIO_PROCESS, 0, -20));
	expect_fail("raise RLIMIT_NPROC", setrlimit(RLIMIT_NPROC, &rl));
	expect_fail("raise RLIMIT_DATA", setrlimit(RLIMIT_DATA, &rl));
}

static void ipc(key_t host_key, key_t box_key)
{
	int id;
	expect_fail("shmget the host's segment", shmget(host_key, 0, 0));
	id = shmget(box_key, 4096, IPC_CREAT | 0600); /* must vanish with the box */
	expect_ok("shmget a segment of its own", id);
}

static void network(int port, const char *abstract, const char *path)
{
	expect_fail("TCP connect to a host listener on 127.0.0.1", tcp_connect(port));
	expect_fail("connect to a host abstract unix socket", unix_connect(abstract, 1));
	expect_fail("connect to a host unix socket in a read-only place", unix_connect(path, 0));
}

static void privileges(void)
{
	if (status_field("CapEff:") != 0 || status_field("CapBnd:") != 0 ||
	    status_field("CapAmb:") != 0 || status_field("CapPrm:") != 0) {
		printf("ESCAPED: capabilities held\n");
		escaped = 1;
	}
	if (status_field("NoNewPrivs:") != 1 || status_field("Seccomp:") != 2) {
		printf("ESCAPED: no_new_privs %d seccomp %d\n", status_field("NoNewPrivs:"),
		       status_field("Seccomp:"));
		escaped = 1;
	}
	if (!escaped)
		printf("contained: no capabilities, no_new_privs, seccomp filter on\n");
}

static void limits(void)
{
	void *p = mmap(NULL, 512UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int n = 0;
	pid_t pid;
	expect_fail("map 512 MiB of writable memory", p == MAP_FAILED ? -1 : 0);
	while (n < 2000 && (pid = fork()) >= 0) { /* a fork bomb, bounded by the box */
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* gone with the attempt */
			pause();
			_exit(0);
		}
		n++;
	}
	printf("%s: forked %d processes before the limit\n", n < 2000 ? "contained" : "ESCAPED", n);
	escaped |= n >= 2000;
}

static void outlive(void)
{
	/* a grandchild in a session of its own, still running when the box ends */
	if (fork() == 0) {
		setsid();
		if (fork() == 0) {
			char *argv[] = {"sleep", "317", NULL}; /* attempts.sh looks for 317 */
			execv("/bin/sleep", argv);
			for (;;)
				pause();
		}
		_exit(0);
	}
	wait(NULL);
	printf("contained?: left a sleeper behind (attempts.sh looks for it)\n");
}

/* one call of the seccomp filter's never list; -2 for an unknown name */
static long never_call(const char *which)
{
	static char stack[16384];
	if (!strcmp(which, "chroot"))
		return syscall(SYS_chroot, ".");
	if (!strcmp(which, "mount"))
		return syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL);
	if (!strcmp(which, "unshare"))
		return syscall(SYS_unshare, CLONE_NEWUSER);
	if (!strcmp(which, "ptrace"))
		return syscall(SYS_ptrace, PTRACE_ATTACH, getppid(), 0, 0);
	if (!strcmp(which, "seccomp"))
		return syscall(SYS_seccomp, 1 /* SECCOMP_SET_MODE_FILTER */, 0, NULL);
	if (!strcmp(which, "prctl-seccomp"))
		return syscall(SYS_prctl, PR_SET_SECCOMP, 2, NULL, 0, 0);
	if (!strcmp(which, "bpf"))
		return syscall(SYS_bpf, 0, NULL, 0);
	if (!strcmp(which, "io_uring"))
		return syscall(SYS_io_uring_setup, 1, stack);
	if (!strcmp(which, "keyctl"))
		return syscall(SYS_keyctl, 0, 0, 0, 0, 0);
	if (!strcmp(which, "fanotify"))
		return syscall(SYS_fanotify_init, 0, 0);
	if (!strcmp(which, "userfaultfd"))
		return syscall(SYS_userfaultfd, 0);
	if (!strcmp(which, "open_by_handle_at"))
		return syscall(SYS_open_by_handle_at, AT_FDCWD, stack, O_RDONLY);
	if (!strcmp(which, "sethostname"))
		return syscall(SYS_sethostname, "owned", 5);
	if (!strcmp(which, "x32"))
		return syscall(SYS_getpid | X32_BIT);
	if (!strcmp(which, "landlock"))
		return syscall(SYS_landlock_create_ruleset, NULL, 0, 0);
	return -2;
}

/* the never list, the jail alone: each must end the process with SIGSYS */
static int never(const char *which)
{
	if (never_call(which) == -2)
		return printf("unknown: %s\n", which), 2;
	printf("ESCAPED: %s returned\n", which);
	return 1;
}

/* the never list under the monitor: the call comes back EPERM, as a policy
 * denial, and the program goes on (a probe for fanotify is no crime) */
static int refused(const char *which)
{
	long r = never_call(which);
	if (r == -2)
		return printf("unknown: %s\n", which), 2;
	if (r != -1 || errno != EPERM) {
		printf("BROKEN: %s gave %ld (%s), not EPERM\n", which, r, strerror(errno));
		return 1;
	}
	printf("contained: %s refused with EPERM\n", which);
	return 0;
}

static int namespaces(void)
{
	expect_fail("clone with CLONE_NEWUSER", syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
	expect_fail("clone with CLONE_NEWNS", syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
	expect_fail("socket(AF_PACKET)", socket(AF_PACKET, SOCK_RAW, 0));
	expect_fail("socket(AF_NETLINK)", socket(AF_NETLINK, SOCK_RAW, 0));
	expect_fail("TIOCSTI on stdin", ioctl(0, TIOCSTI, "x"));
	return escaped;
}

int main(int argc, char **argv)
{
	const char *t = argc > 1 ? argv[1] : "";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(t, "serve-unix") && argc > 3)
		return serve_unix(argv[2], argv[3], 0);
	if (!strcmp(t, "serve-abstract") && argc > 3)
		return serve_unix(argv[2], argv[3], 1);
	if (!strcmp(t, "serve-tcp") && argc > 3)
		return serve_tcp(atoi(argv[2]), argv[3]);
	if (!strcmp(t, "shm-make") && argc > 2)
		return shm_make((key_t)strtol(argv[2], NULL, 0));
	if (!strcmp(t, "shm-check") && argc > 2)
		return shm_check((key_t)strtol(argv[2], NULL, 0));

	if (!strcmp(t, "files") && argc > 3)
		files(argv[2], argv[3]);
	else if (!strcmp(t, "reopen-stdin"))
		reopen_stdin();
	else if (!strcmp(t, "inherited-fd"))
		inherited_fd();
	else if (!strcmp(t, "devices"))
		devices();
	else if (!strcmp(t, "processes") && argc > 2)
		processes((pid_t)atoi(argv[2]));
	else if (!strcmp(t, "sched"))
		sched();
	else if (!strcmp(t, "ipc") && argc > 3)
		ipc((key_t)strtol(argv[2], NULL, 0), (key_t)strtol(argv[3], NULL, 0));
	else if (!strcmp(t, "network") && argc > 4)
		network(atoi(argv[2]), argv[3], argv[4]);
	else if (!strcmp(t, "privileges"))
		privileges();
	else if (!strcmp(t, "limits"))
		limits();
	else if (!strcmp(t, "outlive"))
		outlive();
	else if (!strcmp(t, "namespaces"))
		namespaces();
	else if (!strcmp(t, "never") && argc > 2)
		return never(argv[2]);
	else if (!strcmp(t, "refused") && argc > 2)
		return refused(argv[2]);
	else {
		fprintf(stderr, "jailbreak: unknown attempt %s\n", t);
		return 2;
	}
	return escaped;
}
