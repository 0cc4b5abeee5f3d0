/* context.h - security contexts: what an sthread or a gate may reach
 * (context.c). Plain values: sthread_create and cgate_new copy them. */
#ifndef STHREAD_CONTEXT_H
#define STHREAD_CONTEXT_H

#include <stdint.h>
#include "sthread.h"

#define SC_MAX_TAGS 16
#define SC_MAX_FDS 16
#define SC_MAX_GATES 8
#define SYS_WORDS 8 /* bitmap of system call numbers below 512 */

struct tag;
struct cgate;

struct sc {
	struct {
		struct tag *tag;
		int mode;
	} mem[SC_MAX_TAGS];
	int nmem;
	struct {
		int fd, mode;
	} fds[SC_MAX_FDS];
	int nfds;
	uint64_t sys[SYS_WORDS];
	struct cgate *gates[SC_MAX_GATES];
	int ngates;
	int deny;
};
int sc_allows_call(const struct sc *sc, long nr);
int sc_tag_mode(const struct sc *sc, const struct tag *tag); /* 0 if not granted */
int sc_has_gate(const struct sc *sc, const struct cgate *gate);
int sc_check_live(const struct sc *sc); /* its tags still exist: 0 or -EINVAL */

#endif
