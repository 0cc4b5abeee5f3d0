/* calls.c - the system calls of user code, in ring 0 (the handler libdune
 * calls), checked against the context of the level that made them:
 *
 *  1. the call must be one sthreads may have at all (the table below) and
 *     one the context allows; else the context's deny action;
 *  2. each descriptor argument must be granted or owned, with the mode the
 *     call needs (read-like, write-like, either); else the deny action;
 *  3. every range the kernel will read or write (runtime/sysargs, nested
 *     pointers included) must be memory the level's table gives user code,
 *     writable where written, with the program's own frames; else -EFAULT,
 *     as for an unmapped address;
 *  4. calls that would reach outside: paths go through openat2 with
 *     RESOLVE_BENEATH under a granted directory; iovecs and pollfds are
 *     copied here first (another sthread sharing the tag could change
 *     them between the check and the kernel's read); new descriptors
 *     become the level's own.
 * Calls that act on the process as a whole (memory maps, threads, signals,
 * credentials, ...) are not in the table, so no context can allow them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <poll.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "calls.h"
#include "context.h"
#include "dune.h"
#include "fds.h"
#include "run.h"
#include "sthread.h"
#include "table.h"
#include "tag.h"
#include "user.h"
#include "policy/syscalls.h"
#include "sysargs/sysargs.h"

#define MAX_IOV 64
#define MAX_POLLFDS 64
#define DENIED (-(1L << 40)) /* checked_call's verdict: the deny action */

enum fd_need { F_NONE, F_ANY, F_R, F_W };
enum kind {
	K_PLAIN,  /* forwarded as it is */
	K_NEWFD,  /* ... and a new descriptor is the level's (read/write) */
	K_OPENAT, K_OPENAT2, K_CLOSE, K_DUP, K_DUP23, K_FCNTL, K_IOV, K_POLL, K_PPOLL,
	K_FSTATAT, /* fstat as glibc makes it: an empty path, AT_EMPTY_PATH */
};

struct call {
	short nr;
	unsigned char fd0, fd1; /* enum fd_need of arguments 0 and 1 */
	unsigned char kind;
};

static const struct call calls[] = {
	{ SYS_read, F_R, F_NONE, K_PLAIN },
	{ SYS_write, F_W, F_NONE, K_PLAIN },
	{ SYS_pread64, F_R, F_NONE, K_PLAIN },
	{ SYS_pwrite64, F_W, F_NONE, K_PLAIN },
	{ SYS_readv, F_R, F_NONE, K_IOV },
	{ SYS_writev, F_W, F_NONE, K_IOV },
	{ SYS_close, F_NONE, F_NONE, K_CLOSE },
	{ SYS_fstat, F_ANY, F_NONE, K_PLAIN },
	{ SYS_newfstatat, F_ANY, F_NONE, K_FSTATAT },
	{ SYS_lseek, F_ANY, F_NONE, K_PLAIN },
	{ SYS_sendfile, F_W, F_R, K_PLAIN },
	{ SYS_socket, F_NONE, F_NONE, K_NEWFD },
	{ SYS_connect, F_ANY, F_NONE, K_PLAIN },
	{ SYS_accept, F_R, F_NONE, K_NEWFD },
	{ SYS_accept4, F_R, F_NONE, K_NEWFD },
	{ SYS_sendto, F_W, F_NONE, K_PLAIN },
	{ SYS_recvfrom, F_R, F_NONE, K_PLAIN },
	{ SYS_shutdown, F_ANY, F_NONE, K_PLAIN },
	{ SYS_bind, F_ANY, F_NONE, K_PLAIN },
	{ SYS_listen, F_ANY, F_NONE, K_PLAIN },
	{ SYS_getsockname, F_ANY, F_NONE, K_PLAIN },
	{ SYS_getpeername, F_ANY, F_NONE, K_PLAIN },
	{ SYS_fcntl, F_ANY, F_NONE, K_FCNTL },
	{ SYS_dup, F_ANY, F_NONE, K_DUP },
	{ SYS_dup2, F_ANY, F_NONE, K_DUP23 },
	{ SYS_dup3, F_ANY, F_NONE, K_DUP23 },
	{ SYS_fsync, F_W, F_NONE, K_PLAIN },
	{ SYS_fdatasync, F_W, F_NONE, K_PLAIN },
	{ SYS_ftruncate, F_W, F_NONE, K_PLAIN },
	{ SYS_getdents64, F_R, F_NONE, K_PLAIN },
	{ SYS_openat, F_NONE, F_NONE, K_OPENAT },
	{ SYS_openat2, F_NONE, F_NONE, K_OPENAT2 },
	{ SYS_poll, F_NONE, F_NONE, K_POLL },
	{ SYS_ppoll, F_NONE, F_NONE, K_PPOLL },
	{ SYS_getrandom, F_NONE, F_NONE, K_PLAIN },
	{ SYS_clock_gettime, F_NONE, F_NONE, K_PLAIN },
	{ SYS_clock_nanosleep, F_NONE, F_NONE, K_PLAIN },
	{ SYS_nanosleep, F_NONE, F_NONE, K_PLAIN },
	{ SYS_gettimeofday, F_NONE, F_NONE, K_PLAIN },
	{ SYS_time, F_NONE, F_NONE, K_PLAIN },
	{ SYS_getpid, F_NONE, F_NONE, K_PLAIN },
	{ SYS_getppid, F_NONE, F_NONE, K_PLAIN },
	{ SYS_getuid, F_NONE, F_NONE, K_PLAIN },
	{ SYS_geteuid, F_NONE, F_NONE, K_PLAIN },
	{ SYS_getgid, F_NONE, F_NONE, K_PLAIN },
	{ SYS_getegid, F_NONE, F_NONE, K_PLAIN },
	{ SYS_gettid, F_NONE, F_NONE, K_PLAIN },
	{ SYS_sched_yield, F_NONE, F_NONE, K_PLAIN },
};

static const struct call *call_of(long nr)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (calls[i].nr == nr)
			return &calls[i];
	return NULL;
}

int calls_supported(long nr)
{
	return call_of(nr) != NULL;
}

const char *calls_name(long nr)
{
	const char *n = syscall_name(nr);
	return n ? n : "?";
}

/* A context allows calls of the table only (sthread.h) */
int sc_sys_add(struct sc *sc, long nr)
{
	if (!calls_supported(nr))
		return -EINVAL;
	sc->sys[nr / 64] |= 1UL << (nr % 64);
	return 0;
}

int sc_sys_allow(struct sc *sc, const char *names)
{
	uint64_t sys[SYS_WORDS];
	const char *p = names;

	memcpy(sys, sc->sys, sizeof(sys));
	while (*p) {
		size_t len;
		long nr;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		len = strcspn(p, " \t,");
		if (!len)
			break;
		nr = syscall_number(p, len);
		if (nr < 0 || !calls_supported(nr))
			return -EINVAL;
		sys[nr / 64] |= 1UL << (nr % 64);
		p += len;
	}
	memcpy(sc->sys, sys, sizeof(sys));
	return 0;
}

static struct level *level_of(struct run *run)
{
	return &run->lv[run->depth];
}

/* what the level may do with a tag: its context's and its lenders' modes */
static int level_tag_mode(struct level *lv, const struct tag *t)
{
	int mode = 0;
	for (int i = 0; i < lv->dom->nlent; i++)
		if (lv->dom->lent[i].tag == t)
			mode |= lv->dom->lent[i].mode;
	return mode;
}

static int range_ok(void *ctx, uintptr_t addr, size_t len, int write)
{
	struct level *lv = ctx;
	if (write == SYSARGS_MAPPING)
		return 0;
	return table_user_range_ok(lv->dom->root, addr, len, write == SYSARGS_WRITE);
}

/* A call the context denies: -EPERM, or the end of the level. */
static void deny(struct dune_tf *tf, struct level *lv, long nr)
{
	if (lv->ctx->deny == SC_DENY_KILL) {
		run_fail(tf, STHREAD_KILLED, 0, 0, 0, nr);
		return;
	}
	tf->rax = (uint64_t)-EPERM;
}

static int fd_ok(struct level *lv, long fd, int need)
{
	struct fd_entry *e;
	if (need == F_NONE)
		return 1;
	if (fd < 0 || fd > INT32_MAX || !(e = fdtab_find(&lv->fds, (int)fd)))
		return 0;
	return need == F_ANY ? e->mode != 0 :
	       need == F_R ? (e->mode & SC_READ) != 0 : (e->mode & SC_WRITE) != 0;
}

/* libc's syscall(): -1 and errno; here: -errno */
static long sys_result(long r)
{
	return r < 0 ? -errno : r;
}

static long own_new_fd(struct level *lv, long fd, int mode)
{
	if (fd >= 0 && fdtab_own(&lv->fds, (int)fd, mode) < 0) {
		close((int)fd);
		return -EMFILE;
	}
	return fd;
}

/* openat/openat2 under a granted (or owned) directory, never above it */
static long do_open(struct level *lv, long dirfd, const char *path, const struct open_how *asked)
{
	struct open_how how = *asked;
	struct fd_entry *dir = dirfd >= 0 && dirfd <= INT32_MAX ? fdtab_find(&lv->fds, (int)dirfd) : NULL;
	int acc = how.flags & O_ACCMODE, mode;
	struct statfs fs;
	long fd;

	if (!dir)
		return DENIED;
	if (how.flags & O_PATH)
		mode = dir->mode;
	else
		mode = acc == O_RDONLY ? SC_READ : acc == O_WRONLY ? SC_WRITE : SC_RW;
	if ((mode & ~dir->mode) ||
	    ((how.flags & (O_CREAT | O_TRUNC | __O_TMPFILE)) && !(dir->mode & SC_WRITE)))
		return DENIED;
	how.resolve |= RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	fd = sys_result(syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
	/* procfs under a granted directory: /proc/self/mem, environ, fd/...
	 * would reach the whole process */
	if (fd >= 0 && (fstatfs((int)fd, &fs) < 0 || fs.f_type == PROC_SUPER_MAGIC)) {
		close((int)fd);
		return DENIED;
	}
	return own_new_fd(lv, fd, mode);
}

/* readv/writev on a copy of the iovecs, each one checked */
static long do_iov(struct level *lv, long nr, const long a[6])
{
	struct iovec iov[MAX_IOV];
	long n = a[2];

	if (n < 0 || n > MAX_IOV)
		return -EINVAL;
	if (!range_ok(lv, (uintptr_t)a[1], n * sizeof(iov[0]), SYSARGS_READ))
		return -EFAULT;
	memcpy(iov, (void *)a[1], n * sizeof(iov[0]));
	for (long i = 0; i < n; i++)
		if (!range_ok(lv, (uintptr_t)iov[i].iov_base, iov[i].iov_len,
			      nr == SYS_readv ? SYSARGS_WRITE : SYSARGS_READ))
			return -EFAULT;
	return sys_result(syscall(nr, a[0], iov, n));
}

/* poll/ppoll on a copy of the pollfds, each descriptor the level's */
static long do_poll(struct level *lv, long nr, const long a[6])
{
	struct pollfd fds[MAX_POLLFDS];
	struct timespec ts;
	long n = a[1], r;

	if (n < 0 || n > MAX_POLLFDS)
		return -EINVAL;
	if (!range_ok(lv, (uintptr_t)a[0], n * sizeof(fds[0]), SYSARGS_WRITE))
		return -EFAULT;
	memcpy(fds, (void *)a[0], n * sizeof(fds[0]));
	for (long i = 0; i < n; i++)
		if (fds[i].fd >= 0 && !fd_ok(lv, fds[i].fd, F_ANY))
			return DENIED;
	if (nr == SYS_poll) {
		r = sys_result(syscall(SYS_poll, fds, n, a[2]));
	} else {
		if (a[3])
			return DENIED; /* no signal masks from user code */
		if (a[2] && !range_ok(lv, (uintptr_t)a[2], sizeof(ts), SYSARGS_READ))
			return -EFAULT;
		if (a[2])
			memcpy(&ts, (void *)a[2], sizeof(ts));
		r = sys_result(syscall(SYS_ppoll, fds, n, a[2] ? &ts : NULL, NULL, 0));
	}
	if (!range_ok(lv, (uintptr_t)a[0], n * sizeof(fds[0]), SYSARGS_WRITE))
		return -EFAULT;
	for (long i = 0; i < n; i++)
		((struct pollfd *)a[0])[i].revents = fds[i].revents;
	return r;
}

/* [p, p + n) in one tag lent to this gate call with mode */
static int lent_to_call(struct level *lv, uintptr_t p, size_t n, int mode)
{
	if (!lv->gate || p + n < p || (mode != SC_READ && mode != SC_RW))
		return 0;
	for (int i = lv->lent_from; i < lv->dom->nlent; i++) {
		struct tag *t = lv->dom->lent[i].tag;
		if (p >= t->base && p + n <= t->base + t->size && !(mode & ~lv->dom->lent[i].mode))
			return 1;
	}
	return 0;
}

/* The private calls: smalloc and sfree in granted tags, gate calls. */
static int may_write_tag(struct tag *t, void *lv)
{
	return (level_tag_mode(lv, t) & SC_WRITE) != 0;
}

static void private_call(struct run *run, struct dune_tf *tf, long nr, const long a[6])
{
	struct level *lv = level_of(run);
	struct cgate_grant grants[CGATE_MAX_GRANTS];
	struct tag *t;
	long r;

	switch (nr) {
	case SYS_ST_SMALLOC:
		tags_lock();
		t = tag_lookup((tag_t)a[0]);
		tags_unlock();
		tf->rax = t && (level_tag_mode(lv, t) & SC_WRITE) ? (uint64_t)smalloc_in(t, a[1]) : 0;
		return;
	case SYS_ST_SFREE:
		tf->rax = (uint64_t)(long)sfree_in((uintptr_t)a[0], may_write_tag, lv);
		return;
	case SYS_ST_ARG_OK:
		tf->rax = (uint64_t)lent_to_call(lv, (uintptr_t)a[0], (size_t)a[1], (int)a[2]);
		return;
	case SYS_ST_CGATE:
		if (!sc_has_gate(lv->ctx, (struct cgate *)a[0])) {
			deny(tf, lv, nr);
			return;
		}
		if (a[2] < 0 || a[2] > CGATE_MAX_GRANTS ||
		    !range_ok(lv, (uintptr_t)a[1], a[2] * sizeof(grants[0]), SYSARGS_READ)) {
			tf->rax = (uint64_t)-EINVAL;
			return;
		}
		memcpy(grants, (void *)a[1], a[2] * sizeof(grants[0]));
		for (long i = 0; i < a[2]; i++) {
			tags_lock();
			t = tag_lookup(grants[i].tag);
			tags_unlock();
			if (!t || (grants[i].mode != SC_READ && grants[i].mode != SC_RW) ||
			    (grants[i].mode & ~level_tag_mode(lv, t))) {
				tf->rax = (uint64_t)-EINVAL;
				return;
			}
		}
		r = run_gate_enter(run, tf, (struct cgate *)a[0], grants, (int)a[2], (void *)a[3]);
		if (r < 0)
			tf->rax = (uint64_t)r;
		return;
	default:
		deny(tf, lv, nr);
	}
}

/* A call the table has, the context allows and the descriptors pass. */
static long checked_call(struct level *lv, struct dune_tf *tf, const struct call *c,
			 const long a[6])
{
	struct fd_entry *e;
	char why[160];
	long r;

	switch (c->kind) {
	case K_IOV:
		return do_iov(lv, c->nr, a);
	case K_POLL:
	case K_PPOLL:
		return do_poll(lv, c->nr, a);
	case K_OPENAT2: {
		struct open_how how;
		if (a[3] != sizeof(how) ||
		    !range_ok(lv, (uintptr_t)a[2], sizeof(how), SYSARGS_READ))
			return a[3] != sizeof(how) ? -E2BIG : -EFAULT;
		memcpy(&how, (void *)a[2], sizeof(how));
		if ((r = sysargs_check(SYS_openat, (long[6]){ a[0], a[1], 0, 0, 0, 0 }, range_ok, lv,
				       why, sizeof(why))) < 0)
			return r;
		return do_open(lv, a[0], (const char *)a[1], &how);
	}
	default:
		break;
	}
	if ((r = sysargs_check(c->nr, a, range_ok, lv, why, sizeof(why))) < 0)
		return r;
	switch (c->kind) {
	case K_FSTATAT:
		/* a path would name a file outside the granted ones */
		if (!(a[3] & AT_EMPTY_PATH) || (a[1] && *(const char *)a[1]))
			return DENIED;
		break;
	case K_OPENAT:
		return do_open(lv, a[0], (const char *)a[1],
			       &(struct open_how){ .flags = (uint64_t)(unsigned)a[2],
						   .mode = (uint64_t)(a[2] & (O_CREAT | __O_TMPFILE) ?
								      (unsigned)a[3] & 07777 : 0) });
	case K_CLOSE:
		if (!(e = fdtab_find(&lv->fds, (int)a[0])) || !e->owned || a[0] != e->fd)
			return DENIED; /* granted ones are the program's */
		fdtab_forget(&lv->fds, e->fd);
		return close((int)a[0]) < 0 ? -errno : 0;
	case K_DUP23:
		if (!(e = fdtab_find(&lv->fds, (int)a[1])) || !e->owned || a[1] != e->fd)
			return DENIED; /* would close a descriptor of the program's */
		/* fall through */
	case K_DUP:
		e = fdtab_find(&lv->fds, (int)a[0]);
		dune_passthrough_syscall(tf);
		return own_new_fd(lv, (long)tf->rax, e->mode);
	case K_FCNTL:
		switch (a[1]) {
		case F_GETFD:
		case F_SETFD:
		case F_GETFL:
		case F_SETFL:
			break;
		case F_DUPFD:
		case F_DUPFD_CLOEXEC:
			e = fdtab_find(&lv->fds, (int)a[0]);
			dune_passthrough_syscall(tf);
			return own_new_fd(lv, (long)tf->rax, e->mode);
		default:
			return DENIED; /* locks, owners, leases, seals: the process's */
		}
		break;
	default:
		break;
	}
	dune_passthrough_syscall(tf);
	if (c->kind == K_NEWFD)
		return own_new_fd(lv, (long)tf->rax, SC_RW);
	return (long)tf->rax;
}

void calls_handle(struct dune_tf *tf)
{
	struct run *run = current_run;
	struct level *lv;
	const struct call *c;
	long nr = (long)tf->rax;
	long a[6] = { (long)ARG0(tf), (long)ARG1(tf), (long)ARG2(tf),
		      (long)ARG3(tf), (long)ARG4(tf), (long)ARG5(tf) };
	long r;

	if (!run) {
		/* user code that is not ours: as libdune would */
		dune_passthrough_syscall(tf);
		return;
	}
	lv = level_of(run);
	if (nr == SYS_ST_RETURN) {
		if (run->depth > 0) {
			run_gate_leave(run, tf, 0, tf->rdi);
			return;
		}
		run->end.ret = (void *)tf->rdi;
		run->gate_ret = (void *)tf->rdi;
		run->gate_status = 0;
		run_end(run, STHREAD_RETURNED);
	}
	if (nr == SYS_exit || nr == SYS_exit_group) {
		run_fail(tf, STHREAD_EXITED, 0, 0, 0, nr);
		return;
	}
	if ((nr & ~0xffL) == 0x53540000L) {
		private_call(run, tf, nr, a);
		return;
	}
	if (!(c = call_of(nr)) || !sc_allows_call(lv->ctx, nr) || !fd_ok(lv, a[0], c->fd0) ||
	    !fd_ok(lv, a[1], c->fd1)) {
		deny(tf, lv, nr);
		return;
	}
	r = checked_call(lv, tf, c, a);
	if (r == DENIED)
		deny(tf, lv, nr);
	else
		tf->rax = (uint64_t)r;
}
