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

/* "#!interpreter [arg]" at the start of path: 1 with the two filled, 0 if
 * path is no script, -errno if it cannot be read. */
static int shebang(const char *path, char *interp, size_t ilen, char *arg, size_t alen)
{
	char line[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
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

static int load(const char *path, char *const argv[], char *const envp[], struct dune_tf *tf,
		char *err, size_t errlen)
{
	struct load_limits lim = {
		.lo = BOX_LO, .hi = BOX_HI, .stack_size = BOX_STACK, .vdso = box.vdso,
	};
	char interp[PATH_MAX], arg[256];
	struct loaded_image img;
	int r;

	/* a script: its interpreter, with the script's path among the
	 * arguments, as the kernel does (up to 4 levels) */
	for (int depth = 0; (r = shebang(path, interp, sizeof(interp), arg, sizeof(arg))) == 1; depth++) {
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
	}
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	r = elf_load(path, argv, envp, &lim, &img, err, errlen);
	if (r < 0)
		return r;
	image_to_tf(&img, tf);
	snprintf(box.prog, sizeof(box.prog), "%s", path);
	return 0;
}

int exec_first(const char *path, char *const argv[], char *const envp[], struct dune_tf *tf)
{
	char err[512];
	int r = load(path, argv, envp, tf, err, sizeof(err));
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
		if (!mem_contains(arr + n * 8, 8))
			goto fail;
		p = *(volatile uintptr_t *)(arr + n * 8);
		if (!p)
			break;
		size_t len = 0;
		while (mem_contains(p + len, 1) && len < *budget && *(volatile char *)(p + len))
			len++;
		if (!mem_contains(p + len, 1))
			goto fail;
		if (len >= *budget) {
			*err = -E2BIG;
			goto fail;
		}
		out[n] = strndup((const char *)p, len);
		if (!out[n]) {
			*err = -ENOMEM;
			goto fail;
		}
		*budget -= len + 1;
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

/* Is path a program we can load (itself and its interpreter)? Read-only
 * look at the headers, before the old image goes. */
static int precheck(const char *path, int depth)
{
	char interp[PATH_MAX], arg[256];
	int sb = shebang(path, interp, sizeof(interp), arg, sizeof(arg));
	if (sb < 0)
		return sb;
	if (sb == 1)
		return depth > 4 ? -ELOOP : precheck(interp, depth + 1);
	struct elf_plan plan;
	struct stat st;
	char err[256];
	void *buf;
	int r, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return -EACCES;
	}
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return -ENOEXEC;
	r = elf_check(buf, (size_t)st.st_size, &plan, err, sizeof(err));
	munmap(buf, (size_t)st.st_size);
	if (r == 0 && plan.has_interp)
		r = depth >= 5 ? -ELIBBAD : precheck(plan.interp, 5) == 0 ? 0 : -ENOENT;
	return r;
}

/* execve(path, argv, envp) with path already checked by the policy and
 * copied (files.c): replaces the image. Only returns on failure, which
 * leaves the old image as it was when the new one could not be read. */
long exec_syscall_path(struct dune_tf *tf, const char *path, uintptr_t argvp, uintptr_t envpp)
{
	size_t budget = ARG_BYTES;
	int err1, err2;
	char **argv = copy_strings(argvp, &budget, &err1);
	char **envp = copy_strings(envpp, &budget, &err2);
	char msg[512];
	long r;

	if (!argv || !envp) {
		free_strings(argv);
		free_strings(envp);
		return err1 ? err1 : err2 ? err2 : -ENOMEM;
	}
	/* can it be loaded at all? (the old image is still there) */
	r = access(path, X_OK) == 0 ? precheck(path, 0) : -errno;
	if (r == 0) {
		mem_unmap_all();
		r = load(path, argv, envp, tf, msg, sizeof(msg));
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
