/* gate.c - callgates. A gate is a function with a context of its own (a
 * copy), bound to a trusted argument by its creator. Each call runs in an
 * instance: a domain whose table has the gate's tags for good and the
 * caller's grants for the call; instances are kept per gate and scrubbed
 * after every call, so each call starts from the same state and nothing
 * of one caller reaches the next. Calling one: gate_call.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "dune.h"
#include "gate.h"
#include "sthread.h"

struct cgate *cgate_new(struct sc *sc, cgate_fn fn, void *trusted)
{
	struct cgate *g;

	if (!sc || !fn || sc_check_live(sc) < 0) {
		errno = EINVAL;
		return NULL;
	}
	if (!(g = calloc(1, sizeof(*g)))) {
		errno = ENOMEM;
		return NULL;
	}
	g->ctx = *sc;
	g->fn = fn;
	g->trusted = trusted;
	pthread_mutex_init(&g->lock, NULL);
	return g;
}

void cgate_free(struct cgate *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->nidle; i++)
		domain_free(g->idle[i]);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

struct domain *gate_instance_get(struct cgate *g)
{
	struct domain *d = NULL;

	pthread_mutex_lock(&g->lock);
	if (g->nidle)
		d = g->idle[--g->nidle];
	pthread_mutex_unlock(&g->lock);
	if (d)
		return d;
	if (sc_check_live(&g->ctx) < 0 || !(d = domain_new()))
		return NULL;
	for (int i = 0; i < g->ctx.nmem; i++)
		if (domain_lend(d, g->ctx.mem[i].tag, g->ctx.mem[i].mode) < 0) {
			domain_free(d);
			return NULL;
		}
	return d;
}

void gate_instance_put(struct cgate *g, struct domain *d)
{
	pthread_mutex_lock(&g->lock);
	if (g->nidle < GATE_IDLE_MAX) {
		g->idle[g->nidle++] = d;
		d = NULL;
	}
	pthread_mutex_unlock(&g->lock);
	domain_free(d);
}
