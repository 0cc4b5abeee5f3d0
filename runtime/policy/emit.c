/* Writing a formatted line: one write(2), so lines from several threads
 * sharing the file never interleave (the file is opened O_APPEND). */
#include <errno.h>
#include <unistd.h>

#include "audit.h"

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		n -= w;
	}
	return 0;
}

int audit_emit(int fd, const struct syscall_event *ev, char *buf, size_t len)
{
	int n = audit_format(ev, buf, len);

	return n < 0 ? n : write_all(fd, buf, n);
}

/* A trace line that did not fit is still written, ending in "...". */
int trace_emit(int fd, const struct syscall_event *ev, char *buf, size_t len)
{
	int n = trace_format(ev, buf, len);

	if (n == -ENOSPC && len)
		for (n = 0; buf[n]; n++)
			;
	return n < 0 ? n : write_all(fd, buf, n);
}
