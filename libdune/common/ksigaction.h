/* both halves - the kernel's struct sigaction on x86-64, as rt_sigaction
 * takes it (libc's struct sigaction differs). */
#ifndef LIBDUNE_KSIGACTION_H
#define LIBDUNE_KSIGACTION_H

#include <stdint.h>

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask; /* bit sig-1 */
};

/* signals 1..64 as bits of a kernel signal mask; sig 64 is bit 63 */
#define KSIG_BIT(sig) (1ULL << ((sig) - 1))

#endif
