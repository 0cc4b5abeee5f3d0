/*
 * stack.c - the program's initial stack, laid out as Linux's execve does:
 *
 *   top:  0 (8 bytes), execfn, argv and envp strings, "x86_64",
 *         16 random bytes, padding to 16
 *   sp:   argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL
 *
 * with sp 16-byte aligned, as the x86-64 ABI requires at process entry.
 */
#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "loader_internal.h"

#define PLATFORM "x86_64"
#define NR_AUXV 21 /* pairs written below, AT_NULL and AT_SYSINFO_EHDR included */

/* Linux reports CPUID.1:EDX as AT_HWCAP on x86 */
static uint64_t hwcap(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return d;
}

/* The kernel's own answer is the one that holds for this machine. */
static uint64_t minsigstksz(void)
{
	unsigned long v = getauxval(AT_MINSIGSTKSZ);

	return v ? v : MINSIGSTKSZ;
}

static size_t count(char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static size_t strings_size(char *const v[], size_t n)
{
	size_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += strlen(v[i]) + 1;
	return total;
}

/* Copies n strings upward from *at, storing where each landed in ptrs. */
static void copy_strings(char *const v[], size_t n, uintptr_t *at, uint64_t *ptrs)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;
		memcpy((void *)*at, v[i], len);
		ptrs[i] = *at;
		*at += len;
	}
}

static uint64_t *put_aux(uint64_t *w, uint64_t type, uint64_t val)
{
	w[0] = type;
	w[1] = val;
	return w + 2;
}

int stack_build(uintptr_t lo, uintptr_t top, char *const argv[], char *const envp[],
		const struct aux_values *av, uintptr_t *sp, char *err, size_t errlen)
{
	size_t argc = count(argv), envc = count(envp);
	size_t strs = strings_size(argv, argc) + strings_size(envp, envc);
	size_t fnlen = strlen(av->execfn) + 1;
	size_t words = 1 + argc + 1 + envc + 1 + 2 * NR_AUXV;
	size_t need = 8 + fnlen + strs + sizeof(PLATFORM) + 16 + 16 + 8 * words + 16;
	uintptr_t p = top, strings, platform, random, execfn;
	uint64_t *w;

	/* Linux caps arguments at a quarter of the stack; the rest is the program's */
	if (argc > (top - lo) / 32 || envc > (top - lo) / 32 || need > (top - lo) / 4)
		return errmsg(err, errlen, -E2BIG,
			      "argument list too long (%zu args, %zu env vars, %zu bytes; more than a quarter of the %lu-byte stack: raise stack_size)",
			      argc, envc, need, (unsigned long)(top - lo));

	p -= 8;
	*(uint64_t *)p = 0;
	p -= fnlen;
	execfn = p;
	memcpy((void *)execfn, av->execfn, fnlen);
	p -= strs;
	strings = p;
	p -= sizeof(PLATFORM);
	platform = p;
	memcpy((void *)platform, PLATFORM, sizeof(PLATFORM));
	p -= 16;
	random = p;
	if (getrandom((void *)random, 16, 0) != 16)
		return errmsg(err, errlen, -EIO, "getrandom for AT_RANDOM failed: %s", strerror(errno));
	p = (p & ~15UL) - 8 * words;
	p &= ~15UL;
	*sp = p;

	w = (uint64_t *)p;
	*w++ = argc;
	copy_strings(argv, argc, &strings, w);
	w += argc;
	*w++ = 0;
	copy_strings(envp, envc, &strings, w);
	w += envc;
	*w++ = 0;

	if (av->vdso)
		w = put_aux(w, AT_SYSINFO_EHDR, av->vdso);
	w = put_aux(w, AT_MINSIGSTKSZ, minsigstksz());
	w = put_aux(w, AT_HWCAP, hwcap());
	w = put_aux(w, AT_PAGESZ, PAGE_SIZE);
	w = put_aux(w, AT_CLKTCK, 100);
	w = put_aux(w, AT_PHDR, av->phdr);
	w = put_aux(w, AT_PHENT, av->phent);
	w = put_aux(w, AT_PHNUM, av->phnum);
	w = put_aux(w, AT_BASE, av->base);
	w = put_aux(w, AT_FLAGS, 0);
	w = put_aux(w, AT_ENTRY, av->entry);
	w = put_aux(w, AT_UID, getuid());
	w = put_aux(w, AT_EUID, geteuid());
	w = put_aux(w, AT_GID, getgid());
	w = put_aux(w, AT_EGID, getegid());
	w = put_aux(w, AT_SECURE, 0);
	w = put_aux(w, AT_RANDOM, random);
	w = put_aux(w, AT_HWCAP2, getauxval(AT_HWCAP2));
	w = put_aux(w, AT_EXECFN, execfn);
	w = put_aux(w, AT_PLATFORM, platform);
	put_aux(w, AT_NULL, 0);
	return 0;
}

int stack_map(const struct load_limits *lim, int exec, struct loaded_image *img,
	      uintptr_t *lo, uintptr_t *top, char *err, size_t errlen)
{
	size_t size = PAGE_UP(lim->stack_size ? lim->stack_size : ELF_DEFAULT_STACK);
	int prot = PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0);
	uintptr_t at;
	int rc;

	if (size < lim->stack_size || size > lim->hi - lim->lo ||
	    free_range_find(lim->lo, lim->hi, size + PAGE_SIZE, PAGE_SIZE, 0, 1, &at))
		return errmsg(err, errlen, -ENOMEM,
			      "no free %zu-byte range for the stack in [%#lx, %#lx) (widen the limits or shrink stack_size)",
			      size, lim->lo, lim->hi);
	/* a guard page, so an overflow faults instead of running into a neighbour */
	rc = region_map(img, at, PAGE_SIZE, PROT_NONE, -1, 0);
	if (!rc)
		rc = region_map(img, at + PAGE_SIZE, size, prot, -1, 0);
	if (rc)
		return errmsg(err, errlen, rc, "cannot map the stack at %#lx: %s", at, strerror(-rc));
	*lo = at + PAGE_SIZE;
	*top = at + PAGE_SIZE + size;
	return 0;
}
