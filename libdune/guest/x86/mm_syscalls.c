/* guest ring 0 - mm_syscalls.c: the system calls that change the address
 * space, forwarded to the host, then the guest's view follows (mirror.c);
 * the syscall stub (entry.S) sends them here.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/util.h"
#include "dune.h"
#include "guest/x86/hypercall.h"
#include "guest/x86/mm_syscalls.h"
#include "mm/mirror.h"
#include "mm/mirror_lock.h"

uint8_t dune_slow_syscalls[64];
static uintptr_t cur_brk;

#define SET_SLOW(nr) (dune_slow_syscalls[(nr) / 8] |= (uint8_t)(1u << ((nr) % 8)))

void syscall_init(void)
{
	SET_SLOW(SYS_mmap);
	SET_SLOW(SYS_munmap);
	SET_SLOW(SYS_mprotect);
	SET_SLOW(SYS_pkey_mprotect);
	SET_SLOW(SYS_mremap);
	SET_SLOW(SYS_brk);
	SET_SLOW(SYS_shmat);
	SET_SLOW(SYS_shmdt);
	cur_brk = (uintptr_t)raw_syscall1(SYS_brk, 0);
}

#define MAX_ERRNO 4095 /* the kernel's errors: -1 .. -MAX_ERRNO */

static int is_err(long r)
{
	return r < 0 && r >= -MAX_ERRNO;
}

static long fwd(struct dune_tf *tf)
{
	return hypercall_syscall((long)tf->rax, (long)tf->rdi, (long)tf->rsi,
				 (long)tf->rdx, (long)tf->r10, (long)tf->r8, (long)tf->r9);
}

/* Attached segments (address, size), noted at shmat: shmdt names only the
 * address, and asking the host page by page what is gone costs a
 * hypercall a page (a second and more for a GiB). Under the mirror lock. */
#define MAX_SHM_ATTACHED 256
static struct {
	uintptr_t at;
	size_t len;
} shm_attached[MAX_SHM_ATTACHED];

static void shm_note(uintptr_t at, size_t len)
{
	for (int i = 0; i < MAX_SHM_ATTACHED; i++)
		if (!shm_attached[i].len) {
			shm_attached[i].at = at;
			shm_attached[i].len = len;
			return;
		}
}

/* the size attached at at (and forgotten), 0 if not noted */
static size_t shm_forget(uintptr_t at)
{
	for (int i = 0; i < MAX_SHM_ATTACHED; i++)
		if (shm_attached[i].len && shm_attached[i].at == at) {
			size_t len = shm_attached[i].len;
			shm_attached[i].len = 0;
			return len;
		}
	return 0;
}

/* after shmdt: drop what the host no longer maps from addr on (more than
 * that is harmless: a fault brings back what the host still maps) */
static void unmirror_gone(uintptr_t addr)
{
	size_t len = shm_forget(addr);
	if (len) {
		mirror_remove(addr, addr + PAGE_ALIGN_UP(len));
		return;
	}
	int prot;
	while (mirror_lookup(addr, &prot)) {
		if (hypercall(HC_QUERY_VMA, (long)addr, 0, 0, 0) == 0)
			break;
		mirror_remove(addr, addr + PGSIZE);
		addr += PGSIZE;
	}
}

long dune_syscall_slow(struct dune_tf *tf)
{
	long nr = (long)tf->rax, r;
	uintptr_t a = tf->rdi;
	size_t len = tf->rsi;
	int prot = 0;

	/* The host call and the mirror update are one step for every other
	 * thread: otherwise memory another thread maps in between (into a
	 * range just unmapped here) would be unmirrored with it. */
	mirror_lock();
	switch (nr) {
	case SYS_mmap:
		r = fwd(tf);
		if (!is_err(r))
			mirror_protect((uintptr_t)r, (uintptr_t)r + len, (int)tf->rdx);
		break;
	case SYS_munmap:
		r = fwd(tf);
		if (r == 0)
			mirror_remove(a, a + len);
		break;
	case SYS_mprotect:
	case SYS_pkey_mprotect:
		r = fwd(tf);
		if (r == 0)
			mirror_protect(a, a + len, (int)tf->rdx);
		break;
	case SYS_mremap: {
		size_t new_len = tf->rdx;
		int flags = (int)tf->r10;
		int known = mirror_lookup(a, &prot);
		r = fwd(tf);
		if (is_err(r))
			break;
		if (!(flags & 4 /* MREMAP_DONTUNMAP */))
			mirror_remove(a, a + len);
		if (known)
			mirror_add((uintptr_t)r, (uintptr_t)r + new_len, prot);
		break;
	}
	case SYS_brk:
		r = fwd(tf);
		if ((uintptr_t)r > cur_brk)
			mirror_add(PAGE_ALIGN_DOWN(cur_brk), PAGE_ALIGN_UP((uintptr_t)r),
				   PROT_READ | PROT_WRITE);
		else if ((uintptr_t)r < cur_brk)
			mirror_remove(PAGE_ALIGN_UP((uintptr_t)r), PAGE_ALIGN_UP(cur_brk));
		cur_brk = (uintptr_t)r;
		break;
	case SYS_shmat: {
		struct shmid_ds ds;
		r = fwd(tf);
		if (is_err(r))
			break;
		if (hypercall_syscall(SYS_shmctl, (long)tf->rdi, IPC_STAT, (long)&ds, 0, 0, 0) == 0) {
			prot = (tf->rdx & SHM_RDONLY) ? PROT_READ : PROT_READ | PROT_WRITE;
			if (tf->rdx & SHM_EXEC)
				prot |= PROT_EXEC;
			mirror_add((uintptr_t)r, (uintptr_t)r + ds.shm_segsz, prot);
			shm_note((uintptr_t)r, ds.shm_segsz);
		}
		break;
	}
	case SYS_shmdt:
		r = fwd(tf);
		if (r == 0)
			unmirror_gone(a);
		break;
	default:
		r = fwd(tf);
		break;
	}
	mirror_unlock();
	tf->rax = (uint64_t)r;
	return r;
}

static int is_slow(uint64_t nr)
{
	return nr < 512 && (dune_slow_syscalls[nr / 8] & (1u << (nr % 8)));
}

/* Through the program's own system call path: calls that may go to the
 * fast-call server (fastcall.c) go there instead of exiting. */
void dune_passthrough_syscall(struct dune_tf *tf)
{
	if (is_slow(tf->rax))
		dune_syscall_slow(tf);
	else
		tf->rax = (uint64_t)raw_syscall6((long)tf->rax, (long)tf->rdi, (long)tf->rsi,
						 (long)tf->rdx, (long)tf->r10, (long)tf->r8,
						 (long)tf->r9);
}

void dune_passthrough_syscall_guarded(struct dune_tf *tf, const struct dune_call_guard *g)
{
	if (is_slow(tf->rax)) { /* address-space calls do not block */
		dune_syscall_slow(tf);
		return;
	}
	hypercall_guard_next(g);
	dune_passthrough_syscall(tf);
	hypercall_guard_next(NULL);
}
