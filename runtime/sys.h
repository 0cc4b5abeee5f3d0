/* sys.h - the system call handler: every call the program makes */
#ifndef DUNEBOX_SYS_H
#define DUNEBOX_SYS_H

#include "dune.h"

void sys_handler(struct dune_tf *tf);

#endif
