/* traps.h - exceptions of user code end its level, never the process
 * (traps.c). */
#ifndef STHREAD_TRAPS_H
#define STHREAD_TRAPS_H


void traps_install(void);

#endif
