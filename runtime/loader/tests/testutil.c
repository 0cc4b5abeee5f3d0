/* testutil.c - see testutil.h. */
#include <elf.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

struct load_limits test_limits(void)
{
	return (struct load_limits){
		.lo = TEST_LO,
		.hi = TEST_HI,
		.stack_size = 1 << 20,
		.vdso = getauxval(AT_SYSINFO_EHDR),
	};
}

void *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc(n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), n);
	fclose(f);
	*len = n;
	return buf;
}

void write_tmp(const void *buf, size_t len, char path[64])
{
	int fd;

	strcpy(path, "/tmp/loader-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, 0755), 0);
	close(fd);
}

uint64_t aux_get(uintptr_t sp, uint64_t type, int *found)
{
	const uint64_t *w = (const uint64_t *)sp;
	uint64_t argc = *w++;

	w += argc + 1;
	while (*w)
		w++;
	for (w++; w[0] != AT_NULL; w += 2)
		if (w[0] == type) {
			*found = 1;
			return w[1];
		}
	*found = 0;
	return 0;
}

uint64_t kernel_aux(uint64_t type)
{
	uint64_t pair[2];
	FILE *f = fopen("/proc/self/auxv", "rb");

	assert_non_null(f);
	while (fread(pair, sizeof(pair), 1, f) == 1 && pair[0] != AT_NULL)
		if (pair[0] == type) {
			fclose(f);
			return pair[1];
		}
	fclose(f);
	fail_msg("no auxv entry %lu in /proc/self/auxv", (unsigned long)type);
	return 0;
}

int open_fd_count(void)
{
	struct pollfd p[256];
	int n = 0;

	for (int i = 0; i < 256; i++)
		p[i] = (struct pollfd){ .fd = i };
	poll(p, 256, 0); /* closed descriptors come back POLLNVAL */
	for (int i = 0; i < 256; i++)
		n += !(p[i].revents & POLLNVAL);
	return n;
}
