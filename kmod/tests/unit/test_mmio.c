// SPDX-License-Identifier: GPL-2.0
/* cmocka tests of mmio.c: guest page walks and MOV decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mmio.h"

/* 64 KiB of fake guest-physical memory */
static uint8_t gmem[0x10000];

static int rd(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	(void)ctx;
	if (gpa + len > sizeof(gmem))
		return -EFAULT;
	memcpy(buf, gmem + gpa, len);
	return 0;
}

static void put(u64 gpa, u64 v)
{
	memcpy(gmem + gpa, &v, 8);
}

static void test_walk(void **state)
{
	u64 gpa;

	(void)state;
	memset(gmem, 0, sizeof(gmem));
	/* PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000 -> page 0x9000 */
	put(0x1000, 0x2000 | 1);
	put(0x2000, 0x3000 | 3);
	put(0x3000, 0x4000 | 3);
	put(0x4000 + 5 * 8, 0x9000 | 3);
	assert_int_equal(dune_guest_walk(0x1000, 0x5123, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x9123);
	assert_int_equal(dune_guest_walk(0x1000, 0x6000, rd, NULL, &gpa), -EFAULT);
	/* 2 MiB page at PD[1] */
	put(0x3000 + 8, 0x40000000ull | 0x83);
	assert_int_equal(dune_guest_walk(0x1000, 0x200000 + 0x12345, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x40012345);
	/* 1 GiB page at PDPT[1] */
	put(0x2000 + 8, 0x80000000ull | 0x83);
	assert_int_equal(dune_guest_walk(0x1000, 0x40000000ull + 0x1234567, rd, NULL, &gpa), 0);
	assert_int_equal(gpa, 0x81234567);
	/* cr3 flag bits ignored, table outside memory fails */
	assert_int_equal(dune_guest_walk(0x1018, 0x5000, rd, NULL, &gpa), 0);
	put(0x1000 + 8, 0x900000 | 1);
	assert_int_equal(dune_guest_walk(0x1000, 1ull << 39, rd, NULL, &gpa), -EFAULT);
}

#define DECODE(...) ({ static const u8 c[] = { __VA_ARGS__ }; \
	dune_mmio_decode(c, sizeof(c), &mi); })

static void test_decode_stores(void **state)
{
	struct mmio_insn mi;

	(void)state;
	/* movb %al, (%rax) */
	assert_int_equal(DECODE(0x88, 0x00), 0);
	assert_true(mi.write && mi.size == 1 && mi.len == 2 && mi.reg == 0 && !mi.high8);
	/* mov %rbx, (%rcx) */
	assert_int_equal(DECODE(0x48, 0x89, 0x19), 0);
	assert_true(mi.write && mi.size == 8 && mi.len == 3 && mi.reg == 3);
	/* mov %r9d, 0x10(%rsp) : 44 89 4c 24 10 */
	assert_int_equal(DECODE(0x44, 0x89, 0x4c, 0x24, 0x10), 0);
	assert_true(mi.size == 4 && mi.len == 5 && mi.reg == 9);
	/* mov %ax, disp32(%rip) : 66 89 05 xx xx xx xx */
	assert_int_equal(DECODE(0x66, 0x89, 0x05, 1, 2, 3, 4), 0);
	assert_true(mi.size == 2 && mi.len == 7);
	/* mov %ah, (%rcx) : 88 21 */
	assert_int_equal(DECODE(0x88, 0x21), 0);
	assert_true(mi.high8 && mi.reg == 0);
	assert_int_equal(dune_mmio_store_value(&mi, 0x4142), 0x41);
	/* with REX, reg 4 is spl */
	assert_int_equal(DECODE(0x40, 0x88, 0x21), 0);
	assert_true(!mi.high8 && mi.reg == 4);
	/* movq $-5, (%rcx) : 48 c7 01 fb ff ff ff */
	assert_int_equal(DECODE(0x48, 0xc7, 0x01, 0xfb, 0xff, 0xff, 0xff), 0);
	assert_true(mi.imm_src && mi.size == 8 && mi.len == 7);
	assert_int_equal(dune_mmio_store_value(&mi, 0), (u64)-5);
	/* movw $0x1234, 2(%rcx) : 66 c7 41 02 34 12 */
	assert_int_equal(DECODE(0x66, 0xc7, 0x41, 0x02, 0x34, 0x12), 0);
	assert_true(mi.size == 2 && mi.len == 6 && dune_mmio_store_value(&mi, 0) == 0x1234);
	/* movb $7, 0x100(%rbx,%rsi,4) : c6 84 b3 00 01 00 00 07 */
	assert_int_equal(DECODE(0xc6, 0x84, 0xb3, 0x00, 0x01, 0x00, 0x00, 0x07), 0);
	assert_true(mi.size == 1 && mi.len == 8 && mi.imm == 7);
	/* fs: prefix: mov %eax, %fs:(%rdx) */
	assert_int_equal(DECODE(0x64, 0x89, 0x02), 0);
	assert_true(mi.len == 3 && mi.size == 4);
	/* SIB with no base: mov %eax, 0x1000(,%rax,1) : 89 04 05 00 10 00 00 */
	assert_int_equal(DECODE(0x89, 0x04, 0x05, 0x00, 0x10, 0x00, 0x00), 0);
	assert_int_equal(mi.len, 7);
}

static void test_decode_loads(void **state)
{
	struct mmio_insn mi;

	(void)state;
	/* mov 8(%rcx), %edx : 8b 51 08 */
	assert_int_equal(DECODE(0x8b, 0x51, 0x08), 0);
	assert_true(!mi.write && mi.size == 4 && mi.reg == 2 && mi.len == 3);
	assert_int_equal(dune_mmio_load_result(&mi, ~0ull, 0xdeadbeef), 0xdeadbeef);
	/* mov (%rax), %r12 : 4c 8b 20 */
	assert_int_equal(DECODE(0x4c, 0x8b, 0x20), 0);
	assert_true(mi.size == 8 && mi.reg == 12);
	/* mov (%rax), %bx : 66 8b 18 keeps the upper bits */
	assert_int_equal(DECODE(0x66, 0x8b, 0x18), 0);
	assert_int_equal(dune_mmio_load_result(&mi, 0x1111222233334444ull, 0xabcd),
			 0x111122223333abcdull);
	/* mov (%rax), %bh : 8a 38 */
	assert_int_equal(DECODE(0x8a, 0x38), 0);
	assert_true(mi.high8 && mi.reg == 3);
	assert_int_equal(dune_mmio_load_result(&mi, 0xffff, 0x12), 0x12ff);
	/* movzbl 1(%rcx), %esi : 0f b6 71 01 */
	assert_int_equal(DECODE(0x0f, 0xb6, 0x71, 0x01), 0);
	assert_true(mi.size == 1 && mi.dst_size == 4 && mi.reg == 6 && mi.len == 4);
	assert_int_equal(dune_mmio_load_result(&mi, ~0ull, 0x1ff), 0xff);
	/* movzwq (%rax), %rax : 48 0f b7 00 */
	assert_int_equal(DECODE(0x48, 0x0f, 0xb7, 0x00), 0);
	assert_true(mi.size == 2 && mi.dst_size == 8);
}

static void test_decode_refused(void **state)
{
	struct mmio_insn mi;

	(void)state;
	assert_int_equal(DECODE(0x89, 0xc0), -EINVAL);		/* register to register */
	assert_int_equal(DECODE(0x01, 0x00), -EINVAL);		/* add */
	assert_int_equal(DECODE(0xf3, 0xa4), -EINVAL);		/* rep movsb */
	assert_int_equal(DECODE(0xc7, 0x08, 0, 0, 0, 0), -EINVAL);	/* c7 /1 */
	assert_int_equal(DECODE(0x89), -EINVAL);		/* truncated */
	assert_int_equal(DECODE(0x89, 0x80, 0, 0), -EINVAL);	/* truncated disp32 */
	assert_int_equal(DECODE(0xc7, 0x00, 1, 2), -EINVAL);	/* truncated imm */
	assert_int_equal(DECODE(0x0f, 0x10, 0x00), -EINVAL);	/* movups */
	assert_int_equal(DECODE(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_decode_stores),
		cmocka_unit_test(test_decode_loads),
		cmocka_unit_test(test_decode_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
