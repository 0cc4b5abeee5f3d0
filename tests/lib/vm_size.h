/* vm_size.h - for tests that look for leaks: the process's mapped bytes. */
#ifndef TESTS_VM_SIZE_H
#define TESTS_VM_SIZE_H

#include <stdio.h>

/* VmSize of /proc/self/status, in KiB; -1 if not found */
static inline long vm_size_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

#endif
