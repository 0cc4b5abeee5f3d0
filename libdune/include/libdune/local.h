/*
 * libdune/local.h - what Dune's internal header gave the programs that
 * include it: string helpers, arch_prctl, and the per-thread APIC routing
 * entry (dune_apic_init_rt_entry).
 */
#ifndef LIBDUNE_COMPAT_LOCAL_H
#define LIBDUNE_COMPAT_LOCAL_H

#include <stdbool.h>

#define __str_t(x...) #x
#define __str(x...) __str_t(x)

extern int arch_prctl(int code, unsigned long *addr);

/* Records the calling thread's CPU -> APIC ID pair for
 * dune_apic_id_for_cpu(); call it in each thread after dune_enter(). */
void dune_apic_init_rt_entry(void);

#endif
