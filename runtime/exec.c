/*
 * exec.c - a program image in the region: the first one, and each execve
 * the program makes (the new program is loaded here, never by the host, so
 * it stays in the box under the same policy).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "dune.h"
#include "exec.h"
#include "fds.h"
#include "files.h"
#include "monitor_fds.h"
#include "pathwalk.h"
#include "procfs_view.h"
#include "uaccess.h"
#include "loader/elf_load.h"
#include "mem.h"
#include "proc.h"
#include "signals.h"

#define MAX_ARGS 4096
#define ARG_BYTES (2UL << 20)

static void image_to_tf(const struct loaded_image *img, struct dune_tf *tf)
{
	uintptr_t top = img->stack_top;
	uint16_t cs = tf->cs, ss = tf->ss; /* user code's selectors stay */
	memset(tf, 0, sizeof(*tf));
	tf->cs = cs;
	tf->ss = ss;
	tf->rip = img->entry;
	tf->rsp = img->stack_top;
	tf->rflags = 0x202;
	/* new mappings go below whatever the loader put highest but the
	 * stack (interpreter, then stack, top-down from BOX_HI) */
	for (int i = 0; i < img->nr_regions; i++)
		if (img->regions[i].start > img->brk_start && img->regions[i].start < top)
			top = img->regions[i].start;
	mem_reset(img->brk_start);
	mem_set_mmap_top(top - (1UL << 20));
}

/* How the loader opens names: walked in the program's view, and only
 * what the policy lets it execute (the program, each interpreter). The
 * program's own name is relative to dirfd (execveat), its canonical view
 * path lands in view. */
struct exec_names {
	int dirfd, flags;
	char view[PATH_MAX];
};

static int open_exec(void *ctx, const char *path, int is_interp)
{
	struct exec_names *n = ctx;
	if (is_interp)
		return files_open_exec(AT_FDCWD, path, 0, NULL, 0);
	return files_open_exec(n->dirfd, path, n->flags, n->view, sizeof(n->view));
}

/* the loader's: it closes what it opens itself (an O_PATH of a file the
 * program may execute, nothing more) */
static int open_exec_for_loader(void *ctx, const char *path, int is_interp)
{
	return mfd_disown(open_exec(ctx, path, is_interp));
}

/* The first bytes of the regular file pfd names. */
static ssize_t read_head(int pfd, char *buf, size_t len)
{
	char self[64];
	struct stat st;
	ssize_t n;
	int fd;
	if (fstat(pfd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EACCES;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = mfd_own(open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	if (n < 0)
		n = -errno;
	mfd_close(fd);
	return n;
}

/* "#!interpreter [arg]" at the start of the program: 1 with the two
 * filled, 0 if it is no script, -errno if it cannot be used. */
static int shebang(struct exec_names *names, const char *path, char *interp, size_t ilen,
		   char *arg, size_t alen)
{
	char line[256];
	int pfd = open_exec(names, path, 0);
	ssize_t n;
	if (pfd < 0)
		return pfd;
	n = read_head(pfd, line, sizeof(line) - 1);
	mfd_close(pfd);
	if (n < 0)
		return (int)n;
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return 0;
	line[n] = 0;
	char *p = line + 2, *end = strchr(p, '\n');
	if (!end)
		return -ENOEXEC; /* longer than Linux reads */
	*end = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	char *q = p;
	while (*q && *q != ' ' && *q != '\t')
		q++;
	char *a = q;
	while (*a == ' ' || *a == '\t')
		a++;
	if (*q)
		*q = 0;
	for (char *t = a + strlen(a); t > a && (t[-1] == ' ' || t[-1] == '\t');)
		*--t = 0;
	if (!*p)
		return -ENOEXEC;
	snprintf(interp, ilen, "%s", p);
	snprintf(arg, alen, "%s", a);
	return 1;
}

static int load(struct exec_names *names, const char *path, char *const argv[],
		char *const envp[], struct dune_tf *tf, char *err, size_t errlen)
{
	struct load_limits lim = {
		.lo = BOX_LO, .hi = BOX_HI, .stack_size = BOX_STACK, .vdso = box.vdso,
		.open_file = open_exec_for_loader, .open_ctx = names,
	};
	char interp[PATH_MAX], arg[256];
	struct loaded_image img;
	int r;

	/* a script: its interpreter, with the script's path among the
	 * arguments, as the kernel does (up to 4 levels) */
	for (int depth = 0; (r = shebang(names, path, interp, sizeof(interp), arg, sizeof(arg))) == 1;
	     depth++) {
		size_t n = 0;
		while (argv && argv[n])
			n++;
		char **v = calloc(n + 3, sizeof(char *));
		if (!v || depth == 4) {
			free(v);
			snprintf(err, errlen, "%s: scripts nested too deep", path);
			return -ELOOP;
		}
		size_t k = 0;
		v[k++] = strdup(interp);
		if (arg[0])
			v[k++] = strdup(arg);
		v[k++] = strdup(path);
		for (size_t i = 1; i < n; i++)
			v[k++] = argv[i];
		argv = v; /* (the copies live as long as the box: small) */
		path = v[0];
		names->dirfd = AT_FDCWD; /* the interpreter is named as Linux finds it */
		names->flags = 0;
	}
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	r = elf_load(path, argv, envp, &lim, &img, err, errlen);
	if (r < 0)
		return r;
	image_to_tf(&img, tf);
	/* /proc/self/exe: where it really is, as $ORIGIN needs */
	snprintf(box.prog, sizeof(box.prog), "%s", names->view[0] ? names->view : path);
	procfs_view_exec(argv, img.stack_top);
	return 0;
}

int exec_first(const char *path, char *const argv[], char *const envp[], struct dune_tf *tf)
{
	struct exec_names names = { .dirfd = AT_FDCWD };
	char err[512];
	int r = load(&names, path, argv, envp, tf, err, sizeof(err));
	if (r < 0)
		box_msg("%s", err);
	return r;
}

/* Copies a NULL-terminated array of strings out of program memory. */
static char **copy_strings(uintptr_t arr, size_t *budget, int *err)
{
	char **out;
	size_t n = 0;

	*err = -EFAULT;
	if (!arr) {
		*err = 0;
		return calloc(1, sizeof(char *));
	}
	out = calloc(MAX_ARGS + 1, sizeof(char *));
	if (!out)
		return NULL;
	for (;; n++) {
		uintptr_t p;
		if (n == MAX_ARGS) {
			*err = -E2BIG;
			goto fail;
		}
		if (uaccess_from(&p, arr + n * 8, 8) < 0)
			goto fail;
		if (!p)
			break;
		long len;
		out[n] = uaccess_strdup(p, *budget, &len);
		if (!out[n]) {
			*err = len == -ENAMETOOLONG ? -E2BIG : (int)len;
			goto fail;
		}
		*budget -= (size_t)len + 1;
	}
	*err = 0;
	return out;
fail:
	for (size_t i = 0; i < n; i++)
		free(out[i]);
	free(out);
	return NULL;
}

static void free_strings(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Descriptors marked close-on-exec go now: no host execve will do it. */
static void close_on_exec(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int dfd = d ? dirfd(d) : -1;
	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dfd || box_fd_is_monitors(fd))
			continue;
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && (fl & FD_CLOEXEC))
			close(fd);
	}
	closedir(d);
}

/* Can the program be loaded (itself and its interpreter)? Read-only
 * look at the headers, before the old image goes. */
static int precheck(struct exec_names *names, const char *path, int depth)
{
	char interp[PATH_MAX], arg[256];
	int sb = shebang(names, path, interp, sizeof(interp), arg, sizeof(arg));
	if (sb < 0)
		return sb;
	if (sb == 1) {
		struct exec_names next = { .dirfd = AT_FDCWD };
		return depth > 4 ? -ELOOP : precheck(&next, interp, depth + 1);
	}
	struct elf_plan plan;
	char err[256], self[64];
	struct stat st;
	void *buf;
	int r, fd, pfd = open_exec(names, path, 0);

	if (pfd < 0)
		return pfd;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	if (fstat(pfd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || !(st.st_mode & 0111) ||
	    (fd = mfd_own(open(self, O_RDONLY | O_CLOEXEC))) < 0) {
		mfd_close(pfd);
		return -EACCES;
	}
	mfd_close(pfd);
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	mfd_close(fd);
	if (buf == MAP_FAILED)
		return -ENOEXEC;
	r = elf_check(buf, (size_t)st.st_size, &plan, err, sizeof(err));
	munmap(buf, (size_t)st.st_size);
	if (r == 0 && plan.has_interp) {
		struct exec_names ld = { .dirfd = AT_FDCWD };
		r = depth >= 5 ? -ELIBBAD : precheck(&ld, plan.interp, 5) == 0 ? 0 : -ENOENT;
	}
	return r;
}

/* execve and execveat: the image replaced by the program the path names,
 * in the box, under the same policy. Only returns on failure, which leaves
 * the old image as it was when the new one could not be read. */
long exec_syscall(struct dune_tf *tf, long nr, const long a[6], struct syscall_event *ev)
{
	int at = nr == SYS_execveat;
	long flags = at ? a[4] : 0;
	uintptr_t argvp = (uintptr_t)a[at ? 2 : 1], envpp = (uintptr_t)a[at ? 3 : 2];
	struct exec_names names = { .dirfd = at ? (int)a[0] : AT_FDCWD };
	static __thread char path[PATH_MAX];
	size_t budget = ARG_BYTES;
	char msg[512];
	long r;

	if (flags & ~(long)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	names.flags = (flags & AT_EMPTY_PATH) ? WALK_EMPTY_OK : 0;
	if (flags & AT_SYMLINK_NOFOLLOW)
		names.flags |= WALK_NO_SYMLINKS;
	if ((r = uaccess_string(path, (uintptr_t)a[at ? 1 : 0], sizeof(path))) < 0)
		return r;
	ev->str[at ? 1 : 0].ptr = path;
	ev->str[at ? 1 : 0].len = strlen(path);

	int err1, err2;
	char **argv = copy_strings(argvp, &budget, &err1);
	char **envp = argv ? copy_strings(envpp, &budget, &err2) : NULL;
	if (!argv || !envp) {
		free_strings(argv);
		free_strings(envp);
		return err1 ? err1 : err2 ? err2 : -ENOMEM;
	}
	/* can it be loaded at all? (the old image is still there) */
	r = precheck(&names, path, 0);
	if (r == 0) {
		mem_unmap_all();
		r = load(&names, path, argv, envp, tf, msg, sizeof(msg));
		if (r < 0) {
			/* too late to go back: like a kernel that failed past
			 * the point of no return */
			box_die(SIGSEGV, "execve %s failed after the old image was gone: %s", path,
				msg);
		}
		close_on_exec();
		proc_exec_done();
		sig_reset_on_exec();
		dune_set_user_fs(0);
	}
	free_strings(argv);
	free_strings(envp);
	return r;
}
