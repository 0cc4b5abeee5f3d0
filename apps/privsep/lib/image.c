/* image.c - what every sthread starts from: the program's code and
 * read-only data (shared, read-only), a snapshot of its globals taken
 * before main() (each domain gets a private copy of it), and a TLS
 * template taken from a fresh thread.
 *
 * The snapshot is Wedge's "pristine" memory: an sthread sees none of the
 * values its creator put in globals later (say, a key), and its own writes
 * stay in its copy. Read-only segments and RELRO are mapped as they are:
 * code and constants are not secrets (a program that keeps a secret in a
 * string constant gives it to every sthread; docs/privsep.md).
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dune.h"
#include "image.h"
#include "sthread.h"

#define PAGE_DOWN(a) ((uintptr_t)(a) & ~(uintptr_t)(PGSIZE - 1))
#define PAGE_UP(a) (((uintptr_t)(a) + PGSIZE - 1) & ~(uintptr_t)(PGSIZE - 1))
#define TLS_MAX (64 * 1024)

struct image image;
volatile int sthread_in_domain;

static int add_range(struct range *r, int *n, int max, uintptr_t start, uintptr_t end, int exec)
{
	if (start >= end)
		return 0;
	if (*n == max)
		return -E2BIG;
	r[*n].start = start;
	r[*n].end = end;
	r[*n].exec = exec;
	(*n)++;
	return 0;
}

/* one loaded object: its read-only segments, RELRO, and its writable data */
static int add_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t relro_lo = 0, relro_hi = 0;
	int *err = arg;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_GNU_RELRO) {
			/* what ld.so made read-only: whole pages only */
			relro_lo = PAGE_DOWN(info->dlpi_addr + ph->p_vaddr);
			relro_hi = PAGE_DOWN(info->dlpi_addr + ph->p_vaddr + ph->p_memsz);
		}
	}
	for (int i = 0; i < info->dlpi_phnum && !*err; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = PAGE_DOWN(info->dlpi_addr + ph->p_vaddr);
		uintptr_t hi = PAGE_UP(info->dlpi_addr + ph->p_vaddr + ph->p_memsz);
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		if (!(ph->p_flags & PF_W)) {
			*err = add_range(image.ro, &image.nro, 64, lo, hi, !!(ph->p_flags & PF_X));
			continue;
		}
		if (relro_lo < relro_hi && relro_lo >= lo && relro_hi <= hi) {
			*err = add_range(image.ro, &image.nro, 64, relro_lo, relro_hi, 0);
			if (!*err)
				*err = add_range(image.globals, &image.nglobals, 32, lo, relro_lo, 0);
			lo = relro_hi;
		}
		if (!*err)
			*err = add_range(image.globals, &image.nglobals, 32, lo, hi, 0);
	}
	return *err;
}

/* Before main(), before any secret can reach a global: the pristine copy. */
int image_snapshot(void)
{
	int err = 0;
	size_t off = 0;

	if (image.snapshot)
		return 0;
	dl_iterate_phdr(add_object, &err);
	if (err)
		return err;
	for (int i = 0; i < image.nglobals; i++)
		image.globals_size += image.globals[i].end - image.globals[i].start;
	image.snapshot = mmap(NULL, image.globals_size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (image.snapshot == MAP_FAILED) {
		image.snapshot = NULL;
		return -ENOMEM;
	}
	for (int i = 0; i < image.nglobals; i++) {
		size_t len = image.globals[i].end - image.globals[i].start;
		memcpy(image.snapshot + off, (void *)image.globals[i].start, len);
		off += len;
	}
	/* in the copies, and only there, code knows it runs in a domain */
	for (int i = 0, o = 0; i < image.nglobals; i++) {
		uintptr_t a = (uintptr_t)&sthread_in_domain;
		if (a >= image.globals[i].start && a < image.globals[i].end)
			*(volatile int *)(image.snapshot + o + (a - image.globals[i].start)) = 1;
		o += (int)(image.globals[i].end - image.globals[i].start);
	}
	return 0;
}

/* ---- eager binding ----
 * A function an object calls through its PLT for the first time goes
 * through the dynamic linker, which reads its own records (not in any
 * domain) and writes the GOT: in an sthread that is a fault. With every
 * object bound at load time (LD_BIND_NOW, or -z now on each of them) the
 * GOT is complete before the snapshot. */
static int object_is_lazy(struct dl_phdr_info *info, size_t size, void *arg)
{
	int *lazy = arg;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		int plt = 0, now = 0;
		if (ph->p_type != PT_DYNAMIC)
			continue;
		for (const ElfW(Dyn) *d = (const void *)(info->dlpi_addr + ph->p_vaddr);
		     d->d_tag != DT_NULL; d++) {
			plt |= d->d_tag == DT_JMPREL;
			now |= d->d_tag == DT_BIND_NOW ||
			       (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_BIND_NOW)) ||
			       (d->d_tag == DT_FLAGS_1 && (d->d_un.d_val & DF_1_NOW));
		}
		if (plt && !now)
			*lazy = 1;
	}
	return 0;
}

/* Runs the program again with LD_BIND_NOW=1 if some object binds lazily:
 * before main(), so nothing has happened yet that a second start repeats. */
static void bind_now(void)
{
	static char args[65536];
	char *argv[1024];
	int lazy = 0, fd, argc = 0;
	ssize_t n, len = 0;
	const char *env = getenv("LD_BIND_NOW");

	if (env && *env)
		return;
	dl_iterate_phdr(object_is_lazy, &lazy);
	if (!lazy)
		return;
	if ((fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC)) < 0)
		goto fail;
	while ((n = read(fd, args + len, sizeof(args) - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	if (len <= 0 || len >= (ssize_t)sizeof(args) - 1)
		goto fail;
	for (char *p = args; p < args + len && argc < 1023; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	setenv("LD_BIND_NOW", "1", 1);
	execv("/proc/self/exe", argv);
fail:
	fprintf(stderr, "libsthread: the program binds symbols lazily and could not be started "
			"again with LD_BIND_NOW=1; sthreads calling a library function for the "
			"first time will fault: run it with LD_BIND_NOW=1\n");
}

__attribute__((constructor(101))) static void snapshot_early(void)
{
	int r;

	bind_now();
	r = image_snapshot();
	if (r)
		fprintf(stderr, "libsthread: no snapshot of the program's globals (%s); "
				"sthread_init will fail\n", strerror(-r));
}

/* ---- the TLS template ---- */

static int lowest_tls(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t *lo = arg;
	(void)size;
	if (info->dlpi_tls_modid && info->dlpi_tls_data &&
	    (uintptr_t)info->dlpi_tls_data < *lo)
		*lo = (uintptr_t)info->dlpi_tls_data;
	return 0;
}

/* In a fresh thread: its static TLS blocks and thread control block, which
 * glibc puts at the top of the thread's stack mapping. */
static void *capture_tls(void *arg)
{
	pthread_attr_t attr;
	void *stack;
	size_t stack_size;
	uintptr_t fs, lo, end;
	int *err = arg;

	asm volatile("mov %%fs:0, %0" : "=r"(fs));
	if (pthread_getattr_np(pthread_self(), &attr) ||
	    pthread_attr_getstack(&attr, &stack, &stack_size)) {
		*err = -ENOTSUP;
		return NULL;
	}
	pthread_attr_destroy(&attr);
	end = (uintptr_t)stack + stack_size;
	lo = fs;
	dl_iterate_phdr(lowest_tls, &lo);
	lo &= ~(uintptr_t)63;
	if (fs >= end || end - lo > TLS_MAX || lo < (uintptr_t)stack) {
		*err = -ENOTSUP;
		return NULL;
	}
	image.tls_size = end - lo;
	image.tls = malloc(image.tls_size);
	if (!image.tls) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(image.tls, (void *)lo, image.tls_size);
	image.tls_lo_offset = lo & (PGSIZE - 1);
	image.tls_fs_offset = fs - lo;
	return NULL;
}

/* vvar: the data the vDSO's clock functions read, if libdune mirrors it */
static void add_vvar(const struct dune_procmap_entry *e)
{
	if (e->type == PROCMAP_TYPE_VVAR && e->r && dune_va_to_pa((void *)e->begin))
		add_range(image.ro, &image.nro, 64, e->begin, e->end, 0);
}

int image_init(void)
{
	pthread_t t;
	int err = 0;
	unsigned a, b, c, d;

	if (!image.snapshot && (err = image_snapshot()))
		return err;
	if (!image.tls) {
		if (pthread_create(&t, NULL, capture_tls, &err) || pthread_join(t, NULL))
			return -EAGAIN;
		if (err)
			return err;
		dune_procmap_iterate(add_vvar);
	}
	image.xsave = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE);
	return 0;
}
