/*
 * libdune/mmu-x86.h - x86-64 paging, control registers, flags and segment
 * descriptors, under the names Dune's programs use. Included by
 * libdune/mmu.h; only hardware facts live here. Names libdune's own
 * common/x86.h defines too are spelled exactly as there (a macro defined
 * twice must read the same).
 */
#ifndef LIBDUNE_COMPAT_MMU_X86_H
#define LIBDUNE_COMPAT_MMU_X86_H

/* ---- paging: n = 0 page table, 1 directory, 2 PDPT, 3 PML4 ---- */
#define PDXMASK ((1UL << NPTBITS) - 1)
#define PDSHIFT(n) (12 + NPTBITS * (n))
#define PDX(n, la) ((((uintptr_t)(la)) >> PDSHIFT(n)) & PDXMASK)
#define NPTENTRIES (1 << NPTBITS)

#define PGSHIFT 12
#define PGSIZE (1UL << PGSHIFT)
#define PGMASK (PGSIZE - 1)
#define PPN(la) ((la) >> PGSHIFT)
#define PGOFF(la) (((uintptr_t)(la)) & PGMASK)
#define PGADDR(la) (((uintptr_t)(la)) & ~CAST64(PGMASK))

/* 2 MiB pages */
#define BIG_PGSHIFT 21
#define BIG_PGSIZE (1UL << BIG_PGSHIFT)
#define BIG_PGMASK (BIG_PGSIZE - 1)
#define BIG_PGOFF(la) (((uintptr_t)(la)) & BIG_PGMASK)
#define BIG_PGADDR(la) (((uintptr_t)(la)) & ~CAST64(BIG_PGMASK))

/* page-table entry bits the CPU defines */
#define PTE_P 0x0001UL   /* present */
#define PTE_W 0x0002UL   /* writable */
#define PTE_U 0x0004UL   /* user */
#define PTE_PWT 0x0008UL /* write-through */
#define PTE_PCD 0x0010UL /* cache disable */
#define PTE_A 0x0020UL   /* accessed */
#define PTE_D 0x0040UL   /* dirty */
#define PTE_PS 0x0080UL  /* big page, in a directory or PDPT entry */
#define PTE_PAT 0x0080UL /* PAT index bit, in a 4 KiB entry */
#define PTE_G 0x0100UL   /* global */
#define PTE_AVAIL 0x0E00UL              /* bits 9-11: for software */
#define PTE_PAT_PS 0x1000UL             /* PAT index bit, in a big entry */
#define PTE_AVAIL2 0x7FF0000000000000UL /* bits 52-62: for software */
#define PTE_NX 0x8000000000000000UL     /* no execute */

/* Dune's software bits. PTE_USR1-3 are the program's own: libdune never
 * sets or reads them. */
#define PTE_COW 0x0200UL               /* copy-on-write (and read-only) */
#define PTE_USR1 0x4000000000000000UL
#define PTE_USR2 0x2000000000000000UL
#define PTE_USR3 0x1000000000000000UL

#define PTE_ADDR(pte) ((physaddr_t)(pte) & 0x000FFFFFFFFFF000UL)
#define PTE_FLAGS(pte) ((physaddr_t)(pte) & 0xFFF0000000000FFFUL)

/* ---- control registers ---- */
#define CR0_PE 0x00000001         /* protected mode */
#define CR0_MP 0x00000002         /* monitor coprocessor */
#define CR0_EM 0x4         /* x87 emulation */
#define CR0_TS 0x8         /* task switched */
#define CR0_ET 0x00000010        /* extension type */
#define CR0_NE 0x00000020        /* native x87 errors */
#define CR0_WP 0x00010000     /* write protect in ring 0 */
#define CR0_AM 0x40000     /* alignment mask */
#define CR0_NW 0x20000000  /* not write-through */
#define CR0_CD 0x40000000  /* cache disable */
#define CR0_PG 0x80000000  /* paging */

#define CR3_PWT 0x8        /* page-level write-through */
#define CR3_PCD 0x10       /* page-level cache disable */

#define CR4_VME 0x1        /* V86 mode extensions */
#define CR4_PVI 0x2        /* protected-mode virtual interrupts */
#define CR4_TSD 0x4        /* RDTSC in ring 0 only */
#define CR4_DE 0x8         /* debugging extensions */
#define CR4_PSE 0x10       /* page size extensions */
#define CR4_PAE 0x00000020       /* physical address extension */
#define CR4_MCE 0x40       /* machine check */
#define CR4_PGE 0x00000080 /* global pages */
#define CR4_PCE 0x100      /* RDPMC in any ring */
#define CR4_OSFXSR 0x00000200   /* FXSAVE/FXRSTOR */
#define CR4_OSX 0x400      /* unmasked SIMD exceptions */

/* ---- MTRRs ---- */
#define MTRR_CAP 0xfe
#define MTRR_CAP_VCNT_MASK 0xff
#define MTRR_CAP_FIX 0x100
#define MTRR_CAP_WC 0x400
#define MTRR_BASE(i) (0x200 + 2 * (i))
#define MTRR_BASE_UC 0x00
#define MTRR_BASE_WC 0x01
#define MTRR_BASE_WT 0x04
#define MTRR_BASE_WP 0x05
#define MTRR_BASE_WB 0x06
#define MTRR_MASK(i) (0x201 + 2 * (i))
#define MTRR_MASK_FULL PGADDR((ONE << 36) - 1)
#define MTRR_MASK_VALID 0x800

/* ---- EFER and a few MSRs ---- */
#define EFER 0xc0000080    /* the MSR */
#define EFER_SCE 0x00000001       /* SYSCALL */
#define EFER_LME 0x00000100     /* long mode enable */
#define EFER_LMA 0x00000400     /* long mode active */
#define EFER_NXE 0x00000800     /* no-execute */
#define EFER_FFXSR 0x4000  /* fast FXSAVE */

#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101

#define MSR_DEBUG_CTL 0x1d9
#define DEBUG_CTL_LBR (1 << 0)
#define MSR_LBR_FROM_IP 0x1db
#define MSR_LBR_TO_IP 0x1dc
#define MSR_LEX_FROM_IP 0x1dd
#define MSR_LEX_TO_IP 0x1de

/* ---- debug register 7 ---- */
#define DR7_L(n) (ONE << ((n) * 2))
#define DR7_G(n) (ONE << ((n) * 2 + 1))
#define DR7_LE (ONE << 8)
#define DR7_GE (ONE << 9)
#define DR7_GD (ONE << 13)
#define DR7_RW_SHIFT(n) ((n) * 4 + 16)
#define DR7_LEN_SHIFT(n) ((n) * 4 + 18)
#define DR7_RW_EXEC 0x0
#define DR7_RW_WRITE 0x1
#define DR7_RW_IO 0x2
#define DR7_RW_RW 0x3
#define DR7_LEN_1 0x0
#define DR7_LEN_2 0x1
#define DR7_LEN_8 0x2
#define DR7_LEN_4 0x3

/* ---- RFLAGS ---- */
#define FL_CF 0x00000001
#define FL_PF 0x00000004
#define FL_AF 0x00000010
#define FL_ZF 0x00000040
#define FL_SF 0x00000080
#define FL_TF 0x00000100
#define FL_IF 0x00000200
#define FL_DF 0x00000400
#define FL_OF 0x00000800
#define FL_IOPL_MASK 0x00003000
#define FL_IOPL_0 0x00000000
#define FL_IOPL_1 0x00001000
#define FL_IOPL_2 0x00002000
#define FL_IOPL_3 0x00003000
#define FL_NT 0x00004000
#define FL_RF 0x00010000
#define FL_VM 0x00020000
#define FL_AC 0x00040000
#define FL_VIF 0x00080000
#define FL_VIP 0x00100000
#define FL_ID 0x00200000

/* ---- page-fault error code ---- */
#define FEC_P 0x1    /* protection violation (else not present) */
#define FEC_W 0x2    /* a write */
#define FEC_U 0x4    /* from user mode */
#define FEC_RSV 0x8  /* a reserved bit set */
#define FEC_I 0x10   /* an instruction fetch */

/* ---- segment descriptors ---- */
#define STA_A (ONE << 0) /* accessed */
#define STA_W (ONE << 1) /* writable (data) */
#define STA_E (ONE << 2) /* expand down (data) */
#define STA_X (ONE << 3) /* code */
#define STA_R (ONE << 1) /* readable (code) */
#define STA_C (ONE << 2) /* conforming (code) */

#define SEG_A (STA_A << 40)
#define SEG_W (STA_W << 40)
#define SEG_E (STA_E << 40)
#define SEG_X (STA_X << 40)
#define SEG_R (STA_R << 40)
#define SEG_C (STA_C << 40)
#define SEG_S (ONE << 44) /* code or data (not a system segment) */

#define SEG_LDT (UINT64(0x2) << 40)  /* LDT */
#define SEG_TSSA (UINT64(0x9) << 40) /* available 64-bit TSS */
#define SEG_TSSB (UINT64(0xa) << 40) /* busy 64-bit TSS */
#define SEG_CG (UINT64(0xc) << 40)   /* call gate */
#define SEG_IG (UINT64(0xe) << 40)   /* interrupt gate */
#define SEG_TG (UINT64(0xf) << 40)   /* trap gate */

#define SEG_DPL(x) (((x) & UINT64(3)) << 45)
#define SEG_P (ONE << 47)
#define SEG_L (ONE << 53) /* 64-bit code */
#define SEG_D (ONE << 54) /* 32-bit default operand size */
#define SEG_G (ONE << 55) /* limit in pages */

#define SEG_LIM(x) (((x) & 0xffff) | ((x) & UINT64(0xf0000)) << 32)
#define SEG_BASELO(x) (((CAST64(x) & 0xffffff) << 16) | ((CAST64(x) & 0xff000000) << 32))
#define SEG_BASEHI(x) (CAST64(x) >> 32)

#define SEG32_ASM(type, base, lim)                                    \
	.word(((lim) >> 12) & 0xffff), ((base) & 0xffff);             \
	.byte(((base) >> 16) & 0xff), (0x90 | (type)),                \
		(0xC0 | (((lim) >> 28) & 0xf)), (((base) >> 24) & 0xff)

#define SEG32(type, base, lim, dpl)                                           \
	((type) | SEG_S | SEG_P | SEG_D | SEG_G | SEG_A | SEG_DPL(dpl) |      \
	 SEG_BASELO(base) | SEG_LIM((lim) >> 12))
#define SEG64(type, dpl) \
	((type) | SEG_S | SEG_P | SEG_G | SEG_L | SEG_A | SEG_DPL(dpl) | SEG_LIM(0xffffffff))

/* gates */
#define SEG_SEL(x) (((x) & 0xffff) << 16)
#define SEG_TARGETLO(x) ((CAST64(x) & 0xffff) | ((CAST64(x) & 0xffff0000) << 32))
#define SEG_TARGETHI(x) (CAST64(x) >> 32)
#define GATE32(type, sel, target, dpl) \
	((type) | SEG_DPL(dpl) | SEG_P | SEG_SEL(sel) | SEG_TARGETLO(target))
#define SETGATE(gate, type, sel, target, dpl)                   \
	do {                                                    \
		(gate).gd_lo = GATE32(type, sel, target, dpl);  \
		(gate).gd_hi = SEG_TARGETHI(target);            \
	} while (0)

#ifndef __ASSEMBLER__
#include "types.h"

/* the FXSAVE image */
struct Fpregs {
	LIBDUNE_FXSAVE_FIELDS(st_space, xmm_space);
};
#endif

#endif
