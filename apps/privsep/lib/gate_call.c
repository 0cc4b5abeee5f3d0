/* gate_call.c - calling a callgate: from user code, a private call that
 * ring 0 turns into the gate's start (run.c); from the program, a run of
 * its own on this thread with the gate at level 0. Either way the gate is
 * entered only at its function's first instruction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "dune.h"
#include "fds.h"
#include "gate.h"
#include "image.h"
#include "run.h"
#include "sthread.h"
#include "tag.h"
#include "user.h"

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
