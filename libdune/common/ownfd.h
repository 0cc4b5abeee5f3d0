/* both halves - the descriptors libdune keeps open (dune_owns_fd). */
#ifndef LIBDUNE_OWNFD_H
#define LIBDUNE_OWNFD_H

void dune_fd_own(int fd, int own);

#endif
