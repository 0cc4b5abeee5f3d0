/* Memory that appears after entering is usable at once: mapped by a
 * forwarded mmap, by another (host-mode) thread, or by the stack growing;
 * memory that is gone faults. */
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "testlib.h"

static int req[2], rep[2];

static void *mapper(void *arg)
{
	char cmd;
	(void)arg;
	while (read(req[0], &cmd, 1) == 1) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(p, cmd, 1 << 20);
		if (write(rep[1], &p, sizeof(p)) != sizeof(p))
			break;
	}
	return NULL;
}

static volatile int faults;
static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)addr;
	(void)fec;
	faults++;
	tf->rip += 3; /* movzbl (%rax), %eax: 0f b6 00 */
}

static int deep(int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	if (n == 0)
		return buf[0];
	return deep(n - 1) + buf[0];
}

int main(void)
{
	pthread_t t;
	char *p;

	tl_watchdog(60);
	CHECK_EQ(pipe(req), 0);
	CHECK_EQ(pipe(rep), 0);
	pthread_create(&t, NULL, mapper, NULL);
	tl_enter();

	/* mapped by another thread, in host mode, while we run in the guest */
	for (int i = 0; i < 3; i++) {
		char c = (char)('a' + i);
		CHECK_EQ(write(req[1], &c, 1), 1);
		CHECK_EQ(read(rep[0], &p, sizeof(p)), (long)sizeof(p));
		CHECK_EQ(p[0], c);
		CHECK_EQ(p[(1 << 20) - 1], c);
	}

	/* the main stack grows (1000 frames of 4 KiB = ~4 MiB) */
	{
		int want = 0;
		for (int k = 1; k <= 1000; k++)
			want += (char)k;
		CHECK_EQ(deep(1000), want);
	}

	/* unmapped memory faults */
	dune_register_pgflt_handler(on_pf);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	munmap(p, 4096);
	asm volatile("movzbl (%0), %%eax" ::"a"(p) : "memory");
	CHECK_EQ(faults, 1);
	return tl_finish("core_newmem");
}
