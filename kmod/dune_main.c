// SPDX-License-Identifier: GPL-2.0
/*
 * dune.ko: /dev/dune. One open file is one VM bound to the opener's mm:
 * memory slots, the EPT that mirrors them, and the mmu_notifier that keeps
 * the EPT coherent with the process's page tables.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "dune.h"
#include "ept.h"
#include "vmx_ops.h"

static bool dune_huge = true;
module_param_named(huge_pages, dune_huge, bool, 0644);
MODULE_PARM_DESC(huge_pages, "map 2 MiB EPT pages where the host maps 2 MiB of contiguous memory");
static unsigned long dune_huge_maps;
module_param_named(huge_mappings, dune_huge_maps, ulong, 0444);
MODULE_PARM_DESC(huge_mappings, "2 MiB EPT mappings made so far");

/* ---- EPT table memory ---- */

static u64 *kernel_table_va(void *ctx, u64 pa)
{
	return (u64 *)__va(pa);
}

static void kernel_free_table(void *ctx, u64 pa)
{
	free_page((unsigned long)__va(pa));
}

/* tables come from the faulting vCPU's cache: no allocation under mmu_lock */
static u64 vcpu_alloc_table(void *ctx)
{
	struct dune_vcpu *vcpu = ctx;

	if (!vcpu || vcpu->pt_cached == 0)
		return 0;
	return vcpu->pt_cache[--vcpu->pt_cached];
}

static const struct ept_ops free_ops = {
	.alloc_table = vcpu_alloc_table,
	.free_table = kernel_free_table,
	.table_va = kernel_table_va,
	.ctx = NULL,
};

int dune_pt_cache_fill(struct dune_vcpu *vcpu)
{
	while (vcpu->pt_cached < DUNE_PT_CACHE) {
		unsigned long p = get_zeroed_page(GFP_KERNEL_ACCOUNT);

		if (!p)
			return -ENOMEM;
		vcpu->pt_cache[vcpu->pt_cached++] = __pa(p);
	}
	return 0;
}

void dune_pt_cache_free(struct dune_vcpu *vcpu)
{
	while (vcpu->pt_cached > 0)
		free_page((unsigned long)__va(vcpu->pt_cache[--vcpu->pt_cached]));
}

/* ---- zapping ---- */

/* zap EPT entries of slots overlapping host [start, end); under mmu_lock */
static unsigned long zap_hva_range_locked(struct dune_vm *vm, u64 start, u64 end)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < DUNE_MAX_SLOTS; i++) {
		struct dune_mslot *s = &vm->slots[i];
		u64 lo, hi;

		if (!s->used)
			continue;
		lo = max(start, s->hva);
		hi = min(end, s->hva + s->size);
		if (lo >= hi)
			continue;
		n += ept_zap_range(&free_ops, vm->ept_root_pa,
				   s->gpa + (lo - s->hva), s->gpa + (hi - s->hva));
	}
	return n;
}

static int dune_mn_invalidate_start(struct mmu_notifier *mn,
				    const struct mmu_notifier_range *range)
{
	struct dune_vm *vm = container_of(mn, struct dune_vm, mn);
	unsigned long n;

	spin_lock(&vm->mmu_lock);
	vm->mmu_in_progress++;
	n = zap_hva_range_locked(vm, range->start, range->end);
	spin_unlock(&vm->mmu_lock);
	if (n)
		dune_invept_all_cpus(vm->eptp);
	return 0;
}

static void dune_mn_invalidate_end(struct mmu_notifier *mn,
				   const struct mmu_notifier_range *range)
{
	struct dune_vm *vm = container_of(mn, struct dune_vm, mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	vm->mmu_in_progress--;
	spin_unlock(&vm->mmu_lock);
}

/* the mm is going away (exit_mmap, or unregister): drop every mapping */
static void dune_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct dune_vm *vm = container_of(mn, struct dune_vm, mn);
	unsigned long n;

	spin_lock(&vm->mmu_lock);
	vm->mm_dead = true;
	vm->mmu_seq++;
	n = ept_zap_range(&free_ops, vm->ept_root_pa, 0, 1ull << 48);
	spin_unlock(&vm->mmu_lock);
	if (n)
		dune_invept_all_cpus(vm->eptp);
}

static const struct mmu_notifier_ops dune_mn_ops = {
	.invalidate_range_start = dune_mn_invalidate_start,
	.invalidate_range_end = dune_mn_invalidate_end,
	.release = dune_mn_release,
};

/* ---- EPT violations ---- */

static struct dune_mslot *find_slot_locked(struct dune_vm *vm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < DUNE_MAX_SLOTS; i++) {
		struct dune_mslot *s = &vm->slots[i];

		if (s->used && gpa >= s->gpa && gpa - s->gpa < s->size)
			return s;
	}
	return NULL;
}

/*
 * VM_IO/VM_PFNMAP mappings (the vDSO's vvar pages) have no struct page to
 * pin: read the pfn from the PTE, faulting it in first if needed.
 */
static int pfnmap_lookup(struct mm_struct *mm, unsigned long hva, bool write,
			 unsigned long *pfn, bool *writable)
{
	int tries;

	for (tries = 0; tries < 2; tries++) {
		struct vm_area_struct *vma;
		bool unlocked = false;
		int ret;

		vma = vma_lookup(mm, hva);
		if (!vma || !(vma->vm_flags & (VM_IO | VM_PFNMAP)))
			return -EFAULT;
		if (write && !(vma->vm_flags & VM_WRITE))
			return -EFAULT;
		if (!(vma->vm_flags & VM_READ))
			return -EFAULT;
		ret = dune_pfnmap_read(vma, hva, pfn, writable);
		if (!ret && (!write || *writable))
			return 0;
		ret = fixup_user_fault(mm, hva, write ? FAULT_FLAG_WRITE : 0, &unlocked);
		if (ret)
			return -EFAULT;
	}
	return -EFAULT;
}

#define HUGE_SIZE	(1ul << 21)
#define HUGE_NR		512

/*
 * A 2 MiB EPT leaf for the aligned 2 MiB around gpa, if the slot covers it,
 * the host address is aligned the same way, and the host maps all of it
 * writable onto 512 contiguous, aligned frames (a THP): the same memory the
 * 4 KiB entries would give. Returns 0 if mapped, 1 to retry from the guest,
 * -ENOENT to use 4 KiB pages, other -errno on errors.
 */
static int try_huge(struct dune_vcpu *vcpu, u64 gpa, const struct dune_mslot *s,
		    unsigned long seq)
{
	struct dune_vm *vm = vcpu->vm;
	struct ept_ops ops = free_ops;
	struct page **pages = vcpu->huge_buf;
	u64 gpa2 = gpa & ~(u64)(HUGE_SIZE - 1), hva2;
	struct page *probe;
	unsigned long pfn0;
	int n, i, ret;

	if (!dune_huge || !pages || !(dune_cfg.ept_vpid_cap & EPT_CAP_2MB))
		return -ENOENT;
	if (gpa2 < s->gpa || gpa2 + HUGE_SIZE > s->gpa + s->size)
		return -ENOENT;
	hva2 = s->hva + (gpa2 - s->gpa);
	if (hva2 & (HUGE_SIZE - 1))
		return -ENOENT;

	/* cheap test first: is the faulting page part of a 2 MiB folio? */
	if (get_user_pages_fast_only(s->hva + (gpa - s->gpa), 1, FOLL_WRITE, &probe) != 1)
		return -ENOENT;
	ret = compound_order(compound_head(probe)) >= 9 ? 0 : -ENOENT;
	put_page(probe);
	if (ret)
		return ret;

	n = get_user_pages_fast_only(hva2, HUGE_NR, FOLL_WRITE, pages);
	if (n <= 0)
		return -ENOENT;
	ret = -ENOENT;
	pfn0 = page_to_pfn(pages[0]);
	if (n == HUGE_NR && !(pfn0 & (HUGE_NR - 1))) {
		for (i = 1; i < HUGE_NR; i++)
			if (page_to_pfn(pages[i]) != pfn0 + i)
				break;
		if (i == HUGE_NR)
			ret = 0;
	}
	if (!ret) {
		ops.ctx = vcpu;
		spin_lock(&vm->mmu_lock);
		if (vm->mm_dead) {
			ret = -EIO;
		} else if (vm->mmu_in_progress || vm->mmu_seq != seq) {
			ret = 1;
		} else {
			ret = ept_set_large(&ops, vm->ept_root_pa, gpa2,
					    ept_make_leaf((u64)pfn0 << PAGE_SHIFT, true));
			if (ret == -EEXIST)
				ret = 1;	/* another vCPU mapped it */
			else if (ret == -EBUSY)
				ret = -ENOENT;	/* 4 KiB entries there already */
		}
		spin_unlock(&vm->mmu_lock);
		if (!ret)
			dune_huge_maps++;
	}
	for (i = 0; i < n; i++) {
		if (!ret && (i == 0 || compound_head(pages[i]) != compound_head(pages[i - 1])))
			set_page_dirty_lock(pages[i]);
		put_page(pages[i]);
	}
	return ret;
}

static void fill_ept_exit(struct dune_exit *ex, u64 gpa, u64 qual, u32 cause)
{
	memset(ex, 0, sizeof(*ex));
	ex->reason = DUNE_EXIT_EPT_FAULT;
	ex->ept.gpa = gpa;
	ex->ept.qualification = qual;
	ex->ept.cause = cause;
}

/*
 * Map the page behind gpa. Returns 0 to re-enter the guest, 1 with *ex
 * filled to exit to userspace, or a negative errno.
 */
int dune_ept_fault(struct dune_vcpu *vcpu, u64 gpa, u64 qual, struct dune_exit *ex)
{
	struct dune_vm *vm = vcpu->vm;
	bool write = qual & DUNE_EPT_WRITE;
	struct ept_ops ops = free_ops;
	struct page *page = NULL;
	unsigned long pfn, seq;
	struct dune_mslot *s, slot;
	bool writable = false, readonly_slot, mmio;
	u64 hva, leaf;
	long got;
	int ret;

	ret = dune_pt_cache_fill(vcpu);
	if (ret)
		return ret;

	spin_lock(&vm->mmu_lock);
	if (vm->mm_dead) {
		spin_unlock(&vm->mmu_lock);
		return -EIO;
	}
	s = find_slot_locked(vm, gpa);
	if (!s) {
		spin_unlock(&vm->mmu_lock);
		fill_ept_exit(ex, gpa, qual, DUNE_EPT_NO_SLOT);
		return 1;
	}
	slot = *s;
	hva = s->hva + ((gpa - s->gpa) & ~(u64)(PAGE_SIZE - 1));
	readonly_slot = s->flags & DUNE_SLOT_READONLY;
	seq = vm->mmu_seq;
	spin_unlock(&vm->mmu_lock);
	smp_rmb();

	if (write && readonly_slot) {
		fill_ept_exit(ex, gpa, qual, DUNE_EPT_HOST_FAULT);
		return 1;
	}
	if (!readonly_slot) {
		ret = try_huge(vcpu, gpa, &slot, seq);
		if (ret == 0 || ret == 1)
			return 0;
		if (ret != -ENOENT)
			return ret;
	}

	/* writable if the host already maps it writable, else as asked */
	if (!write && !readonly_slot && get_user_pages_fast_only(hva, 1, FOLL_WRITE, &page) == 1) {
		writable = true;
	} else {
		got = dune_gup_unlocked(hva, &page, write ? FOLL_WRITE : 0);
		if (got == 1) {
			writable = write;
		} else {
			page = NULL;
			mmap_read_lock(vm->mm);
			ret = pfnmap_lookup(vm->mm, hva, write, &pfn, &writable);
			mmap_read_unlock(vm->mm);
			if (ret) {
				if (fatal_signal_pending(current))
					return -EINTR;
				fill_ept_exit(ex, gpa, qual, DUNE_EPT_HOST_FAULT);
				return 1;
			}
			if (readonly_slot)
				writable = false;
		}
	}
	if (page)
		pfn = page_to_pfn(page);

	/* RAM is write-back; a VM_PFNMAP pfn outside RAM (device memory) is UC */
	mmio = !page && !pfn_valid(pfn);
	leaf = ept_make_leaf_mt((u64)pfn << PAGE_SHIFT, writable, mmio ? EPT_MT_UC : EPT_MT_WB);
	/* from now on entries clear CPU buffers where MMIO stale data needs it */
	if (mmio)
		WRITE_ONCE(vm->host_mmio, true);
	ops.ctx = vcpu;
	spin_lock(&vm->mmu_lock);
	if (vm->mm_dead) {
		ret = -EIO;
	} else if (vm->mmu_in_progress || vm->mmu_seq != seq) {
		ret = 0;	/* raced with an invalidation: retry from the guest */
	} else {
		u64 old = 0;

		ret = ept_set_leaf(&ops, vm->ept_root_pa, gpa, leaf, &old);
		/* replacing a present entry (read-only -> writable) needs a flush */
		if (!ret && ept_present(old) && old != leaf)
			ret = 2;
		/* a 2 MiB leaf appeared meanwhile: the guest retries through it */
		if (ret == -EEXIST)
			ret = 0;
	}
	spin_unlock(&vm->mmu_lock);

	if (page) {
		if (writable)
			set_page_dirty_lock(page);
		mark_page_accessed(page);
		put_page(page);
	}
	if (ret == 2) {
		dune_invept_all_cpus(vm->eptp);
		ret = 0;
	}
	return ret;
}

/*
 * Read guest-physical memory through the slots and the caller's mm (the
 * vCPU thread): for fetching instructions and page tables of MMIO accesses.
 */
int dune_read_guest_phys(struct dune_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	struct dune_mslot *s;
	u64 hva;

	if (len == 0 || len > PAGE_SIZE || (gpa & ~PAGE_MASK) + len > PAGE_SIZE)
		return -EINVAL;
	if (current->mm != vm->mm)
		return -EIO;
	spin_lock(&vm->mmu_lock);
	s = find_slot_locked(vm, gpa);
	hva = s ? s->hva + (gpa - s->gpa) : 0;
	spin_unlock(&vm->mmu_lock);
	if (!s)
		return -EFAULT;
	return copy_from_user(buf, (const void __user *)(uintptr_t)hva, len) ? -EFAULT : 0;
}

/* ---- VM file ---- */

static void dune_vm_free(struct kref *kref)
{
	struct dune_vm *vm = container_of(kref, struct dune_vm, kref);

	if (vm->mn_registered)
		mmu_notifier_unregister(&vm->mn, vm->mm);
	/* no vCPU is left: drop cached translations, then the tables */
	dune_invept_all_cpus(vm->eptp);
	spin_lock(&vm->mmu_lock);
	ept_free_tree(&free_ops, vm->ept_root_pa);
	spin_unlock(&vm->mmu_lock);
	free_page((unsigned long)__va(vm->ept_root_pa));
	mmdrop(vm->mm);
	kfree(vm);
	module_put(THIS_MODULE);
}

void dune_vm_put(struct dune_vm *vm)
{
	kref_put(&vm->kref, dune_vm_free);
}

static int dune_open(struct inode *inode, struct file *file)
{
	struct dune_vm *vm;
	unsigned long root;
	int ret;

	if (!current->mm)
		return -EINVAL;
	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	root = get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!root) {
		kfree(vm);
		return -ENOMEM;
	}
	kref_init(&vm->kref);
	mutex_init(&vm->lock);
	spin_lock_init(&vm->mmu_lock);
	vm->ept_root_pa = __pa(root);
	vm->eptp = ept_make_eptp(vm->ept_root_pa);
	vm->mm = current->mm;
	mmgrab(vm->mm);

	vm->mn.ops = &dune_mn_ops;
	ret = mmu_notifier_register(&vm->mn, vm->mm);
	if (ret) {
		mmdrop(vm->mm);
		free_page(root);
		kfree(vm);
		return ret;
	}
	vm->mn_registered = true;
	/* dune_vm_free() drops it: vCPU files outlive the VM file */
	__module_get(THIS_MODULE);
	/* a root page may have held another VM's root: flush it everywhere */
	dune_invept_all_cpus(vm->eptp);
	file->private_data = vm;
	return 0;
}

static int dune_release(struct inode *inode, struct file *file)
{
	dune_vm_put(file->private_data);
	return 0;
}

static int dune_set_slot(struct dune_vm *vm, const struct dune_slot *arg)
{
	struct dune_mslot *s = &vm->slots[arg->slot];
	unsigned long zapped = 0;
	unsigned int i;
	int ret;

	ret = dune_check_slot(arg, &dune_cfg.lim);
	if (ret)
		return ret;

	mutex_lock(&vm->lock);
	if (arg->size) {
		for (i = 0; i < DUNE_MAX_SLOTS; i++) {
			const struct dune_mslot *o = &vm->slots[i];

			if (i != arg->slot && o->used &&
			    dune_ranges_overlap(arg->gpa, arg->size, o->gpa, o->size)) {
				mutex_unlock(&vm->lock);
				return -EEXIST;
			}
		}
	}

	spin_lock(&vm->mmu_lock);
	if (s->used) {
		zapped = ept_zap_range(&free_ops, vm->ept_root_pa, s->gpa, s->gpa + s->size);
		s->used = false;
	}
	if (arg->size) {
		s->gpa = arg->gpa;
		s->size = arg->size;
		s->hva = arg->hva;
		s->flags = arg->flags;
		s->used = true;
	}
	vm->mmu_seq++;	/* a fault that read the old slot must retry */
	spin_unlock(&vm->mmu_lock);
	if (zapped)
		dune_invept_all_cpus(vm->eptp);
	mutex_unlock(&vm->lock);
	return 0;
}

static long dune_vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dune_vm *vm = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (current->mm != vm->mm)
		return -EIO;

	switch (cmd) {
	case DUNE_GET_INFO: {
		struct dune_info info;

		memset(&info, 0, sizeof(info));
		info.api_version = DUNE_API_VERSION;
		info.xsave_size = DUNE_XSAVE_SIZE;
		info.max_slots = DUNE_MAX_SLOTS;
		info.max_vcpus = DUNE_MAX_VCPUS;
		info.supported_xcr0 = dune_cfg.lim.host_xcr0;
		info.gpa_bits = dune_cfg.lim.gpa_bits;
		info.max_msrs = DUNE_MAX_MSRS;
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	}
	case DUNE_SET_SLOT: {
		struct dune_slot s;

		if (copy_from_user(&s, uarg, sizeof(s)))
			return -EFAULT;
		return dune_set_slot(vm, &s);
	}
	case DUNE_CREATE_VCPU:
		if (arg)
			return -EINVAL;
		return dune_vcpu_create(vm);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations dune_fops = {
	.owner = THIS_MODULE,
	.open = dune_open,
	.release = dune_release,
	.unlocked_ioctl = dune_vm_ioctl,
	.compat_ioctl = NULL,
	.llseek = noop_llseek,
};

static struct miscdevice dune_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "dune",
	.fops = &dune_fops,
	.mode = 0600, /* root only by default; a udev rule may open it to a group, as for /dev/kvm */
};

static int __init dune_init(void)
{
	int ret;

	ret = dune_hardening_init();
	if (ret)
		return ret;
	ret = dune_vmx_init();
	if (ret) {
		dune_hardening_exit();
		return ret;
	}
	preempt_notifier_inc();
	ret = misc_register(&dune_dev);
	if (ret) {
		pr_err(DUNE_PR "cannot register /dev/dune (%d)\n", ret);
		preempt_notifier_dec();
		dune_vmx_exit();
		dune_hardening_exit();
		return ret;
	}
	pr_info(DUNE_PR "VMX on, /dev/dune ready (EPT 2 MiB pages: %s, preemption timer: %s)\n",
		dune_cfg.ept_vpid_cap & EPT_CAP_2MB ? "yes" : "no",
		dune_cfg.preempt_timer ? "yes" : "no");
	return 0;
}

static void __exit dune_exit(void)
{
	misc_deregister(&dune_dev);
	preempt_notifier_dec();
	dune_vmx_exit();
	dune_hardening_exit();
	pr_info(DUNE_PR "VMX off, unloaded\n");
}

module_init(dune_init);
module_exit(dune_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Dune: process-level VMX non-root mode");
