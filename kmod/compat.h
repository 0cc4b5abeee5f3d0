/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel-version differences, kept in one place. Written for 6.1. */
#ifndef DUNE_COMPAT_H
#define DUNE_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 16, 0)
#error "dune.ko needs Linux 5.16+ (fpu_swap_kvm_fpstate and guest fpstate helpers)"
#endif

/* get_user_pages_unlocked() lost nothing up to 6.1; 6.5 dropped vmas args elsewhere */
#define dune_gup_unlocked(addr, page, flags) \
	get_user_pages_unlocked((addr), 1, (page), (flags))

/* follow_pte() took the vma from 6.10 and became follow_pfnmap_start() in 6.12 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#error "port pfnmap_lookup() in dune_main.c to follow_pfnmap_start()"
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define dune_follow_pte(vma, addr, ptep, ptl) follow_pte((vma), (addr), (ptep), (ptl))
#else
#define dune_follow_pte(vma, addr, ptep, ptl) follow_pte((vma)->vm_mm, (addr), (ptep), (ptl))
#endif

/*
 * fpu_copy_guest_fpstate_to_uabi() gained an xfeatures argument in 6.8
 * ("x86/fpu: Allow caller to constrain xfeatures when copying to uabi
 * buffer"), backported to 6.1.y (Debian 6.1.192 has it). The exact 6.1.y
 * release is an estimate: adjust if the build says otherwise.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 78)
#define dune_fpu_to_uabi(gfpu, buf, size, xfeatures) \
	fpu_copy_guest_fpstate_to_uabi((gfpu), (buf), (size), (xfeatures), 0)
#else
#define dune_fpu_to_uabi(gfpu, buf, size, xfeatures) \
	fpu_copy_guest_fpstate_to_uabi((gfpu), (buf), (size), 0)
#endif

#endif
