/*
 * kvm_stats.c - KVM's binary statistics (kvm_stats.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm_stats.h"

void kvm_stats_open(struct kvm_stats *st, int fd)
{
	struct kvm_stats_header h;
	size_t desc_size;
	char *descs;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
#ifdef KVM_GET_STATS_FD
	st->fd = ioctl(fd, KVM_GET_STATS_FD, 0);
	if (st->fd < 0 || pread(st->fd, &h, sizeof(h), 0) != sizeof(h))
		goto none;
	desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = calloc(h.num_desc, desc_size);
	if (!descs || pread(st->fd, descs, desc_size * h.num_desc, h.desc_offset) !=
			      (ssize_t)(desc_size * h.num_desc)) {
		free(descs);
		goto none;
	}
	st->data_offset = h.data_offset;
	for (unsigned i = 0; i < h.num_desc && st->n < KVM_STATS_MAX; i++) {
		struct kvm_stats_desc *d = (void *)(descs + i * desc_size);
		/* counters only: cumulative, no unit, one value */
		if ((d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE ||
		    (d->flags & KVM_STATS_UNIT_MASK) != KVM_STATS_UNIT_NONE || d->size != 1)
			continue;
		strncpy(st->name[st->n], d->name, KVM_STAT_NAME_MAX - 1);
		st->offset[st->n] = d->offset;
		st->n++;
	}
	free(descs);
	return;
none:
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	st->n = 0;
#else
	(void)fd;
	(void)h;
	(void)desc_size;
	(void)descs;
#endif
}

void kvm_stats_read(const struct kvm_stats *st, uint64_t *v)
{
	uint64_t block[1024];
	uint32_t max = 0;

	if (st->fd < 0)
		return;
	for (unsigned i = 0; i < st->n; i++)
		if (st->offset[i] > max)
			max = st->offset[i];
	if (max / 8 >= 1024 ||
	    pread(st->fd, block, max + 8, (off_t)st->data_offset) != (ssize_t)(max + 8)) {
		memset(v, 0, st->n * sizeof(*v));
		return;
	}
	for (unsigned i = 0; i < st->n; i++)
		v[i] = block[st->offset[i] / 8];
}

int kvm_stats_find(const struct kvm_stats *st, const char *name)
{
	for (unsigned i = 0; i < st->n; i++)
		if (!strcmp(st->name[i], name))
			return (int)i;
	return -1;
}

void kvm_stats_close(struct kvm_stats *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}
