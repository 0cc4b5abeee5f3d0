/*
 * libdune/mmu.h - Dune's x86-64 MMU definitions: page-table geometry and
 * entry bits, descriptor tables, the TSS. libdune's dune.h includes it, as
 * Dune's did, so programs that include only dune.h see all of it.
 */
#ifndef LIBDUNE_COMPAT_MMU_H
#define LIBDUNE_COMPAT_MMU_H

#define UINT64(x) ((uint64_t)(x))
#define CAST64(x) ((uint64_t)(x))
#define ONE UINT64(1)

#include "types.h"

typedef uint64_t ptent_t;

#define NPTBITS 9 /* log2 of the entries in a table */
#define NPTLVLS 3 /* levels below the root */
#define PD_SKIP 6 /* offset of pd_lim in struct Pseudodesc */

#include "mmu-x86.h"

#ifndef __ASSEMBLER__
/* operand of LGDT/LIDT, aligned so that the base is */
struct Pseudodesc {
	uint16_t pd__garbage1;
	uint16_t pd__garbage2;
	uint16_t pd__garbage3;
	uint16_t pd_lim;
	uint64_t pd_base;
} __attribute__((packed));

struct Tss {
	char tss__ign1[4];
	uint64_t tss_rsp[3]; /* stacks for rings 0, 1, 2 */
	uint64_t tss_ist[8]; /* interrupt stacks; [0] is not used */
	char tss__ign2[10];
	uint16_t tss_iomb; /* I/O bitmap offset */
	uint8_t tss_iopb[];
} __attribute__((packed));

struct Gatedesc {
	uint64_t gd_lo;
	uint64_t gd_hi;
};

/* JOS's trap frame (Dune's own is struct dune_tf in dune.h) */
struct Trapframe {
	uint64_t tf_rcx;
	uint64_t tf_rdx;
	uint64_t tf_rdi;
	uint64_t tf_r8;
	uint64_t tf_r9;
	uint64_t tf_r10;
	uint64_t tf_r11;
	uint64_t tf_rbx;
	uint64_t tf_rbp;
	uint64_t tf_r12;
	uint64_t tf_r13;
	uint64_t tf_r14;
	uint64_t tf_r15;
	union {
		uint64_t tf_rsi;
		uint64_t tf__trapentry_rip;
	};
	uint64_t tf_rax;
	uint32_t tf_err;
	uint32_t tf__pad1;
	uint64_t tf_rip;
	uint16_t tf_cs;
	uint16_t tf_ds;
	uint16_t tf_es;
	uint16_t tf_fs;
	uint64_t tf_rflags;
	uint64_t tf_rsp;
	uint16_t tf_ss;
	uint16_t tf_gs;
	uint16_t tf__pad3[2];
};
#endif

#endif
