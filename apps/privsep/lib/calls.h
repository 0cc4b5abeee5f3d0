/* calls.h - the system calls of user code, checked in ring 0 against the
 * context of the level that made them (calls.c). */
#ifndef STHREAD_CALLS_H
#define STHREAD_CALLS_H

#include "dune.h"

void calls_handle(struct dune_tf *tf);
int calls_supported(long nr);
const char *calls_name(long nr);

#endif
