/*
 * procfs_view.c - /proc/<pid>/... of the box's processes (procfs_view.h).
 * Filtered copies are written to a sealed memfd, which becomes the
 * program's descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"
#include "box_registry.h"
#include "mem.h"
#include "monitor_fds.h"
#include "pathwalk.h"
#include "procfs_view.h"
#include "signal_targets.h"

#define MAX_CMDLINE (128 * 1024)
#define MAX_AUXV 64
#define LINE_MAX_LEN 8192
/* /proc/<pid>/stat fields (1-based) that hold addresses of the address space */
static const int stat_address_fields[] = { 26, 27, 28, 29, 30, 45, 46, 47, 48, 49, 50, 51 };

static char *cmdline;
static size_t cmdline_len;
static uint64_t auxv[2 * MAX_AUXV];
static size_t auxv_len;

enum proc_file { PF_OTHER, PF_MAPS, PF_STAT, PF_CMDLINE, PF_AUXV, PF_HIDDEN };

/* "/proc/<pid>/<name>" or "/proc/<pid>/task/<tid>/<name>": which file,
 * and the pid; PF_OTHER when it is not a file of a box process. */
static enum proc_file classify(const char *view, int *pid_out)
{
	static const char *const hidden[] = { "mem", "pagemap", "syscall", "stack", "environ",
					      "timerslack_ns", "clear_refs", NULL };
	static const char *const maps[] = { "maps", "smaps", "numa_maps", NULL };
	char name[64];
	int pid, tid, len = 0;

	if (sscanf(view, "/proc/%d/task/%d/%63[^/]%n", &pid, &tid, name, &len) != 3 || view[len]) {
		len = 0;
		if (sscanf(view, "/proc/%d/%63[^/]%n", &pid, name, &len) != 2)
			return PF_OTHER;
		if (view[len] && !strcmp(name, "map_files"))
			strcpy(name, "map_files");
		else if (view[len])
			return PF_OTHER;
	}
	/* the supervisor too: a fork of the same monitor, the same layout */
	if (pid != box_pid && pid != box.supervisor && !box_pid_inside(pid))
		return PF_OTHER;
	*pid_out = pid;
	if (!strcmp(name, "map_files"))
		return PF_HIDDEN;
	for (int i = 0; hidden[i]; i++)
		if (!strcmp(name, hidden[i]))
			return pid == box_pid && !strcmp(name, "environ") ? PF_OTHER : PF_HIDDEN;
	for (int i = 0; maps[i]; i++)
		if (!strcmp(name, maps[i]))
			return PF_MAPS;
	if (!strcmp(name, "stat"))
		return PF_STAT;
	if (!strcmp(name, "cmdline") && pid != box.supervisor)
		return PF_CMDLINE;
	if (!strcmp(name, "auxv"))
		return pid == box_pid ? PF_AUXV : PF_HIDDEN;
	return PF_OTHER;
}

int procfs_view_hidden(const char *view)
{
	int pid;
	return strncmp(view, "/proc/", 6) == 0 && classify(view, &pid) == PF_HIDDEN;
}

/* A sealed memfd holding len bytes of data: the program's new descriptor. */
static long memfd_with(const char *name, const void *data, size_t len, long flags)
{
	int fd = memfd_create(name, MFD_ALLOW_SEALING | ((flags & O_CLOEXEC) ? MFD_CLOEXEC : 0));
	if (fd < 0)
		return -errno;
	if ((len && write(fd, data, len) != (ssize_t)len) || lseek(fd, 0, SEEK_SET) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* The real file, read whole (it is the monitor's to read). */
static char *slurp(int objfd, size_t *len)
{
	char self[64], *buf = NULL;
	size_t cap = 0, n = 0;
	ssize_t got;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", objfd);
	int fd = mfd_own(open(self, O_RDONLY | O_CLOEXEC));
	if (fd < 0)
		return NULL;
	do {
		if (n + 4096 > cap) {
			char *more = realloc(buf, cap = cap * 2 + 65536);
			if (!more) {
				free(buf);
				mfd_close(fd);
				return NULL;
			}
			buf = more;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got > 0)
			n += (size_t)got;
	} while (got > 0);
	mfd_close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

static int in_program(unsigned long lo, unsigned long hi)
{
	return (lo >= BOX_LO && hi <= BOX_HI) || (lo >= box.vdso_lo && hi <= box.vdso_hi);
}

/* maps, smaps, numa_maps: the program's mappings only, their file names
 * as the program names them. A mapping's lines run to the next header. */
static size_t filter_maps(char *in, char *out)
{
	size_t n = 0;
	int keep = 0;
	for (char *line = in, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		unsigned long lo, hi;
		int hdr = 0;
		char dash;
		if (sscanf(line, "%lx%c%lx", &lo, &dash, &hi) == 3 && dash == '-')
			hdr = 1;
		else if (sscanf(line, "%lx ", &lo) == 1 && strchr(line, '=') && !strchr(line, ':'))
			hdr = 1, hi = lo + 1; /* numa_maps: "addr policy k=v..." */
		if (hdr)
			keep = in_program(lo, hi);
		if (!keep)
			continue;
		char *path = hdr ? strchr(line, '/') : NULL;
		if (path && path > line && path[-1] == ' ') {
			char view[PATH_MAX];
			int ok = walk_host_to_view(path, view, sizeof(view)) == 0;
			n += (size_t)sprintf(out + n, "%.*s%s\n", (int)(path - line), line,
					     ok ? view : path);
			continue;
		}
		n += (size_t)sprintf(out + n, "%s\n", line);
	}
	return n;
}

/* stat: the fields that locate the address space read 0, as the kernel
 * shows them to a reader without ptrace access */
static size_t filter_stat(const char *in, char *out)
{
	const char *p = strrchr(in, ')'); /* the name may hold spaces */
	size_t n;
	int field = 2;
	if (!p)
		return (size_t)sprintf(out, "%s", in);
	n = (size_t)(p + 1 - in);
	memcpy(out, in, n);
	for (p++; *p;) {
		if (*p == ' ') {
			out[n++] = *p++;
			field++;
			int zero = 0;
			for (size_t i = 0; i < sizeof(stat_address_fields) / sizeof(int); i++)
				zero |= stat_address_fields[i] == field;
			if (zero) {
				out[n++] = '0';
				while (*p && *p != ' ' && *p != '\n')
					p++;
			}
			continue;
		}
		out[n++] = *p++;
	}
	out[n] = 0;
	return n;
}

int procfs_view_open(const struct walk *w, long flags, long *r)
{
	int pid;
	enum proc_file kind;
	size_t len;
	char *in, *out;

	if (strncmp(w->view, "/proc/", 6) || (kind = classify(w->view, &pid)) == PF_OTHER)
		return 0;
	if (kind == PF_HIDDEN) {
		*r = -EACCES;
		return 1;
	}
	if ((flags & O_ACCMODE) != O_RDONLY) {
		*r = -EACCES;
		return 1;
	}
	if (kind == PF_CMDLINE) {
		char prog[REGISTRY_PROG_MAX], other[REGISTRY_CMDLINE_MAX];
		size_t len;
		if (pid == box_pid)
			*r = memfd_with("cmdline", cmdline, cmdline_len, flags);
		else if (registry_proc_get(pid, prog, other, &len) == 0)
			*r = memfd_with("cmdline", other, len, flags);
		else
			*r = memfd_with("cmdline", "", 0, flags);
		return 1;
	}
	if (kind == PF_AUXV) {
		*r = memfd_with("auxv", auxv, auxv_len, flags);
		return 1;
	}
	if (!(in = slurp(w->objfd, &len))) {
		*r = -ENOMEM;
		return 1;
	}
	out = malloc(2 * len + PATH_MAX + 64);
	if (!out) {
		free(in);
		*r = -ENOMEM;
		return 1;
	}
	len = kind == PF_MAPS ? filter_maps(in, out) : filter_stat(in, out);
	*r = memfd_with(kind == PF_MAPS ? "maps" : "stat", out, len, flags);
	free(in);
	free(out);
	return 1;
}

void procfs_view_exec(char *const argv[], uintptr_t stack_top)
{
	size_t n = 0;
	char *buf = malloc(MAX_CMDLINE);
	for (size_t i = 0; buf && argv && argv[i]; i++) {
		size_t l = strlen(argv[i]) + 1;
		if (n + l > MAX_CMDLINE)
			break;
		memcpy(buf + n, argv[i], l);
		n += l;
	}
	free(cmdline);
	cmdline = buf;
	cmdline_len = buf ? n : 0;
	registry_proc_set(box_pid, box.prog, cmdline ? cmdline : "", cmdline_len);
	/* the name ps and /proc/self/stat show: the program's, not "dunebox" */
	const char *name = argv && argv[0] ? strrchr(argv[0], '/') : NULL;
	prctl(PR_SET_NAME, name ? name + 1 : argv && argv[0] ? argv[0] : "", 0, 0, 0);
	/* the initial stack: argc, argv..., NULL, envp..., NULL, auxv pairs */
	const uint64_t *sp = (const uint64_t *)stack_top;
	size_t i = 1 + sp[0] + 1;
	while (sp[i])
		i++;
	i++;
	auxv_len = 0;
	while (auxv_len / sizeof(uint64_t) < 2 * MAX_AUXV) {
		auxv[auxv_len / 8] = sp[i];
		auxv[auxv_len / 8 + 1] = sp[i + 1];
		auxv_len += 16;
		if (!sp[i])
			break;
		i += 2;
	}
}
