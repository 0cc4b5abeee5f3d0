/* both halves (and the kmod tests) - x86.h: the x86-64 architecture's
 * numbers: MSRs, flags, control-register bits, selectors, and builders for
 * segment descriptors. Assembly may include it too (constants only). */
#ifndef LIBDUNE_X86_H
#define LIBDUNE_X86_H

/* model-specific registers */
#define MSR_TSC 0x00000010
#define MSR_PAT 0x00000277
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SYSCALL_MASK 0xc0000084 /* FMASK */
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

/* PAT at reset: WB, WT, UC-, UC, then the same again */
#define PAT_DEFAULT 0x0007040600070406ULL

/* RFLAGS */
#define EFLAGS_CF 0x00000001
#define EFLAGS_FIXED 0x00000002 /* always 1 */
#define EFLAGS_PF 0x00000004
#define EFLAGS_AF 0x00000010
#define EFLAGS_ZF 0x00000040
#define EFLAGS_SF 0x00000080
#define EFLAGS_TF 0x00000100
#define EFLAGS_IF 0x00000200
#define EFLAGS_DF 0x00000400
#define EFLAGS_OF 0x00000800
#define EFLAGS_IOPL 0x00003000
#define EFLAGS_NT 0x00004000
#define EFLAGS_AC 0x00040000
/* what a program may set for itself: the arithmetic flags and DF (not IF,
 * IOPL or TF); what it runs with: interrupts on, no I/O privilege */
#define EFLAGS_USER_CHANGEABLE \
	(EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_DF | EFLAGS_OF)
#define EFLAGS_USER_FIXED (EFLAGS_IF | EFLAGS_FIXED)

/* control registers and EFER */
#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_ET 0x00000010
#define CR0_NE 0x00000020
#define CR0_WP 0x00010000
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define CR4_PGE 0x00000080
#define CR4_OSFXSR 0x00000200
#define CR4_OSXMMEXCPT 0x00000400
#define CR4_UMIP 0x00000800
#define CPUID_7_ECX_UMIP (1u << 2)
#define CR4_FSGSBASE 0x00010000
#define CR4_PCIDE 0x00020000
#define CR4_OSXSAVE 0x00040000
#define EFER_SCE 0x00000001
#define EFER_LME 0x00000100
#define EFER_LMA 0x00000400
#define EFER_NXE 0x00000800

#define CPUID_LEAF_XSAVE 0xd /* sub-leaf i: size and offset of component i */
#define CPUID1_ECX_PCID 0x00020000

/* selectors: index << 3 | requested privilege level */
#define SEL_RPL3 3
#define SEL_INDEX(sel) ((sel) >> 3)

/* the XSAVE area: 512 bytes of legacy (FXSAVE) image, then the header */
#define XSAVE_LEGACY_SIZE 512
#define XSAVE_HEADER_SIZE 64
#define FXSAVE_FCW 0         /* offset of the x87 control word in the legacy image */
#define FXSAVE_MXCSR 24      /* ... of MXCSR */
#define FXSAVE_MXCSR_MASK 28 /* ... and of the CPU's MXCSR_MASK */
#define MXCSR_MASK_DEFAULT 0xffbf /* when the CPU reports 0 */
/* XSAVE state components (bits of XCR0 and XSTATE_BV) */
#define XFEATURE_MASK_X87 0x1
#define XFEATURE_MASK_SSE 0x2
#define XFEATURE_TILECFG 17
#define XFEATURE_TILEDATA 18

/* the System V ABI: the red zone below the stack pointer, and the stack's
 * alignment at a call */
#define RED_ZONE_SIZE 128
#define STACK_ALIGN 16
#define XSAVE_ALIGN 64 /* XSAVE and FXSAVE images */

#ifndef __ASSEMBLER__
#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>

/* segment descriptor access byte and flags */
#define DESC_TYPE_DATA_RW 0x3 /* read/write, accessed */
#define DESC_TYPE_CODE_RX 0xb /* execute/read, accessed */
#define DESC_TYPE_TSS64 0x9   /* available 64-bit TSS */
#define DESC_TYPE_TSS64_BUSY 0xb
#define DESC_TYPE_INT_GATE 0xe
#define DESC_TYPE_LDT 0x2
#define DESC_S 0x10           /* code or data (not system) */
#define DESC_DPL(n) ((n) << 5)
#define DESC_P 0x80
#define DESC_L 0x2            /* flags: 64-bit code */
#define DESC_DB 0x4           /* flags: 32-bit default size */
#define DESC_G 0x8            /* flags: limit in 4 KiB units */

/* A flat code or data descriptor: base 0, limit 4 GiB. */
static inline uint64_t x86_flat_desc(unsigned type, unsigned dpl, unsigned flags)
{
	uint64_t access = DESC_P | DESC_DPL(dpl) | DESC_S | type;
	return 0xffffULL | (access << 40) | (0xfULL << 48) | ((uint64_t)flags << 52);
}

static inline uint64_t x86_code64_desc(unsigned dpl)
{
	return x86_flat_desc(DESC_TYPE_CODE_RX, dpl, DESC_G | DESC_L);
}

static inline uint64_t x86_code32_desc(unsigned dpl)
{
	return x86_flat_desc(DESC_TYPE_CODE_RX, dpl, DESC_G | DESC_DB);
}

static inline uint64_t x86_data_desc(unsigned dpl)
{
	return x86_flat_desc(DESC_TYPE_DATA_RW, dpl, DESC_G | DESC_DB);
}

/* A 64-bit TSS descriptor takes two GDT entries. */
static inline void x86_tss_desc(uint64_t gdt_entries[2], uint64_t base, uint32_t limit)
{
	gdt_entries[0] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
			 ((uint64_t)(DESC_P | DESC_TYPE_TSS64) << 40) |
			 ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xffULL) << 56);
	gdt_entries[1] = base >> 32;
}

/* An interrupt gate to handler in code segment sel, on stack ist (0: none). */
static inline void x86_int_gate(uint64_t *lo, uint64_t *hi, uint64_t handler, uint16_t sel,
				unsigned ist, unsigned dpl)
{
	*lo = (handler & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)(ist & 7) << 32) |
	      ((uint64_t)(DESC_P | DESC_DPL(dpl) | DESC_TYPE_INT_GATE) << 40) |
	      (((handler >> 16) & 0xffff) << 48);
	*hi = handler >> 32;
}

/* A flat segment (base 0, limit 4 GiB) in any struct laid out and named as
 * struct kvm_segment (dune.ko's struct dune_segment too). */
#define X86_FLAT_SEGMENT(seg, sel, type_, code64)          \
	do {                                               \
		memset((seg), 0, sizeof(*(seg)));          \
		(seg)->selector = (sel);                   \
		(seg)->limit = 0xffffffff;                 \
		(seg)->type = (uint8_t)(type_);            \
		(seg)->present = 1;                        \
		(seg)->s = 1;                              \
		(seg)->g = 1;                              \
		(seg)->l = !!(code64);                     \
		(seg)->db = !(code64);                     \
		(seg)->dpl = (sel) & SEL_RPL3;             \
	} while (0)

/* The same flat segment as KVM_SET_SREGS takes it. */
static inline void x86_flat_segment(struct kvm_segment *s, uint16_t sel, unsigned type,
				    int code64)
{
	X86_FLAT_SEGMENT(s, sel, type, code64);
}
#endif

#endif
