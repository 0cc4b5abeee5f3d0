/* trace_signatures.h - how --trace shows each call's arguments. */
#ifndef DUNEBOX_TRACE_SIGNATURES_H
#define DUNEBOX_TRACE_SIGNATURES_H

#include <stdbool.h>

/* One letter per argument (legend in trace_signatures.c), or NULL. */
const char *trace_signature(long nr);
bool trace_returns_pointer(long nr);

#endif
