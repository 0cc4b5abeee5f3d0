/* host half (read by both) - every vCPU of the process, parked ones
 * included: a vCPU outlives its thread (KVM frees none before the VM). */
#ifndef LIBDUNE_VCPU_LIST_H
#define LIBDUNE_VCPU_LIST_H

#include <stdint.h>

#include "common/percpu.h"
#include "dune.h"

#define MAX_VCPUS 512

/* Room for one more vCPU, promised (0), or -ENOSPC at MAX_VCPUS. */
int vcpu_list_reserve(void);
void vcpu_list_unreserve(void);              /* making it failed */
void vcpu_list_add(struct dune_percpu *cpu); /* into the room reserved */
/* A parked vCPU whose thread is gone, now VCPU_ACTIVE, or NULL. */
struct dune_percpu *vcpu_list_take_parked(void);
/* Entries are never removed: i < vcpu_list_len() stays valid. */
unsigned vcpu_list_len(void);
struct dune_percpu *vcpu_list_get(unsigned i);
unsigned vcpus_active(void);
/* In a forked child: the list's lock is free (its holder stayed behind). */
void vcpu_list_after_fork(void);
/* debugging aid (DUNE_DEBUG): nothing may unmap a vCPU's per-CPU page */
void vcpus_check_unmap(uintptr_t start, uintptr_t end, const char *who);

#endif
