// SPDX-License-Identifier: GPL-2.0
/* Guest page walk and MOV decoding for accesses outside every slot. */
#include "mmio.h"

#define PTE_P		(1ull << 0)
#define PTE_PS		(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull

int dune_guest_walk(u64 cr3, u64 gva, gmem_read_fn rd, void *ctx, u64 *gpa)
{
	u64 table = cr3 & PTE_ADDR;
	int level;

	for (level = 3; level >= 0; level--) {
		unsigned int shift = 12 + 9 * level;
		u64 pte;

		if (rd(ctx, table + ((gva >> shift) & 511) * 8, &pte, 8))
			return -EFAULT;
		if (!(pte & PTE_P))
			return -EFAULT;
		if (level == 0 || ((level == 1 || level == 2) && (pte & PTE_PS))) {
			u64 mask = (1ull << shift) - 1;

			*gpa = ((pte & PTE_ADDR) & ~mask) | (gva & mask);
			return 0;
		}
		table = pte & PTE_ADDR;
	}
	return -EFAULT;
}

/* bytes of ModRM + SIB + displacement for a memory operand, or -EINVAL */
static int modrm_len(const u8 *p, unsigned int avail, bool addr32)
{
	u8 modrm, mod, rm;
	int n = 1;

	(void)addr32;	/* 32-bit addressing in 64-bit mode has the same shape */
	if (avail < 1)
		return -EINVAL;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return -EINVAL;		/* a register, not memory */
	if (rm == 4) {
		if (avail < 2)
			return -EINVAL;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n += 4;			/* RIP-relative */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return (unsigned int)n <= avail ? n : -EINVAL;
}

static u64 read_imm(const u8 *p, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

int dune_mmio_decode(const u8 *code, unsigned int avail, struct mmio_insn *mi)
{
	bool opsize = false, addr32 = false;
	u8 rex = 0, op;
	unsigned int i = 0;
	int m;

	/* legacy prefixes: segment overrides, operand and address size */
	for (; i < avail && i < 14; i++) {
		u8 b = code[i];

		if (b == 0x66)
			opsize = true;
		else if (b == 0x67)
			addr32 = true;
		else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65)
			continue;
		else
			break;
	}
	if (i < avail && (code[i] & 0xf0) == 0x40)
		rex = code[i++];
	if (i >= avail)
		return -EINVAL;

	*mi = (struct mmio_insn){ 0 };
	op = code[i++];
	if (op == 0x0f) {
		if (i >= avail)
			return -EINVAL;
		op = code[i++];
		if (op != 0xb6 && op != 0xb7)
			return -EINVAL;
		/* movzx r, r/m8 | r/m16 */
		m = modrm_len(code + i, avail - i, addr32);
		if (m < 0)
			return m;
		mi->size = op == 0xb6 ? 1 : 2;
		mi->reg = ((code[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
		mi->dst_size = (rex & 8) ? 8 : opsize ? 2 : 4;
		mi->len = i + m;
		return 0;
	}

	switch (op) {
	case 0x88:	/* mov r/m8, r8 */
	case 0x8a:	/* mov r8, r/m8 */
	case 0x89:	/* mov r/m, r */
	case 0x8b:	/* mov r, r/m */
		m = modrm_len(code + i, avail - i, addr32);
		if (m < 0)
			return m;
		mi->write = op == 0x88 || op == 0x89;
		if (op == 0x88 || op == 0x8a)
			mi->size = 1;
		else
			mi->size = (rex & 8) ? 8 : opsize ? 2 : 4;
		mi->reg = ((code[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
		if (mi->size == 1 && !rex && mi->reg >= 4 && mi->reg < 8) {
			mi->high8 = true;	/* ah, ch, dh, bh */
			mi->reg -= 4;
		}
		mi->dst_size = mi->size;
		mi->len = i + m;
		return 0;
	case 0xc6:	/* mov r/m8, imm8 */
	case 0xc7: {	/* mov r/m, imm16/32 */
		unsigned int immlen;

		m = modrm_len(code + i, avail - i, addr32);
		if (m < 0 || ((code[i] >> 3) & 7) != 0)
			return -EINVAL;
		mi->write = true;
		mi->imm_src = true;
		if (op == 0xc6) {
			mi->size = 1;
			immlen = 1;
		} else {
			mi->size = (rex & 8) ? 8 : opsize ? 2 : 4;
			immlen = mi->size == 2 ? 2 : 4;
		}
		if (i + m + immlen > avail)
			return -EINVAL;
		mi->imm = read_imm(code + i + m, immlen);
		if (mi->size == 8 && (mi->imm & 0x80000000u))
			mi->imm |= 0xffffffff00000000ull;	/* sign-extended imm32 */
		mi->len = i + m + immlen;
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

u64 dune_mmio_store_value(const struct mmio_insn *mi, u64 regval)
{
	if (mi->imm_src)
		return mi->imm & size_mask(mi->size);
	if (mi->high8)
		return (regval >> 8) & 0xff;
	return regval & size_mask(mi->size);
}

u64 dune_mmio_load_result(const struct mmio_insn *mi, u64 old, u64 data)
{
	data &= size_mask(mi->size);
	if (mi->high8)
		return (old & ~0xff00ull) | (data << 8);
	switch (mi->dst_size) {
	case 1:
		return (old & ~0xffull) | data;
	case 2:
		return (old & ~0xffffull) | data;
	case 4:
		return data;		/* 32-bit writes zero-extend */
	default:
		return data;
	}
}
