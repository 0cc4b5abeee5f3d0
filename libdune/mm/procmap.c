/* both halves - procmap.c: reads /proc/self/maps with raw system calls and a fixed
 * buffer: it runs in the host loop, where malloc and stdio are off limits
 * (the guest half of the thread may hold their locks).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "common/raw_syscall.h"
#include "common/util.h"
#include "dune.h"
#include "mm/procmap.h"

static const char *parse_hex(const char *p, uintptr_t *out)
{
	uintptr_t v = 0;
	for (;; p++) {
		char c = *p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (uintptr_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uintptr_t)(c - 'a' + 10);
		else
			break;
	}
	*out = v;
	return p;
}

/* One line: "start-end perms offset dev inode   path". Returns 0 or -EINVAL. */
static int parse_line(const char *line, struct host_vma *v, uint64_t *offset,
		      const char **path, int *shared)
{
	const char *p = line;
	uintptr_t off;
	int fields = 0;

	p = parse_hex(p, &v->start);
	if (*p++ != '-')
		return -EINVAL;
	p = parse_hex(p, &v->end);
	if (*p++ != ' ')
		return -EINVAL;
	v->prot = (p[0] == 'r' ? PROT_READ : 0) | (p[1] == 'w' ? PROT_WRITE : 0) |
		  (p[2] == 'x' ? PROT_EXEC : 0);
	*shared = p[3] == 's';
	p += 4;
	p = parse_hex(p + 1, &off);
	*offset = off;
	/* skip dev and inode */
	while (*p && fields < 2) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
		fields++;
	}
	while (*p == ' ')
		p++;
	*path = p;
	if (!strncmp(p, "[heap]", 6))
		v->kind = PROCMAP_TYPE_HEAP;
	else if (!strncmp(p, "[stack", 6))
		v->kind = PROCMAP_TYPE_STACK;
	else if (!strncmp(p, "[vdso]", 6))
		v->kind = PROCMAP_TYPE_VDSO;
	else if (!strncmp(p, "[vvar", 5))
		v->kind = PROCMAP_TYPE_VVAR;
	else if (!strncmp(p, "[vsyscall]", 10))
		v->kind = PROCMAP_TYPE_VSYSCALL;
	else if (*p == '/')
		v->kind = PROCMAP_TYPE_FILE;
	else if (!*p)
		v->kind = PROCMAP_TYPE_ANONYMOUS;
	else
		v->kind = PROCMAP_TYPE_UNKNOWN;
	return v->start < v->end ? 0 : -EINVAL;
}

typedef int (*line_cb)(const char *line, void *arg);

static int scan_lines(line_cb cb, void *arg)
{
	char buf[8192];
	size_t have = 0;
	int fd, r = 0;

	fd = (int)raw_syscall3(SYS_open, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	for (;;) {
		long n = raw_syscall3(SYS_read, fd, buf + have, sizeof(buf) - 1 - have);
		char *line, *nl;
		if (n < 0) {
			r = (int)n;
			break;
		}
		have += (size_t)n;
		buf[have] = 0;
		line = buf;
		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			if ((r = cb(line, arg)) != 0)
				goto done;
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
		if (n == 0)
			break;
		if (have >= sizeof(buf) - 1) {
			r = -E2BIG;
			break;
		}
	}
done:
	raw_syscall1(SYS_close, fd);
	return r < 0 ? r : 0;
}

struct scan_arg {
	int (*cb)(const struct host_vma *, void *);
	void *arg;
};

static int scan_one(const char *line, void *a)
{
	struct scan_arg *sa = a;
	struct host_vma v;
	uint64_t off;
	const char *path;
	int shared;
	if (parse_line(line, &v, &off, &path, &shared) < 0)
		return 0;
	return sa->cb(&v, sa->arg);
}

int procmap_scan(int (*cb)(const struct host_vma *vma, void *arg), void *arg)
{
	struct scan_arg sa = { cb, arg };
	return scan_lines(scan_one, &sa);
}

struct find_arg {
	uintptr_t va;
	struct host_vma *out;
	struct host_vma below; /* the mapping just above va, for stack growth */
	int found;
};

static int find_one(const struct host_vma *v, void *a)
{
	struct find_arg *fa = a;
	if (v->start <= fa->va && fa->va < v->end) {
		*fa->out = *v;
		fa->found = 1;
		return 1;
	}
	if (v->start > fa->va) {
		fa->below = *v;
		return 1;
	}
	return 0;
}

int procmap_find(uintptr_t va, struct host_vma *out)
{
	struct find_arg fa = { .va = va, .out = out };
	int r = procmap_scan(find_one, &fa);
	if (r < 0)
		return r;
	if (fa.found)
		return 0;
	/* Just below the main stack: let the kernel grow it, as it would for a
	 * native access, by having it write into the page (it returns -EFAULT
	 * rather than raising a signal when the address may not grow). */
	if (fa.below.kind == PROCMAP_TYPE_STACK && va + (8UL << 20) >= fa.below.start) {
		int fd = (int)raw_syscall3(SYS_open, "/dev/zero", O_RDONLY | O_CLOEXEC, 0);
		uintptr_t page = PAGE_ALIGN_DOWN(va);
		uintptr_t probe = page >= 64 * 1024 ? page - 60 * 1024 : page;
		long n;
		if (fd < 0)
			return -ENOENT;
		n = raw_syscall3(SYS_read, fd, probe, 1);
		if (n != 1)
			n = raw_syscall3(SYS_read, fd, page, 1);
		raw_syscall1(SYS_close, fd);
		if (n != 1)
			return -ENOENT;
		fa = (struct find_arg){ .va = va, .out = out };
		r = procmap_scan(find_one, &fa);
		if (r < 0)
			return r;
		return fa.found ? 0 : -ENOENT;
	}
	return -ENOENT;
}

/* ---- Dune's procmap API (host or guest mode; uses a static buffer) ---- */

struct iter_arg {
	dune_procmap_cb cb;
};

static int iter_one(const char *line, void *a)
{
	struct iter_arg *ia = a;
	struct host_vma v;
	struct dune_procmap_entry e;
	uint64_t off;
	const char *path;
	int shared;
	if (parse_line(line, &v, &off, &path, &shared) < 0)
		return 0;
	e.begin = v.start;
	e.end = v.end;
	e.offset = off;
	e.r = !!(v.prot & PROT_READ);
	e.w = !!(v.prot & PROT_WRITE);
	e.x = !!(v.prot & PROT_EXEC);
	e.p = !shared;
	e.path = (char *)path;
	e.type = v.kind;
	ia->cb(&e);
	return 0;
}

void dune_procmap_iterate(dune_procmap_cb cb)
{
	struct iter_arg ia = { cb };
	scan_lines(iter_one, &ia);
}

static void dump_one(const struct dune_procmap_entry *e)
{
	dune_printf("0x%016lx-0x%016lx %c%c%c%c %08lx %s\n", (unsigned long)e->begin,
		    (unsigned long)e->end, e->r ? 'r' : '-', e->w ? 'w' : '-',
		    e->x ? 'x' : '-', e->p ? 'p' : 's', (unsigned long)e->offset, e->path);
}

void dune_procmap_dump(void)
{
	dune_procmap_iterate(dump_one);
}
