/* testutil.h - what every policy test includes. */
#ifndef POLICY_TESTUTIL_H
#define POLICY_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* A whole file, NUL-terminated; fails the test if it cannot be read. */
static inline char *read_whole_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 4097 > cap) {
			cap = (cap + 4097) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, 4096, f);
		if (!got)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
