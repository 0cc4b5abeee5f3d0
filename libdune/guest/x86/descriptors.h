/* guest ring 0 (built by the host half) - the IDT, and each vCPU's GDT,
 * TSS and interrupt stacks. */
#ifndef LIBDUNE_DESCRIPTORS_H
#define LIBDUNE_DESCRIPTORS_H

#include <stddef.h>
#include <stdint.h>

#include "common/percpu.h"

struct idt_gate {
	uint64_t lo, hi;
};
#define IDT_ENTRIES 256
#define TSS_IST_ENTRY 1 /* every vector arrives on IST1 (entry.S) */
/* between GD_UD and GD_UT, as SYSRET wants them (STAR): 32-bit user code */
#define GD_UT32 0x20

/* Where the IDT and each vCPU's page (GDT, TSS) go: a fixed range, so that
 * sgdt and sidt, which user code may run where the CPU has no UMIP, show
 * addresses that tell nothing about where anything else is. */
#define DESCRIPTOR_AREA 0x600000000000UL
#define DESCRIPTOR_AREA_SIZE (64UL << 20)
/* len bytes (page multiple) in that range, or anywhere if it is full or
 * taken; MAP_FAILED if there is no memory. */
void *descriptor_area_map(size_t len);

int guest_idt_init(void); /* the IDT: every vector to entry.S, on IST1 */
/* A new vCPU's stacks, GDT and TSS; 0 or -ENOMEM. */
int guest_percpu_init(struct dune_percpu *cpu);
void guest_percpu_free(struct dune_percpu *cpu); /* the stacks guest_percpu_init made */
/* Descriptor tables and stack pointers, as for a fresh thread. */
void guest_percpu_reset(struct dune_percpu *cpu);

#endif
