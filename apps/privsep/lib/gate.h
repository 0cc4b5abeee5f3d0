/* gate.h - callgates as objects: a context, a function, a trusted argument,
 * and the instances (domains) its calls run in (gate.c). Calling one is
 * gate_call.c's. */
#ifndef STHREAD_GATE_H
#define STHREAD_GATE_H

#include <pthread.h>
#include "context.h"
#include "sthread.h"

#define GATE_IDLE_MAX 64

struct cgate {
	struct sc ctx;
	cgate_fn fn;
	void *trusted;
	pthread_mutex_t lock;
	struct domain *idle[GATE_IDLE_MAX];
	int nidle;
};
struct domain *gate_instance_get(struct cgate *gate);
void gate_instance_put(struct cgate *gate, struct domain *d);

#endif
