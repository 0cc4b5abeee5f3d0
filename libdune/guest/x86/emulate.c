/* guest ring 0 - emulate.c: privileged instructions of a program running deprivileged
 * (ring 3, on hosts whose ring 0 has no FPU): the #GP they raise lands here,
 * in ring 0, which executes them on the program's behalf.
 *
 * Built with -mgeneral-regs-only: ring 0 may not touch the FPU on such
 * hosts, so no library calls and no vector code.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/percpu.h"
#include "common/state.h"
#include "common/x86.h"
#include "dune.h"
#include "guest/x86/emulate.h"
#include "guest/x86/uview.h"
#include "mm/pagetable.h"

/* dune_tf is packed for Dune compatibility, but every register slot sits at
 * an 8-byte offset (asm_offsets.c checks them), so pointers to them are fine. */
#pragma GCC diagnostic ignored "-Waddress-of-packed-member"

static uint64_t *reg_slot(struct dune_tf *tf, int r)
{
	switch (r) {
	case 0: return &tf->rax;
	case 1: return &tf->rcx;
	case 2: return &tf->rdx;
	case 3: return &tf->rbx;
	case 4: return &tf->rsp;
	case 5: return &tf->rbp;
	case 6: return &tf->rsi;
	case 7: return &tf->rdi;
	case 8: return &tf->r8;
	case 9: return &tf->r9;
	case 10: return &tf->r10;
	case 11: return &tf->r11;
	case 12: return &tf->r12;
	case 13: return &tf->r13;
	case 14: return &tf->r14;
	default: return &tf->r15;
	}
}

/* Effective address of a ModRM memory operand; *len grows by its bytes. */
static uint64_t mem_operand(struct dune_tf *tf, const uint8_t *p, uint8_t rex,
			    int *len, int insn_len_before)
{
	uint8_t modrm = p[0], mod = modrm >> 6, rm = modrm & 7;
	uint64_t addr = 0;
	int n = 1;

	if (rm == 4) {
		uint8_t sib = p[n++];
		int base = (sib & 7) | ((rex & 1) << 3);
		int index = ((sib >> 3) & 7) | ((rex & 2) << 2);
		if (index != 4)
			addr += *reg_slot(tf, index) << (sib >> 6);
		if ((sib & 7) == 5 && mod == 0) {
			addr += (uint64_t)(int64_t) * (const int32_t *)(p + n);
			n += 4;
		} else {
			addr += *reg_slot(tf, base);
		}
	} else if (rm == 5 && mod == 0) {
		int32_t disp = *(const int32_t *)(p + n);
		n += 4;
		addr = tf->rip + (uint64_t)(insn_len_before + n) + (uint64_t)(int64_t)disp;
	} else {
		addr = *reg_slot(tf, rm | ((rex & 1) << 3));
	}
	if (mod == 1) {
		addr += (uint64_t)(int64_t) * (const int8_t *)(p + n);
		n += 1;
	} else if (mod == 2) {
		addr += (uint64_t)(int64_t) * (const int32_t *)(p + n);
		n += 4;
	}
	*len += n;
	return addr;
}

static void note(uint32_t what)
{
	asm volatile("lock orl %0, %%gs:%c1" ::"r"(what), "i"(offsetof(struct dune_percpu, notes))
		     : "memory");
}

static uint64_t cr4(void)
{
	uint64_t v;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/* PCIDs on a ring-0 guest whose CPU offers them: CR4.PCIDE, turned on
 * the first time the program asks for a PCID (a CR3 load with
 * CR3_NOFLUSH, an INVPCID). PVM refuses PCIDE: never there. */
static int pcids_on(void)
{
	uint32_t a = 1, b, c = 0, d;
	uint64_t cr3;

	if (dune_state.deprivileged)
		return 0;
	if (cr4() & CR4_PCIDE)
		return 1;
	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	if (!(c & CPUID1_ECX_PCID) || (cr3 & 0xfff))
		return 0;
	asm volatile("mov %0, %%cr4" ::"r"(cr4() | CR4_PCIDE) : "memory");
	return 1;
}

/* The program flushed after editing pgroot itself: unless libdune did it
 * (and fixed the user view already), the view's copies may be stale. */
static void note_flush(void)
{
	uint32_t quiet;
	asm volatile("movl %%gs:%c1, %0" : "=r"(quiet) : "i"(offsetof(struct dune_percpu, uview_quiet)));
	if (!quiet)
		*uview_stale_flag = 1;
}

static uint64_t read_cr(int n)
{
	uint64_t v = 0;
	switch (n) {
	case 0: asm volatile("mov %%cr0, %0" : "=r"(v)); break;
	case 2: v = dune_self_cr2(); break;
	case 3: asm volatile("mov %%cr3, %0" : "=r"(v)); break;
	case 4: asm volatile("mov %%cr4, %0" : "=r"(v)); break;
	case 8: asm volatile("mov %%cr8, %0" : "=r"(v)); break;
	}
	return v;
}

/* A CR3 load: with CR3_NOFLUSH and the PCID where PCIDs are on, else
 * without both (the load flushes; the host half says so once). */
static void write_cr3(uint64_t v)
{
	if ((v & CR3_NOFLUSH) && !pcids_on()) {
		v &= ~(CR3_NOFLUSH | 0xfffUL);
		note(NOTE_NO_PCID);
	}
	asm volatile("mov %0, %%cr3" ::"r"(v) : "memory");
	v &= ~CR3_NOFLUSH;
	asm volatile("movq %0, %%gs:%c1" ::"r"(v), "i"(offsetof(struct dune_percpu, prog_cr3))
		     : "memory");
	note_flush();
}

static int write_cr(int n, uint64_t v)
{
	switch (n) {
	case 0: asm volatile("mov %0, %%cr0" ::"r"(v) : "memory"); return 1;
	case 3: write_cr3(v); return 1;
	case 4: asm volatile("mov %0, %%cr4" ::"r"(v) : "memory"); return 1;
	case 8: asm volatile("mov %0, %%cr8" ::"r"(v) : "memory"); return 1;
	}
	return 0;
}

static void flush_all(void)
{
	uint64_t v;
	asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(v)::"memory");
	note_flush();
}

/*
 * A deprivileged program (ring 3 to the CPU) touched a present page its
 * table keeps from user mode (PTE_U clear: mapped without PERM_U, or a
 * table of its own that clears PTE_U, as wedge's sthreads do). To the
 * program that is a ring-0 access: the leaf (and any table above it that
 * lacks PTE_U) gets PTE_U, with PTE_KONLY so user code still never gets
 * it. Tables are at guest-physical == virtual addresses (the page pool).
 */
int dune_fixup_program_fault(struct dune_tf *tf)
{
	uint64_t cr2 = dune_self_cr2(), cr3;
	ptent_t *t, *e = 0;

	if (!(tf->err & FEC_P) || (tf->cs & 3))
		return 0;
	asm volatile("movq %%gs:%c1, %0" : "=r"(cr3) : "i"(offsetof(struct dune_percpu, prog_cr3)));
	/* tables by their guest-physical addresses: virtual == physical only
	 * with Dune's full mapping (not in dunebox's monitor) */
	t = dune_pa_to_va(cr3 & PTE_ADDR_MASK);
	if (!t)
		return 0;
	for (int level = NPTLVLS; level >= 0; level--) {
		e = &t[PDX(level, cr2)];
		if (!(*e & PTE_P))
			return 0;
		if (level == 0 || (level <= 2 && (*e & PTE_PS)))
			break;
		if (!(*e & PTE_U))
			*e |= PTE_U;
		if (!(t = dune_pa_to_va(PTE_ADDR(*e))))
			return 0;
	}
	if (*e & PTE_U)
		return 0; /* a real protection fault: write or execute */
	*e |= PTE_U | PTE_KONLY;
	asm volatile("invlpg (%0)" ::"r"(cr2) : "memory");
	return 1;
}

static int emulate(struct dune_tf *tf, int pcid_only);

int dune_emulate_privileged(struct dune_tf *tf)
{
	return emulate(tf, 0);
}

int dune_emulate_pcid(struct dune_tf *tf)
{
	return emulate(tf, 1);
}

/* pcid_only: a ring-0 guest's #GP or #UD, where only a CR3 load with
 * CR3_NOFLUSH and INVPCID are ours to take (3.6 of the peer design). */
static int emulate(struct dune_tf *tf, int pcid_only)
{
	const uint8_t *ip = (const uint8_t *)tf->rip;
	uint8_t rex = 0, op, modrm;
	int n = 0, len;
	int opsize16 = 0;

	while (n < 4 && (ip[n] == 0x66 || ip[n] == 0xf2 || ip[n] == 0xf3)) {
		if (ip[n] == 0x66)
			opsize16 = 1;
		n++;
	}
	if ((ip[n] & 0xf0) == 0x40)
		rex = ip[n++];
	if (pcid_only && !(ip[n] == 0x0f && (ip[n + 1] == 0x22 || ip[n + 1] == 0x38)))
		return 0;
	switch (ip[n]) {
	case 0xfa: /* cli */
	case 0xfb: /* sti: no interrupts are delivered in dune mode */
	case 0xf4: /* hlt: nothing to wait for */
		tf->rip += (uint64_t)n + 1;
		return 1;
	case 0x0f:
		break;
	default:
		return 0;
	}
	op = ip[n + 1];
	modrm = ip[n + 2];
	len = n + 2;
	switch (op) {
	case 0x20: /* mov %crN, %reg */
	case 0x22: /* mov %reg, %crN */ {
		int cr = ((modrm >> 3) & 7) | ((rex & 4) << 1);
		uint64_t *r = reg_slot(tf, (modrm & 7) | ((rex & 1) << 3));
		if (pcid_only && (op != 0x22 || cr != 3 || !(*r & CR3_NOFLUSH)))
			return 0;
		if (op == 0x20)
			*r = read_cr(cr);
		else if (!write_cr(cr, *r))
			return 0;
		len += 1;
		break;
	}
	case 0x01:
		if (modrm == 0xf8) /* swapgs: GS stays libdune's */
			len += 1;
		else if ((modrm >> 6) != 3 && ((modrm >> 3) & 7) == 7) {
			uint64_t va = mem_operand(tf, ip + len, rex, &len, len);
			asm volatile("invlpg (%0)" ::"r"(va) : "memory");
			note_flush();
		} else
			return 0;
		break;
	case 0x06: /* clts */
	case 0x08: /* invd */
	case 0x09: /* wbinvd */
		break;
	case 0x30: { /* wrmsr */
		uint32_t lo = (uint32_t)tf->rax, hi = (uint32_t)tf->rdx;
		asm volatile("wrmsr" ::"c"((uint32_t)tf->rcx), "a"(lo), "d"(hi));
		break;
	}
	case 0x32: { /* rdmsr */
		uint32_t lo, hi;
		asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"((uint32_t)tf->rcx));
		tf->rax = lo;
		tf->rdx = hi;
		break;
	}
	case 0x38: /* invpcid (66 0f 38 82 /r) */
		if (!opsize16 || modrm != 0x82)
			return 0;
		/* a ring-0 guest without PCIDE yet: turn it on, run it again */
		if (!dune_state.deprivileged && !(cr4() & CR4_PCIDE) && pcids_on())
			return 1;
		/* no PCIDs (or none the CPU knows): everything goes */
		len += 1;
		mem_operand(tf, ip + len, rex, &len, len);
		if (!dune_state.deprivileged)
			note(NOTE_NO_PCID);
		flush_all();
		break;
	default:
		return 0;
	}
	tf->rip += (uint64_t)len;
	return 1;
}
