/* sthread_plain.h - the unprotected twin of libsthread (sthread_plain.c):
 * the same API on plain threads, or processes, without any isolation. */
#ifndef STHREAD_PLAIN_H
#define STHREAD_PLAIN_H

/* on: sthread_create forks a child that runs the function; off (the
 * default): a thread */
void sthread_plain_use_fork(int on);

#endif
