/* Linux AIO: io_submit's iocbs name buffers the kernel reads or writes
 * after the call returns (see sysargs.h); io_pgetevents' sigmask sits
 * behind a second pointer. */
#include <errno.h>
#include <linux/aio_abi.h>
#include <stdio.h>
#include <string.h>

#include "sysargs_calls.h"

static int check_iocb(struct sa_call *c, size_t i, uintptr_t addr)
{
	struct iocb cb;
	char label[48];
	int r;

	snprintf(label, sizeof(label), "iocbpp[%zu]", i);
	/* the kernel writes its key into aio_key */
	r = sa_copy(c, 2, label, addr, &cb, sizeof(cb), SYSARGS_WRITE);
	if (r)
		return r;
	snprintf(label, sizeof(label), "iocbpp[%zu]->aio_buf", i);
	switch (cb.aio_lio_opcode) {
	case IOCB_CMD_PREAD:
		return sa_range(c, 2, label, cb.aio_buf, cb.aio_nbytes, SYSARGS_WRITE);
	case IOCB_CMD_PWRITE:
		return sa_range(c, 2, label, cb.aio_buf, cb.aio_nbytes, SYSARGS_READ);
	case IOCB_CMD_PREADV:
		return sa_iovec(c, 2, label, cb.aio_buf, cb.aio_nbytes, SYSARGS_WRITE);
	case IOCB_CMD_PWRITEV:
		return sa_iovec(c, 2, label, cb.aio_buf, cb.aio_nbytes, SYSARGS_READ);
	case IOCB_CMD_FSYNC:
	case IOCB_CMD_FDSYNC:
	case IOCB_CMD_POLL:
	case IOCB_CMD_NOOP:
		return 0;
	}
	return sa_fail(c, -EINVAL, "arg 2 (%s) opcode %u unknown", label, cb.aio_lio_opcode);
}

/* io_submit(ctx_id, nr, iocbpp) */
int sa_check_io_submit(struct sa_call *c, const long a[6])
{
	uintptr_t vec = (uintptr_t)a[2];
	size_t n;
	int r = sa_count(c, 1, a[1], COUNT_LONG, &n);

	if (!r)
		r = sa_array(c, 2, "iocbpp", vec, n, sizeof(uintptr_t), SYSARGS_READ);
	for (size_t i = 0; !r && i < n; i++) {
		uintptr_t cb;

		memcpy(&cb, (const uintptr_t *)vec + i, sizeof(cb));
		r = check_iocb(c, i, cb);
	}
	return r;
}

/* io_pgetevents(ctx_id, min_nr, nr, events, timeout, usig): usig points
 * to { const sigset_t *sigmask; size_t sigsetsize; } */
int sa_check_io_pgetevents(struct sa_call *c, const long a[6])
{
	struct {
		uintptr_t sigmask;
		size_t sigsetsize;
	} usig;
	int r;

	if (!a[5])
		return 0;
	r = sa_copy(c, 5, "usig", (uintptr_t)a[5], &usig, sizeof(usig), SYSARGS_READ);
	if (r || !usig.sigmask)
		return r;
	return sa_range(c, 5, "usig->sigmask", usig.sigmask, usig.sigsetsize, SYSARGS_READ);
}
