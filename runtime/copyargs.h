/* copyargs.h - nested structures of forwarded calls, copied into the monitor */
#ifndef DUNEBOX_COPYARGS_H
#define DUNEBOX_COPYARGS_H

long copyargs(long nr, long a[6]);
void copyargs_after(long nr, const long orig[6], long result);

#endif
