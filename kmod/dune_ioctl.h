/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * /dev/dune ioctl ABI: a tiny KVM.
 *
 *   fd  = open("/dev/dune", O_RDWR)      one VM, bound to the opener's mm
 *   ioctl(fd, DUNE_GET_INFO, &info)       limits and sizes
 *   ioctl(fd, DUNE_SET_SLOT, &slot)       guest-physical -> host-virtual map
 *   vfd = ioctl(fd, DUNE_CREATE_VCPU, 0)  vCPU bound to the calling thread
 *   ioctl(vfd, DUNE_SET_REGS/SREGS/MSRS/XCR0/FPU, ...)
 *   ioctl(vfd, DUNE_RUN, &exit)           0 and an exit, or -1/EINTR
 *
 * DUNE_RUN reads its argument only to complete an MMIO load: after an exit
 * with reason DUNE_EXIT_MMIO and is_write == 0, put the loaded value in
 * exit.mmio.data before the next DUNE_RUN (the guest's register gets it and
 * RIP moves past the instruction then). MMIO stores are complete at exit.
 *
 * Every call from a process other than the opener fails with EIO; every
 * vCPU call from a thread other than its creator fails with EPERM.
 * Layouts of dune_regs/dune_segment/dune_dtable/dune_sregs are those of
 * struct kvm_regs/kvm_segment/kvm_dtable/kvm_sregs (x86).
 */
#ifndef DUNE_IOCTL_H
#define DUNE_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define DUNE_API_VERSION	1
#define DUNE_DEVICE		"/dev/dune"
#define DUNE_IOCTL_MAGIC	0xD5

#define DUNE_MAX_SLOTS		512
#define DUNE_MAX_VCPUS		256
#define DUNE_MAX_MSRS		16
#define DUNE_XSAVE_SIZE		4096

struct dune_info {
	__u32 api_version;	/* DUNE_API_VERSION */
	__u32 xsave_size;	/* bytes of struct dune_xsave used (<= 4096) */
	__u32 max_slots;
	__u32 max_vcpus;
	__u64 supported_xcr0;	/* host XCR0: guest XCR0 must be a subset */
	__u32 gpa_bits;		/* guest-physical address width */
	__u32 max_msrs;		/* entries per DUNE_{GET,SET}_MSRS call */
	__u64 reserved[4];
};

#define DUNE_SLOT_READONLY	(1u << 0)	/* never map writable */

struct dune_slot {
	__u32 slot;		/* 0 .. max_slots-1 */
	__u32 flags;		/* DUNE_SLOT_* */
	__u64 gpa;		/* page aligned */
	__u64 size;		/* page aligned; 0 deletes the slot */
	__u64 hva;		/* page aligned user address */
};

struct dune_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8,  r9,  r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

struct dune_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8  type;
	__u8  present, dpl, db, s, l, g, avl;
	__u8  unusable;
	__u8  padding;
};

struct dune_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

struct dune_sregs {
	struct dune_segment cs, ds, es, fs, gs, ss;
	struct dune_segment tr, ldt;
	struct dune_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;		/* ignored */
	__u64 interrupt_bitmap[4];	/* ignored, returned as 0 */
};

/* Allowed indexes: see dune_msr_allowed() in check.c. */
#define DUNE_MSR_PAT		0x00000277u
#define DUNE_MSR_STAR		0xc0000081u
#define DUNE_MSR_LSTAR		0xc0000082u
#define DUNE_MSR_CSTAR		0xc0000083u
#define DUNE_MSR_SYSCALL_MASK	0xc0000084u
#define DUNE_MSR_FS_BASE	0xc0000100u
#define DUNE_MSR_GS_BASE	0xc0000101u
#define DUNE_MSR_KERNEL_GS_BASE	0xc0000102u
#define DUNE_MSR_TSC_AUX	0xc0000103u

struct dune_msr_entry {
	__u32 index;
	__u32 pad;		/* must be 0 */
	__u64 data;
};

struct dune_msrs {
	__u32 nmsrs;		/* 1 .. DUNE_MAX_MSRS */
	__u32 pad;		/* must be 0 */
	struct dune_msr_entry entries[DUNE_MAX_MSRS];
};

struct dune_xcr0 {
	__u64 xcr0;
};

/* Standard XSAVE layout (legacy area, header, extended components). */
struct dune_xsave {
	__u32 region[DUNE_XSAVE_SIZE / 4];
};

enum dune_exit_reason {
	DUNE_EXIT_NONE		= 0,
	DUNE_EXIT_IO		= 1,	/* io: RIP already past the instruction */
	DUNE_EXIT_HLT		= 2,	/* RIP already past hlt */
	DUNE_EXIT_SHUTDOWN	= 3,	/* triple fault */
	DUNE_EXIT_EPT_FAULT	= 4,	/* ept: RIP at the faulting instruction;
					 * gpa in no slot and not a MOV, or a
					 * host mapping that forbids the access */
	DUNE_EXIT_FAIL_ENTRY	= 5,	/* fail: VM entry refused */
	DUNE_EXIT_INTERNAL	= 6,	/* internal: unhandled VMX exit */
	DUNE_EXIT_HYPERCALL	= 7,	/* vmcall; RIP already past it */
	DUNE_EXIT_MMIO		= 8,	/* mmio: a MOV to/from a gpa in no slot */
};

#define DUNE_IO_IN		1	/* dune_exit.io.direction */
#define DUNE_IO_OUT		0

/* dune_exit.ept.qualification bits (VMX EPT-violation qualification). */
#define DUNE_EPT_READ		(1ull << 0)
#define DUNE_EPT_WRITE		(1ull << 1)
#define DUNE_EPT_FETCH		(1ull << 2)
#define DUNE_EPT_GLA_VALID	(1ull << 7)

/* dune_exit.ept.cause */
#define DUNE_EPT_NO_SLOT	1	/* gpa is in no slot */
#define DUNE_EPT_HOST_FAULT	2	/* host mapping missing or forbids it */

struct dune_exit {
	__u32 reason;		/* enum dune_exit_reason */
	__u32 pad;
	union {
		struct {
			__u16 port;
			__u8  size;		/* 1, 2 or 4 */
			__u8  direction;	/* DUNE_IO_IN / DUNE_IO_OUT */
			__u32 value;		/* for out: the value written */
		} io;
		struct {
			__u64 gpa;
			__u64 gla;		/* valid if DUNE_EPT_GLA_VALID */
			__u64 qualification;
			__u32 cause;		/* DUNE_EPT_* cause */
			__u32 pad;
		} ept;
		struct {
			__u32 hw_reason;	/* VMX exit reason, bit 31 = failed entry */
			__u32 vm_instruction_error;	/* 0 unless VMfailValid */
			__u64 qualification;
		} fail;
		struct {
			__u32 hw_reason;	/* VMX basic exit reason */
			__u32 pad;
			__u64 qualification;
			__u64 intr_info;
		} internal;
		struct {
			__u64 nr;		/* guest rax */
		} hypercall;
		struct {
			__u64 gpa;
			__u64 data;		/* store: value; load: filled by userspace */
			__u32 len;		/* 1, 2, 4 or 8 */
			__u8  is_write;
			__u8  pad[3];
		} mmio;
		__u64 pad64[8];
	};
};

/* on /dev/dune (VM) fds */
#define DUNE_GET_INFO		_IOR(DUNE_IOCTL_MAGIC, 0x00, struct dune_info)
#define DUNE_SET_SLOT		_IOW(DUNE_IOCTL_MAGIC, 0x01, struct dune_slot)
#define DUNE_CREATE_VCPU	_IO(DUNE_IOCTL_MAGIC, 0x02)

/* on vCPU fds */
#define DUNE_RUN		_IOWR(DUNE_IOCTL_MAGIC, 0x10, struct dune_exit)
#define DUNE_GET_REGS		_IOR(DUNE_IOCTL_MAGIC, 0x11, struct dune_regs)
#define DUNE_SET_REGS		_IOW(DUNE_IOCTL_MAGIC, 0x12, struct dune_regs)
#define DUNE_GET_SREGS		_IOR(DUNE_IOCTL_MAGIC, 0x13, struct dune_sregs)
#define DUNE_SET_SREGS		_IOW(DUNE_IOCTL_MAGIC, 0x14, struct dune_sregs)
#define DUNE_GET_MSRS		_IOWR(DUNE_IOCTL_MAGIC, 0x15, struct dune_msrs)
#define DUNE_SET_MSRS		_IOW(DUNE_IOCTL_MAGIC, 0x16, struct dune_msrs)
#define DUNE_GET_XCR0		_IOR(DUNE_IOCTL_MAGIC, 0x17, struct dune_xcr0)
#define DUNE_SET_XCR0		_IOW(DUNE_IOCTL_MAGIC, 0x18, struct dune_xcr0)
#define DUNE_GET_FPU		_IOR(DUNE_IOCTL_MAGIC, 0x19, struct dune_xsave)
#define DUNE_SET_FPU		_IOW(DUNE_IOCTL_MAGIC, 0x1a, struct dune_xsave)

#endif /* DUNE_IOCTL_H */
