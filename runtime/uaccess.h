/*
 * uaccess.h - the monitor's reads and writes of program memory. A pointer
 * the region contains may still be bad (a hole, a PROT_NONE page, a
 * read-only page written): the access faults in the monitor, and the
 * fault lands at the last point armed here, as the kernel's
 * copy_from_user/copy_to_user answer EFAULT. No monitor lock may be held
 * across an armed access (the landing skips its release).
 */
#ifndef DUNEBOX_UACCESS_H
#define DUNEBOX_UACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "box.h"
#include "dune.h"

/* Arms the landing for the running system call: nonzero when a fault
 * came back here. Must be called in the frame that stays live (a macro:
 * __builtin_setjmp needs its caller's frame). */
#define UACCESS_ARM(t) (__builtin_setjmp((t)->uaccess_jmp) ? ((t)->uaccess_armed = 0, 1) \
							  : ((t)->uaccess_armed = 1, 0))
#define UACCESS_DISARM(t) ((t)->uaccess_armed = 0)

/* Copies with their own landing (nested inside an armed call or not):
 * 0, or -EFAULT when the program's side is outside the region or faults. */
int uaccess_from(void *dst, uintptr_t src, size_t n);
int uaccess_to(uintptr_t dst, const void *src, size_t n);

/* The NUL-terminated string at src into dst[max]: its length, -EFAULT,
 * or -ENAMETOOLONG when max bytes hold no NUL. Reads page by page. */
long uaccess_string(char *dst, uintptr_t src, size_t max);

/* The same into a buffer of its own (malloc, grown as needed: never the
 * max up front, which would be an mmap, and a mapping costs a memory slot
 * here); NULL with -errno in *len. */
char *uaccess_strdup(uintptr_t src, size_t max, long *len);

/* The monitor faulted at addr: 1 if an armed landing takes it (tf now
 * resumes there), 0 if not. */
int uaccess_fault(struct dune_tf *tf, uintptr_t addr);

#endif
