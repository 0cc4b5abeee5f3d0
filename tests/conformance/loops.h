/*
 * loops.h - stress-ng-like loops written here (loops.c): fork storms,
 * timers, signals to children, dup2 over every descriptor number, close
 * and close_range over everything, descriptor listings, clone with a
 * shared descriptor table, invalid arguments. Each loop writes what it
 * observed (never a timing) into a transcript, so a run natively and a run
 * in dune mode or in dunebox can be compared line by line.
 */
#ifndef CONFORM_LOOPS_H
#define CONFORM_LOOPS_H

#include <stddef.h>

#define TRANSCRIPT_MAX 16384

/* lives in a MAP_SHARED page, so the process that runs a loop need not be
 * the one that reads the transcript */
struct transcript {
	size_t len;
	char text[TRANSCRIPT_MAX];
};

struct conform_loop {
	const char *name;
	void (*run)(struct transcript *t);
};

extern const struct conform_loop conform_loops[];

/* 0: "still alive" checks create no thread (tests/box/conform.c, while a
 * thread's exit in dunebox can fault: docs/conformance.md, Open) */
extern int conform_threads;

/* appends one line to t */
void say(struct transcript *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* a MAP_SHARED transcript, empty; NULL if it cannot be mapped */
struct transcript *transcript_new(void);

/* the loop called name, or NULL */
const struct conform_loop *conform_loop_find(const char *name);

#endif
