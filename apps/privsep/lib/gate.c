/* gate.c - callgates. A gate is a function with a context of its own (a
 * copy), bound to a trusted argument by its creator. Each call runs in an
 * instance: a domain whose table has the gate's tags for good and the
 * caller's grants for the call; instances are kept per gate and scrubbed
 * after every call, so each call starts from the same state and nothing
 * of one caller reaches the next. User code enters a gate only through
 * the gate call, which starts it at its function's first instruction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define GATE_IDLE_MAX 64

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

/* The program calls a gate itself: a run of its own on this thread, the
 * gate at level 0. */
static int call_from_program(struct cgate *g, const struct cgate_grant *grants, int n,
			     void *arg, void **ret)
{
	struct run run;
	struct level *lv = &run.lv[0];
	int r = 0;

	if (!dune_in_guest())
		return -EPERM;
	memset(&run, 0, sizeof(run));
	if (!(run.frames = run_frames_new()))
		return -ENOMEM;
	if (!(lv->dom = gate_instance_get(g))) {
		free(run.frames);
		return -EAGAIN;
	}
	lv->ctx = &g->ctx;
	lv->gate = g;
	lv->lent_from = lv->dom->nlent;
	fdtab_init(&lv->fds, &g->ctx);
	for (int i = 0; i < n && !r; i++) {
		struct tag *t;
		tags_lock();
		t = tag_lookup(grants[i].tag);
		tags_unlock();
		r = !t || (grants[i].mode != SC_READ && grants[i].mode != SC_RW) ? -EINVAL :
		    domain_lend(lv->dom, t, grants[i].mode);
	}
	if (!r) {
		run_user(&run, (void *)g->fn, g->trusted, arg);
		r = run.gate_status;
		if (ret)
			*ret = r ? NULL : run.gate_ret;
	}
	fdtab_close_owned(&lv->fds);
	domain_unlend(lv->dom, lv->lent_from);
	domain_scrub(lv->dom);
	gate_instance_put(g, lv->dom);
	free(run.frames);
	return r;
}

int cgate_call(struct cgate *gate, const struct cgate_grant *grants, int ngrants, void *arg,
	       void **ret)
{
	if (sthread_in_domain)
		return (int)user_cgate(gate, grants, ngrants, arg, ret);
	if (!gate || ngrants < 0 || ngrants > CGATE_MAX_GRANTS || (ngrants && !grants))
		return -EINVAL;
	return call_from_program(gate, grants, ngrants, arg, ret);
}

int cgate_arg_ok(const void *p, size_t n, int mode)
{
	if (!sthread_in_domain)
		return 0;
	return (int)user_call3(SYS_ST_ARG_OK, (long)p, (long)n, mode);
}
