/* context.c - security contexts: what an sthread or a callgate may reach
 * (tags and modes, descriptors and modes, system calls, gates) and what a
 * denied call does. Plain values: sthread_create and cgate_new copy them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "dune.h"
#include "sthread.h"
#include "tag.h"

struct sc *sc_new(void)
{
	struct sc *sc = calloc(1, sizeof(*sc));
	if (sc)
		sc->deny = SC_DENY_EPERM;
	return sc;
}

struct sc *sc_dup(const struct sc *sc)
{
	struct sc *copy = malloc(sizeof(*copy));
	if (copy)
		*copy = *sc;
	return copy;
}

void sc_free(struct sc *sc)
{
	free(sc);
}

int sc_mem_add(struct sc *sc, tag_t tag, int mode)
{
	struct tag *t;

	if (mode != SC_READ && mode != SC_RW)
		return -EINVAL;
	tags_lock();
	t = tag_lookup(tag);
	tags_unlock();
	if (!t)
		return -EINVAL;
	for (int i = 0; i < sc->nmem; i++)
		if (sc->mem[i].tag == t) {
			sc->mem[i].mode |= mode;
			return 0;
		}
	if (sc->nmem == SC_MAX_TAGS)
		return -E2BIG;
	sc->mem[sc->nmem].tag = t;
	sc->mem[sc->nmem].mode = mode;
	sc->nmem++;
	return 0;
}

int sc_fd_add(struct sc *sc, int fd, int mode)
{
	if (fd < 0 || !mode || (mode & ~SC_RW))
		return -EINVAL;
	for (int i = 0; i < sc->nfds; i++)
		if (sc->fds[i].fd == fd) {
			sc->fds[i].mode |= mode;
			return 0;
		}
	if (sc->nfds == SC_MAX_FDS)
		return -E2BIG;
	sc->fds[sc->nfds].fd = fd;
	sc->fds[sc->nfds].mode = mode;
	sc->nfds++;
	return 0;
}

void sc_set_deny(struct sc *sc, enum sc_deny action)
{
	sc->deny = action == SC_DENY_KILL ? SC_DENY_KILL : SC_DENY_EPERM;
}

int sc_cgate_add(struct sc *sc, struct cgate *gate)
{
	if (!gate)
		return -EINVAL;
	if (sc_has_gate(sc, gate))
		return 0;
	if (sc->ngates == SC_MAX_GATES)
		return -E2BIG;
	sc->gates[sc->ngates++] = gate;
	return 0;
}

int sc_allows_call(const struct sc *sc, long nr)
{
	return nr >= 0 && nr < SYS_WORDS * 64 && ((sc->sys[nr / 64] >> (nr % 64)) & 1);
}

int sc_tag_mode(const struct sc *sc, const struct tag *tag)
{
	for (int i = 0; i < sc->nmem; i++)
		if (sc->mem[i].tag == tag)
			return sc->mem[i].mode;
	return 0;
}

int sc_has_gate(const struct sc *sc, const struct cgate *gate)
{
	for (int i = 0; i < sc->ngates; i++)
		if (sc->gates[i] == gate)
			return 1;
	return 0;
}

int sc_check_live(const struct sc *sc)
{
	int r = 0;
	tags_lock();
	for (int i = 0; i < sc->nmem && !r; i++)
		if (!tag_lookup(sc->mem[i].tag))
			r = -EINVAL;
	tags_unlock();
	return r;
}
