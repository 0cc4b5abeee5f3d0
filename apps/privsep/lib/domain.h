/* domain.h - a domain: the memory user code owns while it runs and the
 * page table it runs under, scrubbed between uses (domain.c). */
#ifndef STHREAD_DOMAIN_H
#define STHREAD_DOMAIN_H

#include <stddef.h>
#include <stdint.h>
#include "context.h"
#include "dune.h"
#include "sthread.h"

#define STACK_PAGES 32 /* 128 KiB of stack per domain */

struct tag;

struct domain {
	ptent_t *root;
	uint8_t *mem;       /* [guard][stack][TLS][globals copy] */
	size_t mem_size;
	uintptr_t stack_top, fs;
	uint8_t *tls, *globals_copy;
	ptent_t **own_ptes; /* the entries of the pages above, for scrubbing */
	int nown;
	struct {
		struct tag *tag;
		int mode, prev; /* prev: its mode from earlier loans, or 0 */
	} lent[SC_MAX_TAGS + CGATE_MAX_GRANTS]; /* tags mapped now */
	int nlent;
};
struct domain *domain_new(void);
void domain_free(struct domain *d);
/* maps the tag (user-readable, writable with SC_WRITE); counts a user */
int domain_lend(struct domain *d, struct tag *tag, int mode);
/* unmaps tags lent from index `from` on */
void domain_unlend(struct domain *d, int from);
/* pages written since the last scrub back to their first state */
void domain_scrub(struct domain *d);

#endif
