/* Strings and string arrays: their length is only known by reading them,
 * so each page is approved by ok() before a byte of it is read. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sysargs_internal.h"

/* execve: the kernel refuses argv + envp above 3/4 of _STK_LIM (8 MiB)
 * and one string above MAX_ARG_STRLEN (32 pages) before reading more. */
#define SA_ARG_BYTES_MAX (6UL << 20)
#define SA_ARG_STRLEN_MAX (32 * SA_PAGE)

static size_t to_page_end(uintptr_t p)
{
	return SA_PAGE - (p & (SA_PAGE - 1));
}

int sa_string(struct sa_call *c, int arg, const char *what, uintptr_t addr,
	      size_t max, size_t *len)
{
	size_t n = 0;

	while (n < max) {
		uintptr_t p = addr + n;
		size_t chunk = to_page_end(p);
		const char *nul;

		if (p < addr)
			return sa_fail(c, -EFAULT, "arg %d (%s, string at %#lx) wraps around the address space",
				       arg, what, (unsigned long)addr);
		if (chunk > max - n)
			chunk = max - n;
		if (!c->ok(c->ctx, p, chunk, SYSARGS_READ))
			return sa_fail(c, -EFAULT, "arg %d (%s, string) not program memory at %#lx",
				       arg, what, (unsigned long)p);
		nul = memchr((const void *)p, 0, chunk);
		if (nul) {
			*len = n + (size_t)(nul - (const char *)p) + 1;
			return 0;
		}
		n += chunk;
	}
	/* no NUL within max: the kernel stops there too (ENAMETOOLONG) */
	*len = n;
	return 0;
}

int sa_strvec(struct sa_call *c, int arg, const char *what, uintptr_t vec)
{
	uintptr_t approved = vec;	/* [vec, approved) was approved by ok() */
	size_t total = 0;
	char label[64];

	for (size_t i = 0;; i++) {
		uintptr_t slot = vec + i * sizeof(uintptr_t);
		uintptr_t s;
		size_t len;
		int r;

		snprintf(label, sizeof(label), "%s[%zu]", what, i);
		if (slot < vec || slot + sizeof(s) < slot)
			return sa_fail(c, -EFAULT, "arg %d (%s) wraps around the address space",
				       arg, label);
		if (slot + sizeof(s) > approved) {
			uintptr_t end = slot + sizeof(s) - 1;

			end += to_page_end(end);
			if (end < slot)
				return sa_fail(c, -EFAULT, "arg %d (%s) wraps around the address space",
					       arg, label);
			if (!c->ok(c->ctx, approved, end - approved, SYSARGS_READ))
				return sa_fail(c, -EFAULT, "arg %d (%s, pointer) not program memory at %#lx",
					       arg, label, (unsigned long)approved);
			approved = end;
		}
		memcpy(&s, (const void *)slot, sizeof(s));
		if (!s)
			return 0;
		r = sa_string(c, arg, label, s, SA_ARG_STRLEN_MAX, &len);
		if (r)
			return r;
		total += len + sizeof(s);
		if (total > SA_ARG_BYTES_MAX)
			return sa_fail(c, -E2BIG, "arg %d (%s) more than %lu bytes of strings",
				       arg, what, SA_ARG_BYTES_MAX);
	}
}
