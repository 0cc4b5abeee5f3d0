/* Memory slots cover only mirrored memory: after mapping 1 GiB the slots
 * grow by 1 GiB (plus a stated slack), after unmapping they shrink back. */
#include <stdint.h>
#include <sys/mman.h>

#include "testlib.h"

#define GIB (1UL << 30)
#define SLACK (8UL << 20) /* page tables, pool chunks the test itself causes */

int main(void)
{
	struct dune_mem_stats s0, s1, s2;
	char *p;

	tl_watchdog(120);
	tl_enter();
	dune_get_mem_stats(&s0);
	CHECK_EQ(s0.slot_bytes, s0.mirrored_bytes);

	p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < GIB; i += 64 << 20)
		p[i] = 1;
	dune_get_mem_stats(&s1);
	CHECK(s1.slot_bytes >= s0.slot_bytes + GIB);
	CHECK(s1.slot_bytes <= s0.slot_bytes + GIB + SLACK);
	CHECK_EQ(s1.slot_bytes, s1.mirrored_bytes);

	CHECK_EQ(munmap(p, GIB), 0);
	dune_get_mem_stats(&s2);
	CHECK(s2.slot_bytes <= s0.slot_bytes + SLACK);
	CHECK_EQ(s2.slot_bytes, s2.mirrored_bytes);
	printf("slots: before %lu MiB in %lu, with 1 GiB %lu MiB in %lu, after %lu MiB in %lu\n",
	       (unsigned long)(s0.slot_bytes >> 20), (unsigned long)s0.slots,
	       (unsigned long)(s1.slot_bytes >> 20), (unsigned long)s1.slots,
	       (unsigned long)(s2.slot_bytes >> 20), (unsigned long)s2.slots);
	return tl_finish("core_slots");
}
