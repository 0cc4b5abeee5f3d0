/* The entry points: look the call up, check what its descriptors say,
 * then what its own function says. */
#include <errno.h>

#include "sysargs_internal.h"

static const struct call_mem *lookup(long nr)
{
	if (nr < 0 || (unsigned long)nr >= sa_table_len || !sa_table[nr].name)
		return NULL;
	return &sa_table[nr];
}

int sa_arg(struct sa_call *c, const struct arg_mem *m, int arg, const long a[6])
{
	uintptr_t addr = (uintptr_t)a[arg];
	size_t n;
	int r;

	if (m->kind == ARG_NONE || (m->may_be_null && !addr))
		return 0;
	switch (m->kind) {
	case ARG_FIXED:
		return sa_range(c, arg, m->name, addr, m->size, m->access);
	case ARG_STRING:
		return sa_string(c, arg, m->name, addr, m->size, &n);
	case ARG_STRVEC:
		return sa_strvec(c, arg, m->name, addr);
	}
	r = sa_count(c, m->len_arg, a[m->len_arg], m->count_type, &n);
	if (r)
		return r;
	switch (m->kind) {
	case ARG_ARRAY:
		return sa_array(c, arg, m->name, addr, n, m->size, m->access);
	case ARG_IOVEC:
		return sa_iovec(c, arg, m->name, addr, n, m->access);
	case ARG_PAGES:
		return sa_pages(c, arg, m->name, addr, n);
	}
	return sa_fail(c, -ENOSYS, "arg %d: bad table entry", arg);
}

int sysargs_known(long nr)
{
	const struct call_mem *m = lookup(nr);

	return m && !m->unchecked;
}

/* A buffer or an array: the call may carry SYSARGS_POISON in its place. */
static int may_poison(const struct arg_mem *m)
{
	return m->kind == ARG_FIXED || m->kind == ARG_ARRAY || m->kind == ARG_IOVEC;
}

int sysargs_check_arg(long nr, const long args[6], sysargs_range_fn ok, void *ctx,
		      char *why, size_t whylen, int *bad_arg)
{
	struct sa_call c = { .ok = ok, .ctx = ctx, .why = why, .whylen = whylen };
	const struct call_mem *m = lookup(nr);
	int r;

	*bad_arg = -1;
	if (why && whylen)
		why[0] = '\0';
	if (!m)
		return sa_fail(&c, -ENOSYS, "system call %ld: not in the table", nr);
	c.name = m->name;
	if (m->unchecked)
		return sa_fail(&c, -ENOSYS, "left out: %s", m->unchecked);
	for (int i = 0; i < 6; i++) {
		if (may_poison(&m->arg[i]) && (uintptr_t)args[i] == SYSARGS_POISON)
			continue; /* the kernel refuses it itself */
		r = sa_arg(&c, &m->arg[i], i, args);
		if (r) {
			if (may_poison(&m->arg[i]))
				*bad_arg = i;
			return r;
		}
	}
	return m->check ? m->check(&c, args) : 0;
}

int sysargs_check(long nr, const long args[6], sysargs_range_fn ok, void *ctx,
		  char *why, size_t whylen)
{
	int bad_arg;

	return sysargs_check_arg(nr, args, ok, ctx, why, whylen, &bad_arg);
}
