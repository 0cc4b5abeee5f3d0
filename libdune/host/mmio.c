/* host half - mmio.c: guest-physical memory without a slot (a slot may be
 * in the middle of being replaced): the host half does the access on the
 * host mapping, every byte of which must be there with the access's
 * protection. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "host/mmio.h"
#include "mm/layout.h"
#include "mm/procmap.h"

#define MMIO_MAX_LEN 8 /* what one instruction moves through an exit */

int host_mmio_access(struct vcpu_exit *ex)
{
	uint8_t *va = layout_pa_to_va(ex->gpa);
	int prot = ex->is_write ? PROT_WRITE : PROT_READ;
	struct host_vma v;

	if (!va || !ex->len || ex->len > MMIO_MAX_LEN)
		return -EFAULT;
	/* the last byte too: contiguous in both spaces (not across a chunk) */
	if (layout_pa_to_va(ex->gpa + ex->len - 1) != va + ex->len - 1)
		return -EFAULT;
	/* ... and each mapping the bytes fall in (a page boundary may part them) */
	for (uintptr_t p = (uintptr_t)va; p < (uintptr_t)va + ex->len; p = v.end)
		if (procmap_find(p, &v) < 0 || !(v.prot & prot))
			return -EFAULT;
	if (ex->is_write)
		memcpy(va, ex->data, ex->len);
	else
		memcpy(ex->data, va, ex->len);
	return 0;
}
