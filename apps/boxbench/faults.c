/*
 * faults - what a first-touch page fault costs: mmap an anonymous region,
 * write one byte per page, munmap, repeat.
 * Usage: faults [MB] [ROUNDS]. Prints "key value" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 64;
	long rounds = argc > 2 ? atol(argv[2]) : 4;
	long page = sysconf(_SC_PAGESIZE);
	size_t len;
	long pages;
	double touch = 0, t0 = now_ns();
	unsigned long sum = 0;

	if (mb < 1)
		mb = 1;
	if (rounds < 1)
		rounds = 1;
	len = (size_t)mb << 20;
	pages = len / page;
	for (long r = 0; r < rounds; r++) {
		volatile char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		/* one fault per 4 KiB page, not one per 2 MiB */
		madvise((void *)m, len, MADV_NOHUGEPAGE);
		double t = now_ns();
		for (long i = 0; i < pages; i++)
			m[i * page] = (char)i;
		touch += now_ns() - t;
		for (long i = 0; i < pages; i += 97)
			sum += (unsigned char)m[i * page];
		if (munmap((void *)m, len)) {
			perror("munmap");
			return 1;
		}
	}
	printf("fault_ns %.1f\n", touch / (pages * rounds));
	printf("round_ms %.3f\n", (now_ns() - t0) / rounds / 1e6);
	printf("faults %ld\n", pages * rounds);
	printf("checksum %lu\n", sum);
	return 0;
}
