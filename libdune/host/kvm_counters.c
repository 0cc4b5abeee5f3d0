/* host half - kvm_counters.c: a vCPU's counters from KVM's binary statistics.
 * The layout is the same for every vCPU of a kernel: it is read once, from
 * the first vCPU's descriptor, into static offsets (the host half may not
 * malloc). */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/syscall.h>

#include "common/raw_syscall.h"
#include "host/kvm_counters.h"

static const char *const wanted[KVM_COUNTS] = { "exits", "insn_emulation", "pf_taken", "pf_fixed" };
static int64_t offset[KVM_COUNTS] = { -1, -1, -1, -1 }; /* in the file; -1: absent */
static int layout_known;

#define DESC_BUF 8192

static void find_offsets(int fd)
{
	static char buf[DESC_BUF];
	struct kvm_stats_header h;
	size_t one;

	if (raw_syscall4(SYS_pread64, fd, &h, sizeof(h), 0) != sizeof(h))
		return;
	one = sizeof(struct kvm_stats_desc) + h.name_size;
	for (uint32_t i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc *d = (struct kvm_stats_desc *)buf;
		if (one > DESC_BUF ||
		    raw_syscall4(SYS_pread64, fd, buf, one, h.desc_offset + i * one) != (long)one)
			return;
		if (d->size != 1 || (d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE)
			continue;
		for (int k = 0; k < KVM_COUNTS; k++)
			if (!strncmp(d->name, wanted[k], h.name_size))
				offset[k] = (int64_t)(h.data_offset + d->offset);
	}
}

int kvm_counters_open(int vcpu_fd)
{
#ifdef KVM_GET_STATS_FD
	int fd = (int)raw_syscall3(SYS_ioctl, vcpu_fd, KVM_GET_STATS_FD, 0);
	if (fd >= 0 && !__atomic_exchange_n(&layout_known, 1, __ATOMIC_ACQ_REL))
		find_offsets(fd);
	return fd;
#else
	(void)vcpu_fd;
	return -ENOTSUP;
#endif
}

int kvm_counters_read(int stats_fd, int64_t k[KVM_COUNTS])
{
	for (int i = 0; i < KVM_COUNTS; i++) {
		uint64_t v;
		k[i] = -1;
		if (offset[i] >= 0 &&
		    raw_syscall4(SYS_pread64, stats_fd, &v, sizeof(v), offset[i]) == sizeof(v))
			k[i] = (int64_t)v;
	}
	return 0;
}
