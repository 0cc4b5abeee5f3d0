/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences, kept in one place. dune.ko supports the two
 * Debian LTS kernels it is built and tested against: 6.1 (from 6.1.78) and
 * 6.12 (supported.mk says so at build time; this is the backstop).
 */
#ifndef DUNE_COMPAT_H
#define DUNE_COMPAT_H

#include <linux/version.h>

#define DUNE_KERNEL_IS(a, b) \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(a, b, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(a, b + 1, 0))

#if !(DUNE_KERNEL_IS(6, 1) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 78)) && !DUNE_KERNEL_IS(6, 12)
#error "dune.ko supports Linux 6.1 (6.1.78 or later) and 6.12 only; see kmod/README.md, Supported kernels"
#endif

/*
 * The host's NMI entry for an NMI that caused a VM exit (called through an
 * IRET frame): 6.1 exports asm_exc_nmi_noist, 6.12 a KVM-VMX-specific one.
 */
#if DUNE_KERNEL_IS(6, 12)
#define DUNE_HOST_NMI_ENTRY asm_exc_nmi_kvm_vmx
#else
#define DUNE_HOST_NMI_ENTRY asm_exc_nmi_noist
#endif

#ifndef __ASSEMBLY__
#include <linux/mm.h>

#define dune_gup_unlocked(addr, page, flags) \
	get_user_pages_unlocked((addr), 1, (page), (flags))

/*
 * The pfn behind a VM_IO/VM_PFNMAP address and whether its PTE is
 * writable; 0, or -errno if nothing is mapped there. mmap lock held.
 * 6.12 has follow_pfnmap_start()/end(); 6.1 has follow_pte(mm, ...).
 */
static inline int dune_pfnmap_read(struct vm_area_struct *vma, unsigned long addr,
				   unsigned long *pfn, bool *writable)
{
#if DUNE_KERNEL_IS(6, 12)
	struct follow_pfnmap_args args = { .vma = vma, .address = addr };
	int ret = follow_pfnmap_start(&args);

	if (ret)
		return ret;
	*pfn = args.pfn;
	*writable = args.writable;
	follow_pfnmap_end(&args);
	return 0;
#else
	spinlock_t *ptl;
	pte_t *ptep, pte;
	int ret = follow_pte(vma->vm_mm, addr, &ptep, &ptl);

	if (ret)
		return ret;
	pte = *ptep;
	pte_unmap_unlock(ptep, ptl);
	*pfn = pte_pfn(pte);
	*writable = pte_write(pte);
	return 0;
#endif
}

/* an xfeatures argument since 6.8, backported to 6.1.78 */
#define dune_fpu_to_uabi(gfpu, buf, size, xfeatures, pkru) \
	fpu_copy_guest_fpstate_to_uabi((gfpu), (buf), (size), (xfeatures), (pkru))
#endif /* __ASSEMBLY__ */

#endif
