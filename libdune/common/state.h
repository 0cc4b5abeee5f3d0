/* both halves - the process-wide state of dune mode (set up by dune_init)
 * and the calling thread's vCPU; data only, so every module may read it. */
#ifndef LIBDUNE_STATE_H
#define LIBDUNE_STATE_H

#include <stdint.h>

struct dune_percpu;
struct hostside_ops;

struct dune_state {
	const struct hostside_ops *hostside; /* kvm or kmod: how the guest is run */
	uintptr_t doorbell_va;   /* a guest page with no memory slot: writing it */
	uint64_t doorbell_gpa;   /* exits to the host half (the hypercall) */
	uintptr_t idt_base;      /* the guest's IDT, a page of libdune's own */
	int kick_signal;         /* libdune's own signal: kicks a vCPU out of its run */
	uint8_t vmcall_seen;     /* a guest's vmcall reaches libdune (dune.ko: an
				  * exit; KVM on AMD: a #UD in the guest) */
	uint64_t kick_cookie;    /* a kick carries it (sigqueue value): the same
				  * signal from anyone else is the program's */
	/* read by entry.S (offsets in asm_offsets.c) */
	uint8_t deprivileged;    /* 1 where ring 0 has no FPU (PVM): the program runs
				  * in ring 3, ring 0 keeps to integer code */
	uint8_t use_xsave;       /* XSAVE rather than FXSAVE for FPU images */
	uint64_t xsave_mask;     /* the XSAVE components libdune saves and the
				  * guest's XCR0: those whose standard-format
				  * image fits DUNE_XSAVE_SIZE (AMX tiles do not) */
};
extern struct dune_state dune_state;

extern __thread struct dune_percpu *dune_self; /* this thread's vCPU */
extern __thread int dune_guest_mode;           /* 1 while code runs in the guest */

#endif
