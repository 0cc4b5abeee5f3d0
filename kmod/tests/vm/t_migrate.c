// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU's thread hops between CPUs (sched_setaffinity) between and
 * during runs: the VMCS is cleared on one CPU and loaded on the next, and
 * the guest's state carries over. `t_migrate STOPFILE` keeps doing it until
 * STOPFILE exists (background load for t_hotplug.sh; affinity errors, as
 * for a CPU going offline, are ignored).
 */
#include "dtest.h"
#include <sched.h>
#include <sys/stat.h>

DT_GUEST(count,
	"xor %ebx, %ebx\n"
	"1: inc %ebx\n"
	"mov %ebx, %eax\n"
	"out %eax, $0x30\n"
	"jmp 1b\n");

int main(int argc, char **argv)
{
	struct dt_vm vm;
	struct dune_exit ex;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	const char *stop = argc > 1 ? argv[1] : NULL;
	struct stat st;
	uint32_t i;

	alarm(stop ? 600 : 120);
	if (ncpu < 1)
		ncpu = 1;
	dt_vm_create(&vm, count_start, count_end);
	for (i = 1; stop ? (i % 64 || stat(stop, &st) != 0) : i <= 3000; i++) {
		cpu_set_t set;
		int ret;

		CPU_ZERO(&set);
		CPU_SET(i % ncpu, &set);
		ret = sched_setaffinity(0, sizeof(set), &set);
		if (!stop)
			DT_CHECK(ret == 0 || ncpu == 1, "sched_setaffinity cpu %ld: %s", i % ncpu,
				 strerror(errno));
		dt_expect(&vm, &ex, DUNE_EXIT_IO, 0x30);
		DT_CHECK(ex.io.value == i, "step %u got %u", i, ex.io.value);
	}
	dt_vm_destroy(&vm);
	printf("t_migrate: ok (%u steps over %ld CPUs)\n", i - 1, ncpu);
	return 0;
}
