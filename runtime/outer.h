/* outer.h - the kernel's isolation around the whole dunebox process
 * (outer.c, runtime/jail) */
#ifndef DUNEBOX_OUTER_H
#define DUNEBOX_OUTER_H

#include <stdint.h>

struct outer_options {
	int inner_only;           /* --inner-only: the monitor's checks alone */
	int without;              /* --without: enum jail_layer bits given up */
	int native;               /* test builds: the program runs natively, no monitor */
	uint64_t memory_limit;    /* --memory (0: half the machine's) */
	uint64_t pids_limit;      /* --pids (0: the default) */
};

/* Returns 0 in the jailed process (or at once with --inner-only), -1 with
 * one line printed; the calling process stays outside and waits. */
int outer_enter(const struct outer_options *o);

#endif
