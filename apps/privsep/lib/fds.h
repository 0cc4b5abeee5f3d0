/* fds.h - the descriptors a run may use: granted by its context, or
 * opened by it (closed when its level ends) (fds.c). */
#ifndef STHREAD_FDS_H
#define STHREAD_FDS_H

#include "context.h"

#define RUN_MAX_OWNED_FDS 32

struct fd_entry {
	int fd, mode;
	int owned; /* opened by the run: closed when its level ends */
};
struct fdtab {
	struct fd_entry e[SC_MAX_FDS + RUN_MAX_OWNED_FDS];
	int n;
};
void fdtab_init(struct fdtab *t, const struct sc *sc);
struct fd_entry *fdtab_find(struct fdtab *t, int fd);
int fdtab_own(struct fdtab *t, int fd, int mode); /* -EMFILE when full */
void fdtab_forget(struct fdtab *t, int fd);
void fdtab_close_owned(struct fdtab *t);

#endif
