/* Reading a policy file. Runs once, before the program starts, so it may
 * allocate; the text itself is checked by policy_parse. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

#define POLICY_FILE_MAX (1 << 20)	/* no honest policy is near this */

static int report(char *err, size_t errlen, int r, const char *file, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", file, msg);
	return r;
}

/* Reads all of fd into a NUL-terminated buffer; a NUL inside is an error
 * (reported with its line) because the parser would stop there. */
static int read_text(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n + 1 == cap) {
			char *bigger = cap >= POLICY_FILE_MAX ? NULL : realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return cap >= POLICY_FILE_MAX ? -EFBIG : -ENOMEM;
			}
			buf = bigger;
			cap *= 2;
		}
		ssize_t got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (got == 0)
			break;
		n += got;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int policy_load_file(struct policy *p, const char *file, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	policy_empty(p);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return report(err, errlen, -errno, file, strerror(errno));
	r = read_text(fd, &text, &len);
	close(fd);
	if (r == -EFBIG)
		return report(err, errlen, r, file, "too big for a policy (over 1 MiB)");
	if (r < 0)
		return report(err, errlen, r, file, strerror(-r));

	char *nul = memchr(text, '\0', len);
	if (nul) {
		int line = 1;
		for (char *c = text; c < nul; c++)
			line += *c == '\n';
		free(text);
		if (err && errlen)
			snprintf(err, errlen, "%s:%d: NUL byte in the text", file, line);
		return -EINVAL;
	}
	r = policy_parse(p, text, file, err, errlen);
	free(text);
	return r;
}
