/*
 * roots.c - where marking starts: the writable segments of the program and
 * its libraries (found once, at gc_init), ranges given to gc_add_roots, and
 * the stacks of registered threads with the registers they hold.
 */
#include <errno.h>
#include <link.h>
#include <setjmp.h>

#include "internal.h"

#define MAX_ROOTS 256

static struct {
	uintptr_t lo, hi;
} roots[MAX_ROOTS];
static unsigned nroots;

int roots_add(uintptr_t lo, uintptr_t hi)
{
	if (lo >= hi)
		return -EINVAL;
	if (nroots == MAX_ROOTS)
		return -ENOSPC;
	roots[nroots].lo = lo;
	roots[nroots].hi = hi;
	nroots++;
	return 0;
}

int gc_add_roots(void *start, void *end)
{
	int r;
	gc_lock();
	r = roots_add((uintptr_t)start, (uintptr_t)end);
	gc_unlock();
	return r;
}

static int add_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W)) {
			uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
			if (roots_add(lo, lo + ph->p_memsz) < 0)
				return 1;
		}
	}
	return 0;
}

void roots_init(void)
{
	dl_iterate_phdr(add_segments, NULL);
}

/* The calling thread's registers go on its stack first (callee-saved ones
 * may hold the only pointer to an object), then the stack is scanned. */
static void __attribute__((noinline)) scan_own_stack(void)
{
	jmp_buf regs;
	uintptr_t sp;
	__builtin_unwind_init();
	setjmp(regs);
	asm volatile("mov %%rsp, %0" : "=r"(sp));
	mark_range(sp, gc_self->stack_hi);
	asm volatile("" ::"m"(regs)); /* regs stay on the stack until here */
}

void roots_scan(void)
{
	for (unsigned i = 0; i < nroots; i++)
		mark_range(roots[i].lo, roots[i].hi);
	scan_own_stack();
	for (struct gc_thread *t = threads_list(); t; t = t->next)
		if (t != gc_self && t->stop_ack == threads_epoch()) /* stopped now */
			mark_range(t->stop_sp, t->stack_hi);
}
