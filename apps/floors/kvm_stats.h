/*
 * kvm_stats.h - KVM's binary statistics (KVM_GET_STATS_FD) of a VM or a
 * vCPU: the cumulative counters this kernel exposes, by name, so exits and
 * faults can be counted per operation whatever the kernel version offers.
 */
#ifndef FLOORS_KVM_STATS_H
#define FLOORS_KVM_STATS_H

#include <stdint.h>

#define KVM_STATS_MAX 96
#define KVM_STAT_NAME_MAX 48

struct kvm_stats {
	int fd;           /* -1: this kernel has no binary stats */
	unsigned n;       /* cumulative single-value counters kept */
	char name[KVM_STATS_MAX][KVM_STAT_NAME_MAX];
	uint32_t offset[KVM_STATS_MAX]; /* in the data block */
	uint64_t data_offset;
};

/* fd: the VM's or vCPU's descriptor. No stats is not an error (fd = -1). */
void kvm_stats_open(struct kvm_stats *st, int fd);
/* reads every kept counter into v[0..n) */
void kvm_stats_read(const struct kvm_stats *st, uint64_t *v);
/* index of the counter called name, or -1 */
int kvm_stats_find(const struct kvm_stats *st, const char *name);
void kvm_stats_close(struct kvm_stats *st);

#endif
