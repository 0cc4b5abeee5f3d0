/*
 * uaccess.c - program memory read and written by the monitor, with a
 * landing for bad pointers (uaccess.h). The page-fault handler sends a
 * monitor fault inside the program's region to uaccess_land, on the
 * faulting code's own stack; it jumps back to the armed point.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "uaccess.h"

#define RED_ZONE 128
#define STACK_ALIGN 16
#define PAGE_SIZE 4096UL

static void uaccess_land(void)
{
	__builtin_longjmp(self->uaccess_jmp, 1);
}

int uaccess_fault(struct dune_tf *tf, uintptr_t addr)
{
	if (!self || !self->uaccess_armed || !mem_range_ok(NULL, addr, 1, 0))
		return 0;
	/* as if the faulting code had called uaccess_land */
	tf->rsp = ((tf->rsp - RED_ZONE) & ~(uint64_t)(STACK_ALIGN - 1)) - 8;
	tf->rip = (uintptr_t)uaccess_land;
	return 1;
}

/* memcpy under a landing of its own; the outer one is kept */
static int guarded_copy(void *dst, const void *src, size_t n)
{
	struct box_thread *t = self;
	void *outer[5];
	int outer_armed;

	if (!t) {
		memcpy(dst, src, n);
		return 0;
	}
	memcpy(outer, t->uaccess_jmp, sizeof(outer));
	outer_armed = t->uaccess_armed;
	if (UACCESS_ARM(t)) {
		memcpy(t->uaccess_jmp, outer, sizeof(outer));
		t->uaccess_armed = outer_armed;
		return -EFAULT;
	}
	memcpy(dst, src, n);
	memcpy(t->uaccess_jmp, outer, sizeof(outer));
	t->uaccess_armed = outer_armed;
	return 0;
}

int uaccess_from(void *dst, uintptr_t src, size_t n)
{
	if (n && !mem_range_ok(NULL, src, n, 0))
		return -EFAULT;
	return guarded_copy(dst, (const void *)src, n);
}

int uaccess_to(uintptr_t dst, const void *src, size_t n)
{
	if (n && !mem_range_ok(NULL, dst, n, 1))
		return -EFAULT;
	return guarded_copy((void *)dst, src, n);
}

long uaccess_string(char *dst, uintptr_t src, size_t max)
{
	size_t done = 0;
	while (done < max) {
		size_t chunk = PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1));
		if (chunk > max - done)
			chunk = max - done;
		if (uaccess_from(dst + done, src + done, chunk) < 0)
			return -EFAULT;
		char *nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	return -ENAMETOOLONG;
}

char *uaccess_strdup(uintptr_t src, size_t max, long *len)
{
	size_t cap = 256, done = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t chunk = PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1));
		if (chunk > max - done)
			chunk = max - done;
		if (done + chunk > cap) {
			char *more = realloc(buf, cap = (done + chunk) * 2);
			if (!more)
				break;
			buf = more;
		}
		if (!chunk || uaccess_from(buf + done, src + done, chunk) < 0) {
			*len = chunk ? -EFAULT : -ENAMETOOLONG;
			free(buf);
			return NULL;
		}
		char *nul = memchr(buf + done, 0, chunk);
		if (nul) {
			*len = nul - buf;
			return buf;
		}
		done += chunk;
	}
	free(buf);
	*len = -ENOMEM;
	return NULL;
}
