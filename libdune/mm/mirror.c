/* both halves - mirror.c: keeps pgroot in line with the process's host mappings.
 *
 * Every accessible host mapping is "mirrored": laid out in guest-physical
 * space, backed by a memory slot and mapped in pgroot with its host
 * protection (plus PTE_U, as Dune's full mapping mode). Removing or
 * narrowing entries is done only from guest mode (or before any vCPU ran):
 * shadow-paging hosts only notice page-table writes the guest makes itself.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/state.h"
#include "common/util.h"
#include "dune.h"
#include "guest/x86/hypercall.h"
#include "guest/x86/uview.h"
#include "host/vcpu_list.h"
#include "mm/layout.h"
#include "mm/mirror.h"
#include "mm/mirror_lock.h"
#include "mm/pagetable.h"
#include "mm/procmap.h"
#include "mm/ptpool.h"
#include "mm/slots.h"
#include "mm/tlb.h"

struct range {
	uintptr_t start, end;
	int prot;
	int lazy; /* recorded only: nothing laid out or mapped yet */
};

#define MAX_RANGES 65536
#define LAZY_BLOCK (8UL << 20) /* what a first touch of a lazy range maps */

static size_t lazy_min; /* 0: everything mirrored at once */

static struct range *ranges; /* sorted, disjoint */
static unsigned nr_ranges;
static uint64_t total_bytes;

static int ranges_init(void)
{
	void *p;
	if (ranges)
		return 0;
	p = mmap(NULL, MAX_RANGES * sizeof(*ranges), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	ranges = p;
	return 0;
}

/* index of the first range ending above va */
static unsigned find_first(uintptr_t va)
{
	unsigned lo = 0, hi = nr_ranges;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (ranges[mid].end <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int insert_range(unsigned at, uintptr_t start, uintptr_t end, int prot, int lazy)
{
	if (nr_ranges >= MAX_RANGES)
		return -ENOSPC;
	memmove(&ranges[at + 1], &ranges[at], (nr_ranges - at) * sizeof(*ranges));
	ranges[at] = (struct range){ start, end, prot, lazy };
	nr_ranges++;
	return 0;
}

static void delete_range(unsigned at)
{
	memmove(&ranges[at], &ranges[at + 1], (nr_ranges - at - 1) * sizeof(*ranges));
	nr_ranges--;
}

/* Makes va a range boundary if a range straddles it. */
static int split_at(uintptr_t va)
{
	unsigned at = find_first(va);
	if (at < nr_ranges && ranges[at].start < va) {
		struct range r = ranges[at];
		ranges[at].end = va;
		return insert_range(at + 1, va, r.end, r.prot, r.lazy);
	}
	return 0;
}

static void coalesce(uintptr_t start, uintptr_t end)
{
	unsigned at = find_first(start);
	if (at > 0)
		at--;
	while (at + 1 < nr_ranges && ranges[at].start <= end) {
		if (ranges[at].end == ranges[at + 1].start &&
		    ranges[at].prot == ranges[at + 1].prot && ranges[at].lazy == ranges[at + 1].lazy) {
			ranges[at].end = ranges[at + 1].end;
			delete_range(at + 1);
		} else {
			at++;
		}
	}
}

/*
 * Memory that is libdune's alone: the page-table pool and what
 * mirror_kernel_only() names (per-CPU pages, trap stacks, the IDT, the entry
 * code). User code must never reach it: on a ring-0 guest it loses PTE_U;
 * on a deprivileged guest the program itself runs in ring 3 and needs
 * PTE_U, so it is marked PTE_KONLY, which keeps it out of the user view.
 */
struct konly {
	uintptr_t start, end;
	int prot;
};
#define MAX_KONLY 4096
/* two ranges per vCPU (vcpus.c cannot fail there), a few of libdune's own */
_Static_assert(MAX_KONLY >= 2 * MAX_VCPUS + 64, "kernel-only table");
static struct konly konly[MAX_KONLY];
static unsigned nr_konly;

static void protect_kernel_only(uintptr_t a, uintptr_t b, uintptr_t lo, uintptr_t hi, int prot)
{
	ptent_t flags = prot_to_pte(prot);
	if (a > lo)
		lo = a;
	if (b < hi)
		hi = b;
	if (lo >= hi || !flags)
		return;
	flags = dune_state.deprivileged ? flags | PTE_KONLY : flags & ~PTE_U;
	vm_protect_range(pgroot, lo, hi, flags);
}

/* dune_init(false): all but the user ranges is the program's alone */
#define MAX_USER_RANGES 8
static int precise;
static struct {
	uintptr_t start, end;
} user_ranges[MAX_USER_RANGES]; /* sorted, disjoint */
static unsigned nr_user_ranges;

static int kernel_only_access(uintptr_t a, uintptr_t b, int prot)
{
	uintptr_t lo, hi;
	if (precise) {
		uintptr_t from = 0;
		for (unsigned i = 0; i < nr_user_ranges; i++) {
			protect_kernel_only(a, b, from, user_ranges[i].start, prot);
			from = user_ranges[i].end;
		}
		protect_kernel_only(a, b, from, UINTPTR_MAX, prot);
	}
	ptpool_range(&lo, &hi);
	protect_kernel_only(a, b, lo, hi, PROT_READ | PROT_WRITE);
	for (unsigned i = 0; i < nr_konly; i++)
		protect_kernel_only(a, b, konly[i].start, konly[i].end, konly[i].prot);
	return 0;
}

/* Every mirrored range gets its flags again (after a change of the rules). */
static void reapply_all(void)
{
	for (unsigned i = 0; i < nr_ranges; i++) {
		vm_protect_range(pgroot, ranges[i].start, ranges[i].end,
				 prot_to_pte(ranges[i].prot));
		kernel_only_access(ranges[i].start, ranges[i].end, ranges[i].prot);
	}
}

void mirror_set_precise(int on)
{
	precise = on;
}

int mirror_precise(void)
{
	return precise;
}

static int user_memory(uintptr_t start, uintptr_t end, int add)
{
	unsigned at;
	if (!precise || start >= end)
		return -EINVAL;
	start = PAGE_ALIGN_DOWN(start);
	end = PAGE_ALIGN_UP(end);
	mirror_lock();
	if (!add)
		nr_user_ranges = 0;
	for (at = 0; at < nr_user_ranges && user_ranges[at].start < start; at++)
		;
	if (nr_user_ranges == MAX_USER_RANGES ||
	    (at > 0 && user_ranges[at - 1].end > start) ||
	    (at < nr_user_ranges && user_ranges[at].start < end)) {
		mirror_unlock();
		return nr_user_ranges == MAX_USER_RANGES ? -ENOSPC : -EEXIST;
	}
	memmove(&user_ranges[at + 1], &user_ranges[at],
		(nr_user_ranges - at) * sizeof(user_ranges[0]));
	user_ranges[at].start = start;
	user_ranges[at].end = end;
	nr_user_ranges++;
	reapply_all();
	mirror_unlock();
	tlb_flush_range(0, 1UL << VA_BITS);
	return 0;
}

int dune_set_user_memory(uintptr_t start, uintptr_t end)
{
	return user_memory(start, end, 0);
}

int dune_add_user_memory(uintptr_t start, uintptr_t end)
{
	return user_memory(start, end, 1);
}

int mirror_kernel_only(uintptr_t start, uintptr_t end, int prot, int entry)
{
	start = PAGE_ALIGN_DOWN(start);
	end = PAGE_ALIGN_UP(end);
	mirror_lock();
	if (nr_konly == MAX_KONLY) {
		mirror_unlock();
		return -ENOSPC;
	}
	konly[nr_konly++] = (struct konly){start, end, prot};
	protect_kernel_only(start, end, start, end, prot);
	mirror_unlock();
	tlb_flush_range(start, end);
	if (entry)
		uview_add_entry_range(start, end);
	return 0;
}

/* After the mode probe: what was mirrored so far gets the right bits. */
void mirror_pool_access(void)
{
	uintptr_t lo, hi;
	mirror_lock();
	reapply_all();
	/* not mirrored ranges too (the doorbell) */
	ptpool_range(&lo, &hi);
	protect_kernel_only(lo, hi, lo, hi, PROT_READ | PROT_WRITE);
	for (unsigned i = 0; i < nr_konly; i++)
		protect_kernel_only(konly[i].start, konly[i].end, konly[i].start,
				    konly[i].end, konly[i].prot);
	mirror_unlock();
}

static int add_piece(uintptr_t a, uintptr_t b, int prot)
{
	ptent_t flags = prot_to_pte(prot);
	int r;

	if (!flags)
		return 0;
	if ((r = layout_reserve(a, b)) < 0)
		return r;
	if ((r = slots_add(a, b - a)) < 0) {
		dune_dbg("memory slot for 0x%lx-0x%lx refused: %d", (unsigned long)a,
			 (unsigned long)b, r);
		layout_release(a, b);
		return r;
	}
	if ((r = vm_map_range(pgroot, a, b, flags)) < 0 || (r = kernel_only_access(a, b, prot)) < 0) {
		vm_unmap_range(pgroot, a, b);
		tlb_flush_range(a, b);
		slots_remove(a, b - a);
		layout_release(a, b);
		return r;
	}
	total_bytes += b - a;
	return insert_range(find_first(a), a, b, prot, 0);
}

void dune_mirror_lazily(size_t min_len)
{
	lazy_min = min_len;
}

int mirror_add(uintptr_t start, uintptr_t end, int prot)
{
	int r = 0, changed = 0;
	uintptr_t va;

	start = PAGE_ALIGN_DOWN(start);
	end = PAGE_ALIGN_UP(end);
	if (start >= end || end > (1UL << VA_BITS))
		return -EINVAL;
	mirror_lock();
	if ((r = ranges_init()) < 0)
		goto out;
	/* covered parts take the new protection, gaps get mirrored */
	if ((r = split_at(start)) < 0 || (r = split_at(end)) < 0)
		goto out;
	va = start;
	while (va < end) {
		unsigned at = find_first(va);
		uintptr_t gap_end = end;
		if (at < nr_ranges && ranges[at].start <= va) {
			struct range *rg = &ranges[at];
			if (rg->prot != prot) {
				ptent_t flags = prot_to_pte(prot);
				if (!rg->lazy) {
					vm_protect_range(pgroot, rg->start, rg->end, flags);
					changed = 1;
				}
				rg->prot = prot;
			}
			va = rg->end;
			continue;
		}
		if (at < nr_ranges && ranges[at].start < gap_end)
			gap_end = ranges[at].start;
		if (lazy_min && gap_end - va >= lazy_min)
			r = prot_to_pte(prot) ? insert_range(at, va, gap_end, prot, 1) : 0;
		else
			r = add_piece(va, gap_end, prot);
		if (r < 0)
			goto out;
		va = gap_end;
	}
	coalesce(start, end);
out:
	/* one flush (and shootdown) for every range whose protection changed */
	if (changed)
		tlb_flush_range(start, end);
	mirror_unlock();
	return r;
}

int mirror_remove(uintptr_t start, uintptr_t end)
{
	int r = 0;
	unsigned at;

	start = PAGE_ALIGN_DOWN(start);
	end = PAGE_ALIGN_UP(end);
	if (start >= end)
		return 0;
	vcpus_check_unmap(start, end, "mirror_remove");
	mirror_lock();
	if (!ranges || (r = split_at(start)) < 0 || (r = split_at(end)) < 0)
		goto out;
	/* page tables first, then the TLB, then the memory behind them */
	for (at = find_first(start); at < nr_ranges && ranges[at].start < end; at++)
		if (!ranges[at].lazy)
			vm_unmap_range(pgroot, ranges[at].start, ranges[at].end);
	tlb_flush_range(start, end);
	at = find_first(start);
	while (at < nr_ranges && ranges[at].start < end) {
		struct range rg = ranges[at];
		if (!rg.lazy) {
			if ((r = slots_remove(rg.start, rg.end - rg.start)) < 0)
				goto out;
			layout_release(rg.start, rg.end);
			total_bytes -= rg.end - rg.start;
		}
		delete_range(at);
	}
out:
	mirror_unlock();
	return r;
}

int mirror_pool_chunk(uintptr_t start, uintptr_t end)
{
	return mirror_add(start, end, PROT_READ | PROT_WRITE);
}

int mirror_protect(uintptr_t start, uintptr_t end, int prot)
{
	if (!prot_to_pte(prot))
		return mirror_remove(start, end);
	return mirror_add(start, end, prot);
}

int mirror_lookup(uintptr_t va, int *prot)
{
	unsigned at;
	int found = 0;
	mirror_lock();
	if (ranges) {
		at = find_first(va);
		if (at < nr_ranges && ranges[at].start <= va) {
			found = 1;
			if (prot)
				*prot = ranges[at].prot;
		}
	}
	mirror_unlock();
	return found;
}

uint64_t mirror_bytes(void)
{
	return total_bytes;
}

/* ---- bringing the mirror in line with the host ---- */

#define MAX_VMAS 65536
static struct host_vma *vmas;
static unsigned nr_vmas;

static int collect_vma(const struct host_vma *v, void *arg)
{
	(void)arg;
	if (nr_vmas >= MAX_VMAS)
		return -E2BIG;
	vmas[nr_vmas++] = *v;
	return 0;
}

int mirror_sync_all(void)
{
	int r;
	unsigned i;

	if (!vmas) {
		void *p = mmap(NULL, MAX_VMAS * sizeof(*vmas), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		vmas = p;
	}
	mirror_lock();
	if ((r = ranges_init()) < 0)
		goto out;
	/* Mirroring allocates (page tables, slots), which may map memory;
	 * go around until a scan finds nothing new. */
	for (int pass = 0; pass < 4; pass++) {
		uint64_t before = total_bytes;
		unsigned before_ranges = nr_ranges;
		nr_vmas = 0;
		if ((r = procmap_scan(collect_vma, NULL)) < 0)
			goto out;
		for (i = 0; i < nr_vmas; i++) {
			struct host_vma *v = &vmas[i];
			if (v->end > (1UL << VA_BITS))
				continue; /* vsyscall: not ours to map */
			r = prot_to_pte(v->prot) ? mirror_add(v->start, v->end, v->prot)
						 : mirror_remove(v->start, v->end);
			if (r < 0)
				goto out;
		}
		/* drop mirrored ranges that no host mapping backs any more */
		i = 0;
		for (unsigned at = 0; at < nr_ranges;) {
			uintptr_t s = ranges[at].start, e = ranges[at].end;
			while (i < nr_vmas && vmas[i].end <= s)
				i++;
			if (i < nr_vmas && vmas[i].start <= s) {
				at++;
				continue;
			}
			if (i < nr_vmas && vmas[i].start < e)
				e = vmas[i].start;
			if ((r = mirror_remove(s, e)) < 0)
				goto out;
			at = find_first(s);
		}
		if (total_bytes == before && nr_ranges == before_ranges)
			break;
	}
out:
	mirror_unlock();
	return r;
}

/* The block of a lazy range around va, mirrored now: 1, or 0 if va is in
 * no lazy range, or -errno. Called with the mirror lock held. */
static int materialize(uintptr_t va)
{
	unsigned at;
	uintptr_t lo, hi;
	int prot, r;

	if (!ranges)
		return 0;
	at = find_first(va);
	if (at >= nr_ranges || ranges[at].start > va || !ranges[at].lazy)
		return 0;
	lo = va & ~(LAZY_BLOCK - 1);
	hi = lo + LAZY_BLOCK;
	if (lo < ranges[at].start)
		lo = ranges[at].start;
	if (hi > ranges[at].end)
		hi = ranges[at].end;
	prot = ranges[at].prot;
	if ((r = split_at(lo)) < 0 || (r = split_at(hi)) < 0)
		return r;
	delete_range(find_first(lo));
	if ((r = add_piece(lo, hi, prot)) < 0) {
		insert_range(find_first(lo), lo, hi, prot, 1);
		dune_log("cannot map 0x%lx-0x%lx into the guest on first touch (error %d)",
			 (unsigned long)lo, (unsigned long)hi, -r);
		return r;
	}
	coalesce(lo, hi);
	return 1;
}

/* Guest mode: a not-present fault outside every mirrored range may be
 * memory the host mapped behind our back (another thread, a stack that
 * grows). Asks the host half and mirrors what it finds. */
int mirror_resolve_fault(uintptr_t va)
{
	struct dune_percpu *cpu = dune_self;
	uintptr_t start, end;
	int prot;
	long r;

	int ok = 0;

	/* the query and the mirroring are one step for the other threads */
	mirror_lock();
	if ((r = materialize(va)) != 0) {
		ok = r > 0;
		goto out;
	}
	if (mirror_lookup(va, NULL))
		goto out;
	r = hypercall(HC_QUERY_VMA, (long)va, 0, 0, 0);
	if (r < 0)
		goto out;
	start = cpu->hc_args[1];
	end = cpu->hc_args[2];
	prot = (int)cpu->hc_args[3];
	if (!prot_to_pte(prot) || va < start || va >= end)
		goto out;
	r = mirror_add(start, end, prot);
	if (r < 0)
		dune_log("cannot map 0x%lx-0x%lx into the guest after a fault at 0x%lx "
			 "(error %ld)", (unsigned long)start, (unsigned long)end,
			 (unsigned long)va, -r);
	ok = r == 0;
out:
	mirror_unlock();
	return ok;
}
