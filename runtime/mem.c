/*
 * mem.c - the program's memory. Every mapping it has lies inside
 * [BOX_LO, BOX_HI), the only memory its page table lets it reach; mmap and
 * friends are emulated so that it stays so: addresses the kernel would pick
 * (near the monitor's, at the top of the address space) are picked here,
 * inside the region, and nothing outside it may be unmapped, remapped or
 * reprotected.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "mem.h"
#include "monitor_fds.h"
#include "sysv_ipc.h"

#define PG 4096UL
#define PAGE_UP(x) (((x) + PG - 1) & ~(PG - 1))
#define MAX_PLACE_TRIES 4096
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif

static uintptr_t brk_start, brk_cur;
static uintptr_t mmap_cursor; /* new mappings go below it, top-down */
static int mem_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&mem_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void unlock(void)
{
	__atomic_store_n(&mem_lock, 0, __ATOMIC_RELEASE);
}

void mem_after_fork(void)
{
	unlock(); /* a thread that held it is not in the child */
}

int mem_contains(uintptr_t addr, size_t len)
{
	return addr >= BOX_LO && addr <= BOX_HI && len <= BOX_HI - addr;
}

/* sysargs' question: may the kernel touch [addr, addr+len) for the
 * program? Inside the region, yes (the kernel itself refuses what is not
 * mapped there); the shared vDSO only for reading. */
int mem_range_ok(void *ctx, uintptr_t addr, size_t len, int write)
{
	(void)ctx;
	if (len == 0 || mem_contains(addr, len))
		return 1;
	return !write && addr >= box.vdso_lo && addr <= box.vdso_hi && len <= box.vdso_hi - addr;
}

void mem_reset(uintptr_t brk)
{
	brk_start = brk_cur = brk;
}

void mem_set_mmap_top(uintptr_t top)
{
	mmap_cursor = top & ~(PG - 1);
}

int mem_unmap_all(void)
{
	return munmap((void *)BOX_LO, BOX_HI - BOX_LO) == 0 ? 0 : -errno;
}

static long sys_mmap(uintptr_t addr, size_t len, long prot, long flags, long fd, long off)
{
	return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

/* A place for len bytes inside the region, mapped there at once by try
 * (which gets MAP_FIXED_NOREPLACE semantics): top-down from the cursor. */
static long place(size_t len, long (*try)(uintptr_t at, const long *a), const long *a)
{
	uintptr_t at = mmap_cursor;
	for (int i = 0; i < MAX_PLACE_TRIES; i++) {
		long r;
		if (at < BOX_LO + len || at - len < PAGE_UP(brk_cur) + (1UL << 30))
			return -ENOMEM;
		at -= len;
		r = try(at, a);
		if (r == (long)at) {
			mmap_cursor = at;
			return r;
		}
		if (r != -EEXIST)
			return r;
		/* something of the program's is there: below it */
	}
	return -ENOMEM;
}

static long try_mmap(uintptr_t at, const long *a)
{
	long r = sys_mmap(at, (size_t)a[1], a[2], (a[3] & ~MAP_FIXED) | MAP_FIXED_NOREPLACE, a[4],
			  a[5]);
	return r < 0 ? -errno : r;
}

static long map_now(const long *a)
{
	uintptr_t addr = (uintptr_t)a[0];
	size_t len = PAGE_UP((size_t)a[1]);
	long r;

	if (!a[1] || len < (size_t)a[1])
		return -EINVAL;
	if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!mem_contains(addr, len))
			return -ENOMEM;
		r = sys_mmap(addr, len, a[2], a[3], a[4], a[5]);
		return r < 0 ? -errno : r;
	}
	if (a[3] & MAP_32BIT)
		return -ENOMEM; /* not offered */
	if (addr && mem_contains(addr & ~(PG - 1), len)) {
		r = try_mmap(addr & ~(PG - 1), a);
		if (r != -EEXIST)
			return r;
	}
	long b[6] = {0, (long)len, a[2], a[3], a[4], a[5]};
	lock();
	r = place(len, try_mmap, b);
	unlock();
	return r;
}

/* A file mapping is a copy of the descriptor: checked and made while no
 * new monitor descriptor can take its number (monitor_fds.h). */
static long emu_mmap(const long *a)
{
	long r;
	if (a[3] & MAP_ANONYMOUS)
		return map_now(a);
	mfd_capture_begin();
	r = mfd_is_monitors(a[4]) ? -EBADF : map_now(a);
	mfd_capture_end();
	return r;
}

static long try_reserve(uintptr_t at, const long *a)
{
	long r = sys_mmap(at, (size_t)a[0], PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	return r < 0 ? -errno : r;
}

/* Room for len bytes, held by a PROT_NONE mapping the caller replaces. */
static long reserve(size_t len)
{
	long a[1] = {(long)len};
	long r;
	lock();
	r = place(len, try_reserve, a);
	unlock();
	return r;
}

static long emu_mremap(const long *a)
{
	uintptr_t old = (uintptr_t)a[0];
	size_t oldlen = PAGE_UP((size_t)a[1]), newlen = PAGE_UP((size_t)a[2]);
	long flags = a[3], r;

	if (!mem_contains(old, oldlen ? oldlen : PG) || !newlen)
		return -EINVAL;
	if (flags & MREMAP_FIXED) {
		if (!mem_contains((uintptr_t)a[4], newlen))
			return -EINVAL;
		r = (long)mremap((void *)old, oldlen, newlen, flags, (void *)a[4]);
		return r == -1 ? -errno : r;
	}
	/* in place only while the grown mapping stays in the region */
	if (mem_contains(old, newlen)) {
		r = (long)mremap((void *)old, oldlen, newlen, flags & ~MREMAP_MAYMOVE);
		if (r != -1 || !(flags & MREMAP_MAYMOVE))
			return r == -1 ? -errno : r;
	} else if (!(flags & MREMAP_MAYMOVE)) {
		return -ENOMEM;
	}
	r = reserve(newlen);
	if (r < 0)
		return r;
	long moved = (long)mremap((void *)old, oldlen, newlen, flags | MREMAP_FIXED, (void *)r);
	if (moved == -1) {
		int e = errno;
		munmap((void *)r, newlen);
		return -e;
	}
	return moved;
}

static long emu_brk(uintptr_t want)
{
	uintptr_t have, need;
	lock();
	if (want < brk_start || want > BOX_HI) {
		unlock();
		return (long)brk_cur;
	}
	have = PAGE_UP(brk_cur);
	need = PAGE_UP(want);
	if (need > have) {
		long r = sys_mmap(have, need - have, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (r != (long)have) {
			if (r != -1)
				munmap((void *)r, need - have);
			unlock();
			return (long)brk_cur; /* malloc then falls back to mmap */
		}
	} else if (need < have) {
		munmap((void *)need, have - need);
	}
	brk_cur = want;
	unlock();
	return (long)brk_cur;
}

/* The segment id names, attached whole inside the region: the kernel maps
 * every page of it, so every page is checked, not the first. */
static long emu_shmat(const long *a)
{
	struct shmid_ds ds, again;
	int id = (int)a[0], flags = (int)a[2];
	uintptr_t at = (uintptr_t)a[1];
	size_t len;
	long r;

	if (!sysv_ipc_owns_shm(id))
		return -EINVAL; /* not one of the box's: as if it did not exist */
	if (shmctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	len = PAGE_UP(ds.shm_segsz);
	if (at) {
		if (flags & SHM_RND)
			at &= ~(uintptr_t)(SHMLBA - 1);
		if (!mem_contains(at, len))
			return -EINVAL;
		r = (long)shmat(id, (void *)at, flags);
		if (r == -1)
			return -errno;
	} else {
		r = reserve(len);
		if (r < 0)
			return r;
		at = (uintptr_t)r;
		r = (long)shmat(id, (void *)at, flags | SHM_REMAP);
		if (r == -1) {
			int e = errno;
			munmap((void *)at, len);
			return -e;
		}
	}
	/* the id named another segment by the time it was attached */
	if (shmctl(id, IPC_STAT, &again) < 0 || PAGE_UP(again.shm_segsz) != len) {
		shmdt((void *)r);
		return -EINVAL;
	}
	return r;
}

/* The kernel rejects these before it looks at any mapping: an empty
 * range, or (but for mlock/munlock, which round down) a start that is not
 * page-aligned. Such a call touches nothing, wherever it points, so the
 * kernel may answer it with its own errno. */
static int kernel_refuses_first(long nr, uintptr_t addr, size_t len)
{
	if (len == 0)
		return 1;
	return (addr & (PG - 1)) && nr != SYS_mlock && nr != SYS_munlock && nr != SYS_mlock2;
}

static long raw_result(long r)
{
	return r == -1 ? -errno : r;
}

/* A range call: only inside the region. */
static long in_region(long nr, const long *a, long err)
{
	size_t len = (size_t)a[1];
	if (kernel_refuses_first(nr, (uintptr_t)a[0], len))
		return raw_result(syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
	if (!mem_contains((uintptr_t)a[0], len))
		return err;
	/* mincore writes a byte per page to its vector */
	if (nr == SYS_mincore && !mem_range_ok(NULL, (uintptr_t)a[2], len / PG + !!(len % PG), 1))
		return -EFAULT;
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	return r == -1 ? -errno : r;
}

static size_t memlock_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 64UL << 20;
	return rl.rlim_cur;
}

/* Returns the result, or 1 in *handled == 0 for calls that are not about
 * memory. */
long mem_syscall(long nr, const long a[6])
{
	switch (nr) {
	case SYS_mmap:
		return emu_mmap(a);
	case SYS_munmap:
		return in_region(nr, a, -EINVAL);
	case SYS_madvise:
		/* poisoning and offlining act on the host's physical pages */
		if (a[2] == MADV_HWPOISON || a[2] == MADV_SOFT_OFFLINE)
			return -EPERM;
		return in_region(nr, a, -ENOMEM);
	case SYS_mlock:
	case SYS_mlock2:
		/* locked memory is the host's: no more than RLIMIT_MEMLOCK,
		 * whatever privilege the monitor has */
		if ((size_t)a[1] > memlock_limit())
			return -ENOMEM;
		return in_region(nr, a, -ENOMEM);
	case SYS_mlockall:
		return -EPERM; /* would lock the monitor's memory too */
	case SYS_mprotect:
	case SYS_pkey_mprotect:
	case SYS_msync:
	case SYS_munlock:
	case SYS_mincore:
		return in_region(nr, a, -ENOMEM);
	case SYS_mremap:
		return emu_mremap(a);
	case SYS_brk:
		return emu_brk((uintptr_t)a[0]);
	case SYS_shmat:
		return emu_shmat(a);
	case SYS_shmdt:
		return in_region(nr, (const long[6]){a[0], (long)PG, 0, 0, 0, 0}, -EINVAL);
	}
	return -ENOSYS;
}
