/* iovec arrays: the array is read, then each buffer is used (readv writes
 * them, writev reads them, process_madvise acts on their mappings). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "sysargs_internal.h"

int sa_iovec(struct sa_call *c, int arg, const char *what, uintptr_t iov,
	     size_t n, int access)
{
	char label[96];
	int r;

	if (n > SA_UIO_MAXIOV)
		return sa_fail(c, -EINVAL, "arg %d (%s) %zu entries, more than %d",
			       arg, what, n, SA_UIO_MAXIOV);
	r = sa_array(c, arg, what, iov, n, sizeof(struct iovec), SYSARGS_READ);
	for (size_t i = 0; !r && i < n; i++) {
		struct iovec v;

		/* one copy per entry: the check and the kernel see one value */
		memcpy(&v, (const struct iovec *)iov + i, sizeof(v));
		snprintf(label, sizeof(label), "%s[%zu].iov_base", what, i);
		if (access == SYSARGS_MAPPING)
			r = sa_pages(c, arg, label, (uintptr_t)v.iov_base, v.iov_len);
		else
			r = sa_range(c, arg, label, (uintptr_t)v.iov_base, v.iov_len, access);
	}
	return r;
}
