/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest accesses to guest-physical memory outside every slot ("MMIO"): the
 * guest's page-table walk to fetch the instruction, and a decoder for the
 * MOV forms a guest uses on such memory. Pure code over callbacks, shared
 * with the userspace unit tests.
 */
#ifndef DUNE_MMIO_H
#define DUNE_MMIO_H

#include "dune_types.h"

/* read len bytes of guest-physical memory; 0 or -errno */
typedef int (*gmem_read_fn)(void *ctx, u64 gpa, void *buf, unsigned int len);

/* 4-level long-mode walk of guest page tables at cr3; 0 and *gpa, or -EFAULT */
int dune_guest_walk(u64 cr3, u64 gva, gmem_read_fn rd, void *ctx, u64 *gpa);

struct mmio_insn {
	u8 len;		/* instruction length */
	u8 size;	/* bytes accessed in memory: 1, 2, 4 or 8 */
	bool write;	/* store to memory */
	bool imm_src;	/* store of an immediate (imm holds it) */
	u64 imm;
	u8 reg;		/* x86 register number 0-15 (rax, rcx, rdx, rbx, rsp, ...) */
	bool high8;	/* ah/ch/dh/bh */
	u8 dst_size;	/* loads: register width written (movzx widens) */
};

/* decode a MOV/MOVZX with a memory operand; 0 or -EINVAL */
int dune_mmio_decode(const u8 *code, unsigned int avail, struct mmio_insn *mi);

/* value a store writes, from the source register's value */
u64 dune_mmio_store_value(const struct mmio_insn *mi, u64 regval);

/* new register value after a load of data into a register holding old */
u64 dune_mmio_load_result(const struct mmio_insn *mi, u64 old, u64 data);

#endif
