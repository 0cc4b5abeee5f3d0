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
#include "dune.h"
#include "guest/x86/emulate.h"
#include "guest/x86/uview.h"

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

/* The program flushed after editing pgroot itself: unless libdune did it
 * (and fixed the user view already), the view's copies may be stale. */
static void note_flush(void)
{
	uint32_t quiet;
	asm volatile("movl %%gs:%c1, %0" : "=r"(quiet) : "i"(offsetof(struct dune_percpu, uview_quiet)));
	if (!quiet)
		uview_stale = 1;
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

static int write_cr(int n, uint64_t v)
{
	switch (n) {
	case 0: asm volatile("mov %0, %%cr0" ::"r"(v) : "memory"); return 1;
	case 3: asm volatile("mov %0, %%cr3" ::"r"(v) : "memory"); note_flush(); return 1;
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

int dune_emulate_privileged(struct dune_tf *tf)
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
	case 0x38: /* invpcid (66 0f 38 82 /r): flush everything */
		if (!opsize16 || modrm != 0x82)
			return 0;
		len += 1;
		mem_operand(tf, ip + len, rex, &len, len);
		flush_all();
		break;
	default:
		return 0;
	}
	tf->rip += (uint64_t)len;
	return 1;
}
