/* run.h - user code on this thread: a run starts at level 0 (an sthread,
 * or a gate the program calls) and may call gates, a level each (run.c). */
#ifndef STHREAD_RUN_H
#define STHREAD_RUN_H

#include <stdint.h>
#include "context.h"
#include "domain.h"
#include "dune.h"
#include "fds.h"
#include "sthread.h"

#define GATE_MAX_DEPTH 4

struct cgate;

/* one level: the sthread itself, or a gate it called */
struct level {
	const struct sc *ctx;
	struct domain *dom;
	struct cgate *gate; /* NULL at the sthread's own level */
	struct fdtab fds;
	int lent_from;      /* the caller's grants in dom from here on */
};

/* what a gate call saved of its caller (the frame goes back as it was) */
struct gate_frame {
	struct dune_tf tf;
	uint64_t fs;
	uint8_t fpu[4096] __attribute__((aligned(64)));
};

struct run {
	struct level lv[GATE_MAX_DEPTH + 1];
	int depth;
	struct gate_frame *frames; /* GATE_MAX_DEPTH of them (the owner's) */
	struct sthread_end end;
	int gate_status;    /* a run that is a gate call from the program */
	void *gate_ret;
};
/* The run on this thread while user code runs (the handlers' context). */
extern __thread struct run *current_run;
/* room for a run's gate frames, or NULL */
struct gate_frame *run_frames_new(void);
/* Runs level 0 of run on this thread from fn(a0, a1) until it ends;
 * run->end says how. */
void run_user(struct run *run, void *fn, void *a0, void *a1);
/* ends level 0 (from a handler): never returns */
void run_end(struct run *run, int how) __attribute__((noreturn));
/* From a handler of user code's trap or call: the current level fails
 * (how: enum sthread_how). Level 0 ends (no return); a gate's call returns
 * its failure to the caller's frame in tf, and this returns 0. */
int run_fail(struct dune_tf *tf, int how, int vector, uint64_t addr, uint64_t err, long nr);
/* A gate call from user code: tf becomes the gate's start (0), or stays
 * the caller's (-errno: no instance, too deep, grants that do not map). */
int run_gate_enter(struct run *run, struct dune_tf *tf, struct cgate *gate,
		   const struct cgate_grant *grants, int n, void *arg);
/* The gate at the top returns: the caller's frame back in tf, with status
 * in rax and value in rdx. */
void run_gate_leave(struct run *run, struct dune_tf *tf, int status, uint64_t value);

#endif
