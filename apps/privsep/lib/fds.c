/* fds.c - the descriptors a level of a run may use: those its context
 * grants (by number, with their modes) and those it opened itself, which
 * it may close and which are closed when the level ends, so none is left
 * in the process behind it. */
#include <errno.h>
#include <unistd.h>

#include "dune.h"
#include "fds.h"
#include "sthread.h"

void fdtab_init(struct fdtab *t, const struct sc *sc)
{
	t->n = 0;
	for (int i = 0; i < sc->nfds; i++) {
		t->e[t->n].fd = sc->fds[i].fd;
		t->e[t->n].mode = sc->fds[i].mode;
		t->e[t->n].owned = 0;
		t->n++;
	}
}

struct fd_entry *fdtab_find(struct fdtab *t, int fd)
{
	for (int i = 0; i < t->n; i++)
		if (t->e[i].fd == fd)
			return &t->e[i];
	return NULL;
}

int fdtab_own(struct fdtab *t, int fd, int mode)
{
	struct fd_entry *e = fdtab_find(t, fd);
	if (!e) {
		if (t->n == (int)(sizeof(t->e) / sizeof(t->e[0])))
			return -EMFILE;
		e = &t->e[t->n++];
	}
	e->fd = fd;
	e->mode = mode;
	e->owned = 1;
	return 0;
}

void fdtab_forget(struct fdtab *t, int fd)
{
	struct fd_entry *e = fdtab_find(t, fd);
	if (e)
		*e = t->e[--t->n];
}

void fdtab_close_owned(struct fdtab *t)
{
	for (int i = 0; i < t->n;) {
		if (t->e[i].owned) {
			close(t->e[i].fd);
			t->e[i] = t->e[--t->n];
		} else {
			i++;
		}
	}
}
