/* both halves - the mirror lock: one thread at a time edits pgroot, the
 * mirror, the page-table pool and the user view. */
#ifndef LIBDUNE_MIRROR_LOCK_H
#define LIBDUNE_MIRROR_LOCK_H

/* A spin lock that the owning thread may take again: mirroring a pool
 * chunk happens inside page-table edits that already hold it. */
void mirror_lock(void);
void mirror_unlock(void);
int mirror_locked_by_me(void);
/* In a forked child, first thing: only the forking thread exists there. */
void mirror_lock_after_fork(void);

#endif
