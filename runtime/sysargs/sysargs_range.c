/* Ranges: ask ok() about one, with the overflow checks the kernel would
 * fail on, and say which argument failed. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sysargs_internal.h"

int sa_fail(struct sa_call *c, int err, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!c->why || !c->whylen)
		return err;
	if (c->name)
		n = snprintf(c->why, c->whylen, "%s: ", c->name);
	if (n >= 0 && (size_t)n < c->whylen) {
		va_start(ap, fmt);
		vsnprintf(c->why + n, c->whylen - n, fmt, ap);
		va_end(ap);
	}
	return err;
}

static const char *refusal(int access)
{
	if (access == SYSARGS_WRITE)
		return "not writable program memory";
	if (access == SYSARGS_MAPPING)
		return "not inside program memory";
	return "not program memory";
}

int sa_range(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	     size_t len, int access)
{
	if (!len)
		return 0;
	if (addr + len < addr || addr + len == 0)
		return sa_fail(c, -EFAULT, "arg %d (%s, %zu bytes at %#lx) wraps around the address space",
			       arg, what, len, (unsigned long)addr);
	if (!c->ok(c->ctx, addr, len, access))
		return sa_fail(c, -EFAULT, "arg %d (%s, %zu bytes) %s",
			       arg, what, len, refusal(access));
	return 0;
}

int sa_array(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	     size_t n, size_t elem, int access)
{
	size_t len;

	if (__builtin_mul_overflow(n, elem, &len))
		return sa_fail(c, -EFAULT, "arg %d (%s, %zu x %zu bytes) wraps around the address space",
			       arg, what, n, elem);
	return sa_range(c, arg, what, addr, len, access);
}

/* The kernel rounds address-space ranges out to whole pages. */
int sa_pages(struct sa_call *c, int arg, const char *what, uintptr_t addr, size_t len)
{
	uintptr_t start = addr & ~(SA_PAGE - 1);
	uintptr_t end;

	if (!len)
		return 0;
	if (__builtin_add_overflow(addr, len, &end) || end > UINTPTR_MAX - SA_PAGE)
		return sa_fail(c, -EFAULT, "arg %d (%s, %zu bytes at %#lx) wraps around the address space",
			       arg, what, len, (unsigned long)addr);
	end = (end + SA_PAGE - 1) & ~(SA_PAGE - 1);
	return sa_range(c, arg, what, start, end - start, SYSARGS_MAPPING);
}

int sa_copy(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	    void *dst, size_t len, int access)
{
	int r = sa_range(c, arg, what, addr, len, access);

	if (!r && len)
		memcpy(dst, (const void *)addr, len);
	return r;
}

int sa_count(struct sa_call *c, int arg, long value, int type, size_t *n)
{
	switch (type) {
	case COUNT_UINT:
		*n = (unsigned int)value;
		return 0;
	case COUNT_INT:
		if ((int)value < 0)
			return sa_fail(c, -EINVAL, "arg %d (count %d) negative", arg, (int)value);
		*n = (size_t)(int)value;
		return 0;
	case COUNT_LONG:
		if (value < 0)
			return sa_fail(c, -EINVAL, "arg %d (count %ld) negative", arg, value);
		/* fall through */
	default:
		*n = (size_t)value;
		return 0;
	}
}
