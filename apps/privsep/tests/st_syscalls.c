/* System calls of sthreads, as an attacker would try them:
 *  - allowed calls work; one the context does not allow fails with EPERM
 *    (SC_DENY_EPERM) or ends the sthread (SC_DENY_KILL), the process lives;
 *    calls no context can allow (mmap, fork, kill, ...) are refused at
 *    sc_sys_allow and denied at run time; exit_group ends the sthread only;
 *  - descriptors: modes (read on a write-only grant, write on a read-only
 *    one), a descriptor never granted, closing a granted one, dup2 over a
 *    program's descriptor; descriptors the sthread opened are closed when
 *    it ends;
 *  - memory handed to the kernel: the creator's heap (write would send it,
 *    read would overwrite it), the sthread's own copy of a global (the
 *    kernel would reach the creator's original), an iovec pointing out;
 *  - paths: openat under a granted directory works, "..", absolute paths,
 *    symlinks out of it and /proc (another way to the process's memory)
 *    do not, nor creating files in a read-only one, nor open(2).
 * Each time the creator's data is checked untouched. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "sttest.h"

static char secret[64] = "creator's secret";
static long global_target = 1234;
static int pipe_r, pipe_w;
static char *heap;

/* what the sthreads get, in a tag they may read: they see the program's
 * globals as they were before main(), not these values */
struct args {
	int pipe_r, pipe_w, dir_ro, dir_rw;
	long fd;
	void *ptr;
	char name[256];
};
static struct args *args;

/* the sthread's system calls, raw: the value or -errno */
static long sys(long nr, long a, long b, long c, long d)
{
	long r;
	register long r10 asm("r10") = d;
	asm volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
		     : "rcx", "r11", "memory");
	return r;
}

static void *write_pipe(void *arg)
{
	struct args *a = arg;
	return (void *)sys(SYS_write, a->pipe_w, (long)a->ptr, 5, 0);
}

static void *read_pipe(void *arg)
{
	struct args *a = arg;
	return (void *)sys(SYS_read, a->pipe_r, (long)a->ptr, 5, 0);
}

static void *write_read_end(void *arg)
{
	struct args *a = arg;
	return (void *)sys(SYS_write, a->pipe_r, (long)a->ptr, 5, 0);
}

static void *call_getppid(void *arg)
{
	(void)arg;
	return (void *)sys(SYS_getppid, 0, 0, 0, 0);
}

static void *call_mmap(void *arg)
{
	(void)arg;
	return (void *)sys(SYS_mmap, 0, 4096, 3, 0x22);
}

static void *call_exit_group(void *arg)
{
	(void)arg;
	sys(SYS_exit_group, 3, 0, 0, 0);
	return (void *)-1;
}

static void *close_fd(void *arg)
{
	return (void *)sys(SYS_close, ((struct args *)arg)->fd, 0, 0, 0);
}

static void *dup2_over(void *arg)
{
	struct args *a = arg;
	return (void *)sys(SYS_dup2, a->pipe_w, a->fd, 0, 0);
}

/* write the creator's global through the sthread's own copy of it */
static void *write_from_global(void *arg)
{
	struct args *a = arg;
	return (void *)sys(SYS_write, a->pipe_w, (long)&global_target, sizeof(long), 0);
}

static void *read_into_global(void *arg)
{
	struct args *a = arg;
	return (void *)sys(SYS_read, a->pipe_r, (long)&global_target, sizeof(long), 0);
}

static void *writev_out(void *arg)
{
	struct args *a = arg;
	struct iovec iov[2] = { { "ok", 2 }, { a->ptr, 8 } };
	return (void *)sys(SYS_writev, a->pipe_w, (long)iov, 2, 0);
}

/* opens the name (or ptr) under dir_ro, reads 4 bytes */
static void *open_read(void *arg)
{
	struct args *a = arg;
	char buf[8] = { 0 };
	long fd = sys(SYS_openat, a->dir_ro, a->ptr ? (long)a->ptr : (long)a->name, O_RDONLY, 0), n;
	if (fd < 0)
		return (void *)fd;
	n = sys(SYS_read, fd, (long)buf, 4, 0);
	/* left open: the library closes it when the sthread ends */
	return (void *)(n == 4 ? (long)buf[0] * 256 + fd : -1000);
}

static void *create_in(void *arg)
{
	struct args *a = arg;
	return (void *)sys(SYS_openat, a->fd, (long)"new", O_CREAT | O_WRONLY, 0600);
}

static void *call_open(void *arg)
{
	return (void *)sys(SYS_open, (long)((struct args *)arg)->name, O_RDONLY, 0, 0);
}

static long pipe_bytes(void)
{
	int n = 0;
	ioctl(pipe_r, FIONREAD, &n);
	return n;
}

/* runs fn with args->ptr = ptr and args->fd = fd */
static int run_with(struct sc *sc, sthread_fn fn, void *ptr, long fd, struct sthread_end *end)
{
	args->ptr = ptr;
	args->fd = fd;
	return st_run(sc, fn, args, end);
}

int main(void)
{
	struct sthread_end end;
	struct sc *sc, *kill_sc;
	char dir[] = "/tmp/st_sys_XXXXXX", path[256];
	int fds[2], fd;
	tag_t args_tag, buf_tag;
	char *buf;
	long opened;

	st_start(180);
	heap = malloc(64);
	strcpy(heap, "heap secret");
	if (pipe(fds))
		return 2;
	pipe_r = fds[0];
	pipe_w = fds[1];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	CHECK(write(fd, "data", 4) == 4);
	close(fd);
	snprintf(path, sizeof(path), "%s/out", dir);
	CHECK_EQ(symlink("/etc/passwd", path), 0);
	global_target = 5678;

	args_tag = tag_new(sizeof(*args));
	buf_tag = tag_new(4096);
	args = smalloc(args_tag, sizeof(*args));
	buf = smalloc(buf_tag, 64);
	args->pipe_r = pipe_r;
	args->pipe_w = pipe_w;
	args->dir_ro = open(dir, O_RDONLY | O_DIRECTORY);
	args->dir_rw = open(dir, O_RDONLY | O_DIRECTORY);

	sc = sc_new();
	CHECK_EQ(sc_sys_allow(sc, "read write writev close dup2 openat getppid"), 0);
	/* never for sthreads: the whole list is refused */
	CHECK_EQ(sc_sys_allow(sc, "read mmap"), -EINVAL);
	CHECK_EQ(sc_sys_allow(sc, "fork"), -EINVAL);
	CHECK_EQ(sc_sys_allow(sc, "no_such_call"), -EINVAL);
	CHECK_EQ(sc_sys_add(sc, SYS_kill), -EINVAL);
	CHECK_EQ(sc_fd_add(sc, pipe_w, SC_WRITE), 0);
	CHECK_EQ(sc_fd_add(sc, pipe_r, SC_READ), 0);
	CHECK_EQ(sc_fd_add(sc, args->dir_ro, SC_READ), 0);
	CHECK_EQ(sc_fd_add(sc, args->dir_rw, SC_RW), 0);
	CHECK_EQ(sc_mem_add(sc, args_tag, SC_READ), 0);
	CHECK_EQ(sc_mem_add(sc, buf_tag, SC_RW), 0);
	kill_sc = sc_dup(sc);
	sc_set_deny(kill_sc, SC_DENY_KILL);

	/* allowed, granted: works */
	strcpy(buf, "hello");
	CHECK_EQ(run_with(sc, write_pipe, buf, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 5);
	memset(buf, 0, 16);
	CHECK_EQ(run_with(sc, read_pipe, buf, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(st_run(sc, call_getppid, NULL, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, getppid());
	/* the read end holds no write grant (and the write end no read one) */
	CHECK_EQ(run_with(sc, write_read_end, buf, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);
	CHECK_EQ(run_with(kill_sc, write_read_end, buf, 0, &end), STHREAD_KILLED);
	CHECK_EQ(end.syscall, SYS_write);

	/* not allowed: EPERM, or the end of the sthread */
	CHECK_EQ(st_run(sc, call_mmap, NULL, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);
	CHECK_EQ(st_run(kill_sc, call_mmap, NULL, &end), STHREAD_KILLED);
	CHECK_EQ(end.syscall, SYS_mmap);
	CHECK_EQ(st_run(kill_sc, call_getppid, NULL, &end), STHREAD_RETURNED);
	/* exit_group ends the sthread, not the process */
	CHECK_EQ(st_run(sc, call_exit_group, NULL, &end), STHREAD_EXITED);
	CHECK_EQ((long)end.ret, 3);

	/* descriptors: granted but not its own to close, never granted, dup2
	 * over one of the program's */
	CHECK_EQ(run_with(sc, close_fd, NULL, pipe_w, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);
	CHECK(fcntl(pipe_w, F_GETFD) >= 0);
	CHECK_EQ(run_with(sc, close_fd, NULL, 2, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);
	CHECK_EQ(run_with(sc, dup2_over, NULL, 2, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);
	CHECK_EQ(run_with(kill_sc, close_fd, NULL, pipe_r, &end), STHREAD_KILLED);
	CHECK(fcntl(pipe_r, F_GETFD) >= 0);

	/* memory the kernel would reach on its behalf */
	CHECK_EQ(run_with(sc, write_pipe, heap, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	CHECK_EQ(run_with(sc, write_pipe, secret, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	CHECK_EQ(run_with(sc, writev_out, heap, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	CHECK_EQ(pipe_bytes(), 0);
	CHECK_EQ(run_with(sc, write_from_global, NULL, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	CHECK_EQ(pipe_bytes(), 0);
	CHECK_EQ(write(pipe_w, "XXXXXXXXXXXXXXXX", 16), 16);
	CHECK_EQ(run_with(sc, read_pipe, heap, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	CHECK_EQ(run_with(sc, read_into_global, NULL, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	/* a buffer in a tag granted read only: not for the kernel to write */
	CHECK_EQ(run_with(sc, read_pipe, args->name, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	CHECK(strcmp(heap, "heap secret") == 0);
	CHECK_EQ(global_target, 5678);
	CHECK_EQ(pipe_bytes(), 16);

	/* paths beneath a granted directory, and nothing else */
	strcpy(args->name, "file");
	CHECK_EQ(run_with(sc, open_read, NULL, 0, &end), STHREAD_RETURNED);
	opened = (long)end.ret;
	CHECK_EQ(opened / 256, 'd');
	/* what it opened was closed when it ended */
	CHECK(fcntl((int)(opened % 256), F_GETFD) < 0);
	strcpy(args->name, "../../etc/passwd");
	CHECK_EQ(run_with(sc, open_read, NULL, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EXDEV);
	strcpy(args->name, "/etc/passwd");
	CHECK_EQ(run_with(sc, open_read, NULL, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EXDEV);
	strcpy(args->name, "out");
	CHECK_EQ(run_with(sc, open_read, NULL, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EXDEV);
	/* the path itself in the creator's memory */
	CHECK_EQ(run_with(sc, open_read, heap, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EFAULT);
	snprintf(path, sizeof(path), "%s/new", dir);
	CHECK_EQ(run_with(sc, create_in, NULL, args->dir_ro, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);
	CHECK(access(path, F_OK) < 0);
	CHECK_EQ(run_with(sc, create_in, NULL, args->dir_rw, &end), STHREAD_RETURNED);
	CHECK((long)end.ret >= 0);
	CHECK_EQ(access(path, F_OK), 0);
	unlink(path);
	strcpy(args->name, "/etc/passwd");
	CHECK_EQ(run_with(sc, call_open, NULL, 0, &end), STHREAD_RETURNED);
	CHECK_EQ((long)end.ret, -EPERM);

	/* /proc: the process's memory and descriptors, even beneath a granted
	 * directory that holds it */
	{
		struct sc *root = sc_dup(sc);
		args->dir_ro = open("/", O_RDONLY | O_DIRECTORY);
		CHECK_EQ(sc_fd_add(root, args->dir_ro, SC_READ), 0);
		snprintf(args->name, sizeof(args->name), "%s/file", dir + 1);
		CHECK_EQ(run_with(root, open_read, NULL, 0, &end), STHREAD_RETURNED);
		CHECK_EQ((long)end.ret / 256, 'd');
		strcpy(args->name, "proc/self/mem");
		CHECK_EQ(run_with(root, open_read, NULL, 0, &end), STHREAD_RETURNED);
		CHECK_EQ((long)end.ret, -EPERM);
		snprintf(args->name, sizeof(args->name), "proc/%d/environ", getpid());
		CHECK_EQ(run_with(root, open_read, NULL, 0, &end), STHREAD_RETURNED);
		CHECK_EQ((long)end.ret, -EPERM);
		strcpy(args->name, "dev/fd/0");
		CHECK_EQ(run_with(root, open_read, NULL, 0, &end), STHREAD_RETURNED);
		CHECK((long)end.ret < 0);
		sc_free(root);
	}
	snprintf(path, sizeof(path), "%s/file", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/out", dir);
	unlink(path);
	rmdir(dir);
	CHECK(strcmp(secret, "creator's secret") == 0);
	return tl_finish("st_syscalls");
}
