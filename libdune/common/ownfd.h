/* both halves - the descriptors libdune keeps open (dune_owns_fd). */
#ifndef LIBDUNE_OWNFD_H
#define LIBDUNE_OWNFD_H

void dune_fd_own(int fd, int own);
/* A descriptor libdune just made: marked as its own and moved near the top
 * of the table (where it stays if there is no room); returns its number,
 * or fd itself if negative. */
int dune_fd_take(int fd);

#endif
