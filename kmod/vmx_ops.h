/* SPDX-License-Identifier: GPL-2.0 */
/* VMX instructions as inline functions; each reports failure, none faults. */
#ifndef DUNE_VMX_OPS_H
#define DUNE_VMX_OPS_H

#include <linux/types.h>
#include <linux/printk.h>
#include "vmx_defs.h"

static __always_inline int vmx_on(u64 pa)
{
	u8 fail;

	asm volatile("vmxon %1; setna %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static __always_inline void vmx_off(void)
{
	asm volatile("vmxoff" : : : "cc", "memory");
}

static __always_inline int vmcs_clear(u64 pa)
{
	u8 fail;

	asm volatile("vmclear %1; setna %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static __always_inline int vmcs_load(u64 pa)
{
	u8 fail;

	asm volatile("vmptrld %1; setna %0" : "=qm"(fail) : "m"(pa) : "cc", "memory");
	return fail ? -EIO : 0;
}

static __always_inline unsigned long vmcs_read(unsigned long field)
{
	unsigned long value = 0;

	asm volatile("vmread %1, %0" : "+rm"(value) : "r"(field) : "cc");
	return value;
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	return (u32)vmcs_read(field);
}

static __always_inline int vmcs_write(unsigned long field, unsigned long value)
{
	u8 fail;

	asm volatile("vmwrite %2, %1; setna %0" : "=qm"(fail) : "r"(field), "rm"(value) : "cc");
	if (unlikely(fail)) {
		pr_err_ratelimited("dune: vmwrite %#lx <- %#lx failed (error %lu)\n",
				   field, value, vmcs_read(VM_INSTRUCTION_ERROR));
		return -EIO;
	}
	return 0;
}

struct invept_desc {
	u64 eptp;
	u64 reserved;
};

struct invvpid_desc {
	u64 vpid;
	u64 gla;
};

static __always_inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct invept_desc d = { eptp, 0 };

	asm volatile("invept %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}

static __always_inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct invvpid_desc d = { vpid, 0 };

	asm volatile("invvpid %0, %1" : : "m"(d), "r"(type) : "cc", "memory");
}

static __always_inline unsigned long dune_read_cr4(void)
{
	unsigned long v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static __always_inline unsigned long dune_read_cr3(void)
{
	unsigned long v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static __always_inline unsigned long dune_read_cr0(void)
{
	unsigned long v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static __always_inline unsigned long dune_read_cr2(void)
{
	unsigned long v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static __always_inline void dune_write_cr2(unsigned long v)
{
	asm volatile("mov %0, %%cr2" : : "r"(v) : "memory");
}

static __always_inline u64 dune_xgetbv(u32 index)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return lo | ((u64)hi << 32);
}

static __always_inline void dune_xsetbv(u32 index, u64 value)
{
	asm volatile("xsetbv" : : "a"((u32)value), "d"((u32)(value >> 32)), "c"(index) : "memory");
}

#endif
