/* both halves - the descriptors libdune keeps open (dune_owns_fd), kept
 * out of the program's reach. */
#ifndef LIBDUNE_OWNFD_H
#define LIBDUNE_OWNFD_H

#include <stdint.h>

void dune_fd_own(int fd, int own);
/* 1 if system call nr with args names one of libdune's descriptors */
int ownfd_named(long nr, const uint64_t args[6]);
/* close_range that leaves libdune's descriptors open */
long ownfd_close_range(unsigned first, unsigned last, unsigned flags);
/* a descriptor dune_fd_hide moved was closed: its number is anyone's */
void ownfd_closed(int fd);
/* getdents(64) that leaves libdune's descriptors out of /proc/self/fd */
long ownfd_getdents(long nr, int fd, void *buf, unsigned count);

#endif
