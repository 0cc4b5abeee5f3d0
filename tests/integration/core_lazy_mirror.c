/* Lazy mirroring (dune_mirror_lazily): a 256 GiB reservation costs no slot
 * and no page table until touched; each touch mirrors one block; the data
 * is there from both sides; a mapping bigger than guest-physical space
 * works as long as little of it is touched; unmapping gives it all back. */
#include <stdint.h>
#include <sys/mman.h>

#include "testlib.h"

#define GIB (1UL << 30)
#define BLOCK (8UL << 20) /* what one touch mirrors */
#define SLACK (8UL << 20) /* page tables and pool chunks the test causes */
#define TOUCHES 16

int main(void)
{
	struct dune_mem_stats s0, s1, s2, s3;
	size_t big = 256 * GIB, huge = 1UL << 46; /* 64 TiB: more than 46-bit guest-physical */
	char *p;

	tl_watchdog(120);
	tl_enter();
	dune_mirror_lazily(64UL << 20);
	dune_get_mem_stats(&s0);

	p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED);
	dune_get_mem_stats(&s1);
	CHECK(s1.slot_bytes <= s0.slot_bytes + SLACK); /* nothing yet */
	CHECK_EQ(s1.slot_bytes, s1.mirrored_bytes);
	for (size_t i = 0; i < TOUCHES; i++)
		p[i * (big / TOUCHES)] = (char)(i + 1);
	dune_get_mem_stats(&s2);
	CHECK(s2.slot_bytes >= s0.slot_bytes + (TOUCHES - 1) * BLOCK); /* the first block may be cut */
	CHECK(s2.slot_bytes <= s0.slot_bytes + TOUCHES * BLOCK + SLACK);
	CHECK_EQ(s2.slot_bytes, s2.mirrored_bytes);
	/* what the guest wrote, the host half reads (a forwarded write) */
	for (size_t i = 0; i < TOUCHES; i++)
		CHECK_EQ(p[i * (big / TOUCHES)], (char)(i + 1));
	CHECK_EQ(write(-1, p, 1), -1); /* a forwarded call on lazy memory: EBADF, not a fault */
	CHECK_EQ(munmap(p, big), 0);
	dune_get_mem_stats(&s3);
	CHECK(s3.slot_bytes <= s0.slot_bytes + SLACK);

	p = mmap(NULL, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED) { /* the host may refuse that much address space */
		p[0] = 1;
		p[huge - 1] = 2;
		CHECK_EQ(p[0] + p[huge - 1], 3);
		CHECK_EQ(munmap(p, huge), 0);
	}
	printf("lazy: 256 GiB reserved %lu KiB of slots, %d touches %lu MiB\n",
	       (unsigned long)((s1.slot_bytes - s0.slot_bytes) >> 10), TOUCHES,
	       (unsigned long)((s2.slot_bytes - s0.slot_bytes) >> 20));
	return tl_finish("core_lazy_mirror");
}
