/* host half - kvm_counters.h: a vCPU's counters from KVM's binary statistics
 * (KVM_GET_STATS_FD): exits, emulated instructions, page faults (all, and
 * those resolved by mapping). */
#ifndef LIBDUNE_KVM_COUNTERS_H
#define LIBDUNE_KVM_COUNTERS_H

#include <stdint.h>

#define KVM_COUNTS 4 /* exits, insn_emulation, pf_taken, pf_fixed */

/* The stats descriptor of vcpu_fd, or -errno (a kernel without them) */
int kvm_counters_open(int vcpu_fd);
/* k[0..KVM_COUNTS): the counters, -1 for one this kernel lacks */
int kvm_counters_read(int stats_fd, int64_t k[KVM_COUNTS]);

#endif
