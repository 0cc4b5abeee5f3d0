/*
 * pathwalk.h - paths resolved once, by the monitor, in the program's view
 * of the file system, and used as resolved.
 *
 * The view is the host's tree with the box's private directories mounted
 * over /tmp and /dev/shm (and host paths that longer policy rules give
 * back under them). walk() follows a path component by component with
 * O_PATH|O_NOFOLLOW descriptors, reads every symlink itself and follows it
 * in the view, checks that each directory passed may be looked at, and
 * ends holding descriptors of the very objects it judged: the target (if
 * it exists) and the directory that holds its name. The calls then run on
 * those descriptors (*at calls, /proc/self/fd/N), so the kernel never
 * resolves the program's string again: a symlink swapped in, a dirfd
 * replaced by dup2, a directory renamed meanwhile change nothing.
 */
#ifndef DUNEBOX_PATHWALK_H
#define DUNEBOX_PATHWALK_H

#include <limits.h>
#include <sys/stat.h>

/* walk() flags */
#define WALK_FOLLOW 1       /* a symlink as the last component is followed */
#define WALK_EMPTY_OK 2     /* "" is the start descriptor itself (AT_EMPTY_PATH) */
#define WALK_BENEATH 4      /* openat2 RESOLVE_BENEATH: never above the start */
#define WALK_IN_ROOT 8      /* openat2 RESOLVE_IN_ROOT: the start is "/" */
#define WALK_NO_SYMLINKS 16 /* openat2 RESOLVE_NO_SYMLINKS */
#define WALK_NO_MAGIC 32    /* openat2 RESOLVE_NO_MAGICLINKS */
#define WALK_NEED_DIR 64    /* the caller uses dirfd and name (it makes or
			       removes names, or does not follow them) */

enum walk_kind {
	WALK_MISSING,   /* no such name yet: dirfd and name say where it would be */
	WALK_FOUND,     /* objfd is the target (a symlink itself when not followed) */
	WALK_FD,        /* objfd is a duplicate of one of the program's descriptors */
};

struct walk {
	enum walk_kind kind;
	int objfd;              /* O_PATH|O_NOFOLLOW of the target (WALK_FD: a dup), or -1 */
	int dirfd;              /* O_PATH of the directory holding name, or -1 (the
				   target is "/", a mount point of the view, or a
				   descriptor: it has no name of its own here) */
	char name[NAME_MAX + 1];
	int trailing_slash;     /* the path ended with "/": must be a directory */
	struct stat st;         /* the target's (WALK_FOUND, WALK_FD) */
	int fd_access;          /* WALK_FD: O_ACCMODE of the program's descriptor,
				   -1 for O_PATH ones */
	char view[PATH_MAX];    /* where the target is in the view: what the policy
				   judges; "" when it has no place there (a pipe, a
				   deleted file, a host directory outside the view) */
};

/* The view's fixed points, once at start-up: "/" and the private
 * directories (host paths, made by dunebox). 0 or -errno. */
int walk_init(const char *private_tmp, const char *private_shm);

/* Resolves path (copied into the monitor already) from dirfd (AT_FDCWD:
 * the working directory). 0 with *w filled, or -errno as the kernel would
 * answer (ENOENT, ENOTDIR, ELOOP, EXDEV, ENAMETOOLONG, EBADF...). A
 * directory the policy hides answers ENOENT. walk_done() releases it. */
int walk(int dirfd, const char *path, int flags, struct walk *w);
void walk_done(struct walk *w);

/* The view path of one of the program's descriptors ("" if it has none
 * there). 0 or -EBADF. */
int walk_fd_view(int fd, char *out, size_t outlen);

/* A host path (from /proc, getcwd) as the program must see it: the
 * private directories under their view names. "" if it is outside the
 * view (returns -ENOENT then), else 0. */
int walk_host_to_view(const char *host, char *out, size_t outlen);

/* What /proc/<pid>/exe of a process of the box names: its program. 0 or
 * -ENOENT when pid is not one the box knows. */
int walk_proc_exe(int pid, char *out, size_t len);

/* "/proc/self/fd/N[/name]": a path the kernel resolves to exactly that
 * descriptor's object (and name in it). 0 or -ENAMETOOLONG. */
int walk_fd_path(int fd, const char *name, char *out, size_t outlen);

#endif
