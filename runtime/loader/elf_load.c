/*
 * elf_load.c - elf_load(): check the program and its interpreter, then map
 * program, stack and interpreter, then write the initial stack. Every check
 * that can fail without mapping runs before the first mmap.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "loader_internal.h"

#define CAUSE_LEN 512

struct opened {
	int fd;
	struct elf_plan plan;
};

/* Opens and checks one file; the cause goes to cause, without the name.
 * Like execve, for the interpreter too: only executable regular files off
 * noexec mounts (an interpreter path is the program's choice, and the
 * monitor must not be its way to read what it could not execute). */
static int open_checked(const char *path, const struct load_limits *lim, int is_interp,
			struct opened *o, char *cause)
{
	struct elf_source src = { .buf = NULL };
	struct statvfs vfs;
	struct stat st;
	int irregular = 0;

	if (lim->open_file) {
		int pfd = lim->open_file(lim->open_ctx, path, is_interp);
		o->fd = pfd < 0 ? pfd : open_regular_fd(pfd, &st, &irregular);
		if (pfd >= 0)
			close(pfd);
	} else {
		o->fd = open_regular(path, &st, &irregular);
	}
	if (irregular)
		return errmsg(cause, CAUSE_LEN, -EACCES, "not a regular file");
	if (o->fd < 0)
		return errmsg(cause, CAUSE_LEN, o->fd, "cannot open: %s", strerror(-o->fd));
	if (!(st.st_mode & 0111))
		return errmsg(cause, CAUSE_LEN, -EACCES, "not executable (chmod +x it)");
	if (fstatvfs(o->fd, &vfs) == 0 && (vfs.f_flag & ST_NOEXEC))
		return errmsg(cause, CAUSE_LEN, -EACCES, "on a noexec mount");
	src.fd = o->fd;
	src.size = (uint64_t)st.st_size;
	return elf_check_source(&src, &o->plan, cause, CAUSE_LEN);
}

static int check_limits(const struct load_limits *lim, char *cause)
{
	if (!lim || lim->lo >= lim->hi || (lim->lo | lim->hi) % PAGE_SIZE ||
	    lim->hi > ELF_USER_TOP || lim->hi <= ELF_MIN_ADDR)
		return errmsg(cause, CAUSE_LEN, -EINVAL,
			      "bad limits (want page-aligned lo < hi <= %#lx)", ELF_USER_TOP);
	return 0;
}

/* ET_EXEC stays where it was linked; ET_DYN gets a free, aligned bias. */
static int place(const struct elf_plan *p, const struct load_limits *lim, int top_down,
		 uintptr_t *bias, char *cause)
{
	uintptr_t lo = lim->lo < ELF_MIN_ADDR ? ELF_MIN_ADDR : lim->lo;
	uintptr_t at;

	if (p->type == ET_EXEC) {
		if (p->span_lo < lo || p->span_hi > lim->hi)
			return errmsg(cause, CAUSE_LEN, -ENOMEM,
				      "linked at [%#lx, %#lx), outside the program area [%#lx, %#lx) (relink it as PIE or at other addresses)",
				      p->span_lo, p->span_hi, lo, lim->hi);
		*bias = 0;
		return 0;
	}
	if (free_range_find(lo, lim->hi, p->span_hi - p->span_lo, p->align,
			    p->span_lo & (p->align - 1), top_down, &at))
		return errmsg(cause, CAUSE_LEN, -ENOMEM,
			      "no free %#lx-byte range aligned to %#lx in [%#lx, %#lx) (widen the limits)",
			      p->span_hi - p->span_lo, p->align, lo, lim->hi);
	*bias = at - p->span_lo;
	return 0;
}

static int open_interp(const struct elf_plan *prog, const struct load_limits *lim,
		       struct opened *in, char *cause)
{
	char sub[CAUSE_LEN];
	const char *ip = prog->interp;
	int rc = open_checked(ip, lim, 1, in, sub);

	if (rc == -ENOENT)
		return errmsg(cause, CAUSE_LEN, rc,
			      "needs interpreter %s, which is missing (install it, or link the program statically)", ip);
	if (rc == -ENOEXEC)
		rc = -ELIBBAD;
	if (rc)
		return errmsg(cause, CAUSE_LEN, rc, "interpreter %s: %s", ip, sub);
	if (in->plan.type != ET_DYN)
		return errmsg(cause, CAUSE_LEN, -ELIBBAD,
			      "interpreter %s is not a shared object (ET_DYN)", ip);
	if (in->plan.has_interp)
		return errmsg(cause, CAUSE_LEN, -ELIBBAD,
			      "interpreter %s names an interpreter itself", ip);
	return 0;
}

/* Everything after the checks; on failure the caller unmaps out's regions. */
static int map_all(const char *path, char *const argv[], char *const envp[],
		   const struct load_limits *lim, const struct opened *prog,
		   const struct opened *in, struct loaded_image *out, char *cause)
{
	const struct elf_plan *p = &prog->plan;
	uintptr_t bias, ibias = 0, stack_lo, stack_top, sp;
	struct aux_values av;
	char sub[CAUSE_LEN];
	int rc;

	rc = place(p, lim, 0, &bias, cause);
	if (rc)
		return rc;
	rc = image_map(p, prog->fd, bias, out, cause, CAUSE_LEN);
	if (rc)
		return rc;
	rc = stack_map(lim, p->exec_stack, out, &stack_lo, &stack_top, cause, CAUSE_LEN);
	if (rc)
		return rc;
	if (in) {
		rc = place(&in->plan, lim, 1, &ibias, sub);
		if (!rc)
			rc = image_map(&in->plan, in->fd, ibias, out, sub, CAUSE_LEN);
		if (rc)
			return errmsg(cause, CAUSE_LEN, rc, "interpreter %s: %s", p->interp, sub);
	}
	av = (struct aux_values){
		.phdr = p->phdr_vaddr + bias,
		.phent = sizeof(Elf64_Phdr),
		.phnum = (uintptr_t)p->phnum,
		.base = in ? ibias : 0,
		.entry = p->entry + bias,
		.vdso = lim->vdso,
		.execfn = path,
	};
	rc = stack_build(stack_lo, stack_top, argv, envp, &av, &sp, cause, CAUSE_LEN);
	if (rc)
		return rc;
	out->entry = in ? in->plan.entry + ibias : p->entry + bias;
	out->stack_top = sp;
	out->brk_start = p->span_hi + bias;
	out->phdr = av.phdr;
	out->base = av.base;
	out->prog_entry = av.entry;
	out->prog_bias = bias;
	out->exec_stack = p->exec_stack;
	return 0;
}

int elf_load(const char *path, char *const argv[], char *const envp[],
	     const struct load_limits *lim, struct loaded_image *out,
	     char *err, size_t errlen)
{
	struct opened prog, in;
	char cause[CAUSE_LEN];
	int rc;

	memset(out, 0, sizeof(*out));
	prog.fd = in.fd = -1;
	rc = check_limits(lim, cause);
	if (!rc)
		rc = open_checked(path, lim, 0, &prog, cause);
	if (!rc && !prog.plan.has_phdr)
		rc = errmsg(cause, CAUSE_LEN, -ENOEXEC,
			    "its program headers are in no PT_LOAD segment (AT_PHDR would point nowhere)");
	if (!rc && prog.plan.has_interp)
		rc = open_interp(&prog.plan, lim, &in, cause);
	if (!rc)
		rc = map_all(path, argv, envp, lim, &prog, prog.plan.has_interp ? &in : NULL,
			     out, cause);
	if (rc) {
		elf_unload(out);
		errmsg(err, errlen, rc, "%s: %s", path, cause);
	}
	if (prog.fd >= 0)
		close(prog.fd);
	if (in.fd >= 0)
		close(in.fd);
	return rc;
}

void elf_unload(struct loaded_image *img)
{
	for (int i = 0; i < img->nr_regions; i++)
		munmap((void *)img->regions[i].start, img->regions[i].end - img->regions[i].start);
	memset(img, 0, sizeof(*img));
}
