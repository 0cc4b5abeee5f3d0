/* errmsg.c - one-line error messages next to a -errno return. */
#include <stdio.h>

#include "loader_internal.h"

int errmsg(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}
