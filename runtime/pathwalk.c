/*
 * pathwalk.c - the monitor's own path resolution in the program's view
 * (pathwalk.h). One component at a time: openat(dir, name, O_PATH |
 * O_NOFOLLOW), then fstat; a symlink's text is read and spliced in front
 * of what is left; "..", a mount point of the view and /proc's magic links
 * are handled here, so the kernel only ever looks up single names in
 * directories the walk holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "box.h"
#include "box_registry.h"
#include "policy/policy.h"
#include "monitor_fds.h"
#include "pathwalk.h"

#define MAX_SYMLINKS 40 /* as Linux: ELOOP past this many */
#define MAX_MOUNTS 16
#define DELETED " (deleted)"
#define O_LOOKUP (O_PATH | O_NOFOLLOW | O_CLOEXEC)

/* The view's mount points: a private directory over a view path, or a
 * host path a longer rule gives back under one (host == view). */
struct mount_point {
	char view[PATH_MAX];
	char host[PATH_MAX];
	int fd;       /* private directories: held; given-back paths: -1 */
	int private_; /* 1: the box's own directory */
};

static struct mount_point mounts[MAX_MOUNTS];
static int nr_mounts;
static int root_fd = -1;
static dev_t proc_dev;

static int is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1)
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

static int add_mount(const char *view, const char *host, int private_)
{
	struct mount_point *m;
	if (nr_mounts == MAX_MOUNTS)
		return -ENOSPC;
	m = &mounts[nr_mounts];
	snprintf(m->view, sizeof(m->view), "%s", view);
	snprintf(m->host, sizeof(m->host), "%s", host);
	m->private_ = private_;
	m->fd = -1;
	if (private_) {
		m->fd = mfd_move_high(open(host, O_PATH | O_DIRECTORY | O_CLOEXEC));
		if (m->fd < 0)
			return m->fd;
	}
	nr_mounts++;
	return 0;
}

/* The directories between a private directory's top and a path a rule
 * gives back under it, made empty in the private directory, as a bind
 * mount's mount point is made: the walk reaches the given-back path
 * through them and sees nothing else of the host's directories. */
static int make_mount_dirs(const struct mount_point *priv, const char *path)
{
	char rel[PATH_MAX];
	int n = snprintf(rel, sizeof(rel), "%s", path + strlen(priv->view) + 1);

	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	for (char *slash = strchr(rel, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		if (mkdirat(priv->fd, rel, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	return 0;
}

int walk_init(const char *private_tmp, const char *private_shm)
{
	struct stat st;
	const struct policy *p = &box.policy;
	int r;

	root_fd = mfd_move_high(open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
	if (root_fd < 0)
		return root_fd;
	if (stat("/proc/self", &st) == 0)
		proc_dev = st.st_dev;
	if (private_tmp && private_tmp[0] && (r = add_mount("/tmp", private_tmp, 1)) < 0)
		return r;
	if (private_shm && private_shm[0] && (r = add_mount("/dev/shm", private_shm, 1)) < 0)
		return r;
	/* rules under a private directory reach the host's path */
	for (unsigned i = 0; i < p->npaths; i++) {
		char path[PATH_MAX];
		const struct path_rule *rule = &p->paths[i];
		snprintf(path, sizeof(path), "%.*s", (int)rule->len, p->pool + rule->off);
		for (int k = 0; k < nr_mounts; k++)
			if (mounts[k].private_ && strcmp(path, mounts[k].view) &&
			    is_under(path, mounts[k].view)) {
				if ((r = make_mount_dirs(&mounts[k], path)) < 0 ||
				    (r = add_mount(path, path, 0)) < 0)
					return r;
				break;
			}
	}
	return 0;
}

/* the deepest mount point path is under, or NULL */
static const struct mount_point *mount_over(const char *path, int host_side)
{
	const struct mount_point *best = NULL;
	for (int i = 0; i < nr_mounts; i++) {
		const char *at = host_side ? mounts[i].host : mounts[i].view;
		if (is_under(path, at) && (!best || strlen(at) > strlen(host_side ? best->host : best->view)))
			best = &mounts[i];
	}
	return best;
}

static const struct mount_point *mount_at(const char *view)
{
	for (int i = 0; i < nr_mounts; i++)
		if (!strcmp(view, mounts[i].view))
			return &mounts[i];
	return NULL;
}

int walk_host_to_view(const char *host, char *out, size_t outlen)
{
	const struct mount_point *m = mount_over(host, 1);
	out[0] = 0;
	if (host[0] != '/')
		return -ENOENT;
	if (m) {
		const char *rest = host + strlen(m->host);
		if ((size_t)snprintf(out, outlen, "%s%s", m->view, rest) >= outlen)
			return out[0] = 0, -ENAMETOOLONG;
		return 0;
	}
	/* the host's own directory under a private one: not in the view */
	m = mount_over(host, 0);
	if (m && m->private_)
		return -ENOENT;
	if ((size_t)snprintf(out, outlen, "%s", host) >= outlen)
		return out[0] = 0, -ENAMETOOLONG;
	return 0;
}

int walk_fd_path(int fd, const char *name, char *out, size_t outlen)
{
	int n = name && name[0] ? snprintf(out, outlen, "/proc/self/fd/%d/%s", fd, name)
				: snprintf(out, outlen, "/proc/self/fd/%d", fd);
	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

/* The host path /proc gives for one of this process's descriptors. */
static int fd_host_path(int fd, char *out, size_t outlen)
{
	char link[64];
	ssize_t n;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, outlen - 1);
	if (n < 0)
		return -EBADF;
	out[n] = 0;
	return 0;
}

static int has_view_path(const char *host)
{
	size_t n = strlen(host), d = strlen(DELETED);
	return host[0] == '/' && !(n > d && !strcmp(host + n - d, DELETED));
}

int walk_fd_view(int fd, char *out, size_t outlen)
{
	char host[PATH_MAX];
	int r = fd_host_path(fd, host, sizeof(host));
	out[0] = 0;
	if (r < 0)
		return r;
	if (has_view_path(host))
		walk_host_to_view(host, out, outlen);
	return 0;
}

void walk_done(struct walk *w)
{
	if (w->objfd >= 0)
		mfd_close(w->objfd);
	if (w->dirfd >= 0)
		mfd_close(w->dirfd);
	w->objfd = w->dirfd = -1;
}

/* ---- the walk ---- */

struct state {
	int cur;                 /* the directory the walk stands in */
	int borrowed;            /* cur is root_fd itself: not ours to close */
	char view[PATH_MAX];     /* its view path ("" outside the view) */
	int start;               /* BENEATH / IN_ROOT: the starting directory... */
	char start_view[PATH_MAX]; /* ...and its view path */
	int flags, links;
	char rest[2 * PATH_MAX]; /* the components still to walk */
};

static int dup_fd(int fd)
{
	return mfd_own(fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

static void set_cur(struct state *s, int fd, const char *view)
{
	if (s->cur >= 0 && s->cur != fd && !s->borrowed)
		mfd_close(s->cur);
	s->borrowed = 0;
	s->cur = fd;
	if (view != s->view)
		snprintf(s->view, sizeof(s->view), "%s", view);
}

static int join(char *out, size_t outlen, const char *dir, const char *name)
{
	int n;
	if (!dir[0]) /* outside the view stays outside */
		return out[0] = 0, 0;
	n = snprintf(out, outlen, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name);
	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

static int visible(const struct state *s, const char *view)
{
	(void)s;
	return view[0] && policy_path_visible(&box.policy, view);
}

static int open_host(const char *host);

/* Opens the directory at a view path from the root, no symlinks, no
 * policy (the parent of a mount point, for ".."). */
static int open_view_dir(const char *view)
{
	const struct mount_point *m = mount_over(view, 0);
	const char *rest = view;
	int fd;
	if (m) {
		fd = m->private_ ? dup_fd(m->fd) : open_host(m->host);
		rest = view + strlen(m->view);
	} else {
		fd = dup_fd(root_fd);
	}
	while (fd >= 0 && *rest) {
		char name[NAME_MAX + 1];
		size_t n;
		while (*rest == '/')
			rest++;
		n = strcspn(rest, "/");
		if (!n)
			break;
		if (n > NAME_MAX) {
			mfd_close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(name, rest, n);
		name[n] = 0;
		rest += n;
		int next = mfd_own(openat(fd, name, O_LOOKUP | O_DIRECTORY));
		mfd_close(fd);
		fd = next;
	}
	return fd < 0 ? -errno : fd;
}

/* A host path a rule names (given back under a private directory), from
 * the root, through no symlink. */
static int open_host(const char *host)
{
	struct open_how how = { .flags = O_LOOKUP, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	long fd = syscall(SYS_openat2, root_fd, host + 1, &how, sizeof(how));
	return fd < 0 ? -errno : mfd_own((int)fd);
}

static int go_up(struct state *s)
{
	char parent[PATH_MAX];
	char *slash;
	int fd;

	if (!strcmp(s->view, "/"))
		return 0; /* "/.." is "/" */
	if ((s->flags & (WALK_BENEATH | WALK_IN_ROOT)) && !strcmp(s->view, s->start_view))
		return (s->flags & WALK_IN_ROOT) ? 0 : -EXDEV;
	if (!s->view[0]) { /* outside the view: the host's parent, still outside */
		fd = mfd_own(openat(s->cur, "..", O_LOOKUP | O_DIRECTORY));
		if (fd < 0)
			return -errno;
		set_cur(s, fd, "");
		return 0;
	}
	snprintf(parent, sizeof(parent), "%s", s->view);
	slash = strrchr(parent, '/');
	if (slash == parent)
		parent[1] = 0;
	else
		*slash = 0;
	if (mount_at(s->view)) /* the top of a mount point: back into the view */
		fd = open_view_dir(parent);
	else
		fd = mfd_own(openat(s->cur, "..", O_LOOKUP | O_DIRECTORY));
	if (fd < 0)
		return fd == -1 ? -errno : fd;
	set_cur(s, fd, parent);
	return 0;
}

/* Puts text in front of what is left to walk: a symlink's target. */
static int splice_text(struct state *s, const char *text, const char *left)
{
	char buf[2 * PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "%s%s%s", text, left[0] ? "/" : "", left);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(s->rest, buf, (size_t)n + 1);
	return 0;
}

static int restart_at_root(struct state *s)
{
	if (s->flags & WALK_BENEATH)
		return -EXDEV;
	if (s->flags & WALK_IN_ROOT) {
		int fd = dup_fd(s->start);
		if (fd < 0)
			return -errno;
		set_cur(s, fd, s->start_view);
		return 0;
	}
	int fd = dup_fd(root_fd);
	if (fd < 0)
		return -errno;
	set_cur(s, fd, "/");
	return 0;
}

/* /proc/<pid>/fd/<n> (or task/<tid>/fd/<n>): which pid and n, or 0 */
static int proc_fd_link(const char *view, int *pid, int *n)
{
	int tid, len = 0;
	if (sscanf(view, "/proc/%d/fd/%d%n", pid, n, &len) == 2 && !view[len])
		return 1;
	len = 0;
	return sscanf(view, "/proc/%d/task/%d/fd/%d%n", pid, &tid, n, &len) == 3 && !view[len];
}

static int proc_link_kind(const char *view, const char *what)
{
	int pid, tid, len = 0;
	char name[32];
	if (sscanf(view, "/proc/%d/%31[a-z_]%n", &pid, name, &len) == 2 && !view[len])
		return !strcmp(name, what);
	len = 0;
	return sscanf(view, "/proc/%d/task/%d/%31[a-z_]%n", &pid, &tid, name, &len) == 3 &&
	       !view[len] && !strcmp(name, what);
}

static int is_proc_dir_of(const char *view, const char *what)
{
	int pid, tid, len = 0;
	char name[32];
	if (sscanf(view, "/proc/%d/%31[a-z_]/%n", &pid, name, &len) == 2 && len)
		return !strcmp(name, what);
	len = 0;
	return sscanf(view, "/proc/%d/task/%d/%31[a-z_]/%n", &pid, &tid, name, &len) == 3 && len &&
	       !strcmp(name, what);
}

/* The target is one of the program's own descriptors (reached through
 * /proc/self/fd/N): its object, pinned by a duplicate. */
static int take_fd(struct walk *w, int n)
{
	int fl;
	if (mfd_is_monitors(n))
		return -ENOENT;
	fl = fcntl(n, F_GETFL);
	if (fl < 0)
		return -ENOENT;
	w->objfd = dup_fd(n);
	if (w->objfd < 0)
		return -errno;
	w->kind = WALK_FD;
	w->fd_access = (fl & O_PATH) ? -1 : (fl & O_ACCMODE);
	walk_fd_view(w->objfd, w->view, sizeof(w->view));
	return fstat(w->objfd, &w->st) < 0 ? -errno : 0;
}

/* What a process of the box runs: its program's view path, not the
 * monitor's binary. 0, or -ENOENT for another process. */
int walk_proc_exe(int pid, char *out, size_t len)
{
	char cmdline[REGISTRY_CMDLINE_MAX];
	size_t n;
	if (pid == box_pid) {
		snprintf(out, len, "%s", box.prog);
		return 0;
	}
	if (registry_proc_get(pid, out, cmdline, &n) == 0)
		return 0;
	return -ENOENT;
}

static int proc_exe(int pid, char *out, size_t len)
{
	return walk_proc_exe(pid, out, len);
}

/* A symlink on /proc: the magic ones lead to objects, not names. Returns
 * 1 when the walk ended on a descriptor (w filled), 0 when text now holds
 * what to follow in the view, or -errno. */
static int proc_link(struct state *s, const char *view, char *text, size_t textlen,
		     int is_last, struct walk *w)
{
	int pid, n;
	char host[PATH_MAX];

	if (text[0] != '/' && !strchr(text, ':') && !proc_fd_link(view, &pid, &n))
		return 0; /* "self", "thread-self", "mounts" -> "self/mounts": plain links */
	if (s->flags & WALK_NO_MAGIC)
		return -ELOOP;
	if (is_proc_dir_of(view, "map_files") || is_proc_dir_of(view, "ns"))
		return -EACCES; /* the monitor's mappings, namespaces */
	if (proc_fd_link(view, &pid, &n) && pid == box_pid) {
		if (is_last)
			return take_fd(w, n) < 0 ? -ENOENT : 1;
		/* a directory descriptor with more to walk below it */
		if (mfd_is_monitors(n))
			return -ENOENT;
		int fd = dup_fd(n);
		if (fd < 0)
			return -ENOENT;
		walk_fd_view(fd, s->view, sizeof(s->view));
		set_cur(s, fd, s->view);
		text[0] = 0;
		return 2; /* go on from there */
	}
	if (proc_link_kind(view, "exe") && sscanf(view, "/proc/%d", &pid) == 1 &&
	    proc_exe(pid, text, textlen) == 0)
		return 0; /* the program's, not the monitor's */
	/* cwd, root, exe, another process's descriptors: where they lead,
	 * judged as a path of the view */
	if (!has_view_path(text))
		return -EACCES;
	snprintf(host, sizeof(host), "%s", text);
	if (walk_host_to_view(host, text, textlen) < 0)
		return -ENOENT;
	return 0;
}

/* The directory the walk stands in, handed to the result. */
static int take_cur(struct state *s)
{
	int fd = s->borrowed ? dup_fd(s->cur) : s->cur;
	s->cur = -1;
	s->borrowed = 0;
	return fd;
}

static int found(struct walk *w, struct state *s, int fd, const char *name, const char *view)
{
	w->kind = WALK_FOUND;
	w->objfd = fd;
	w->dirfd = take_cur(s);
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->view, sizeof(w->view), "%s", view);
	return fstat(fd, &w->st) < 0 ? -errno : 0;
}

/* The target is the directory the walk stands in ("/", ".", a mount point). */
static int found_here(struct walk *w, struct state *s)
{
	w->kind = WALK_FOUND;
	w->objfd = take_cur(s);
	w->dirfd = -1;
	w->name[0] = 0;
	snprintf(w->view, sizeof(w->view), "%s", s->view);
	return fstat(w->objfd, &w->st) < 0 ? -errno : 0;
}

static int walk_fast(int start, const char *start_view, const char *path, int flags,
		     struct walk *w);

static int step(struct state *s, struct walk *w)
{
	char name[NAME_MAX + 1], newview[PATH_MAX], text[PATH_MAX];
	char *p = s->rest;
	size_t n;
	int is_last, trailing, r, fd;
	struct stat st;

	while (*p == '/')
		p++;
	if (!*p)
		{ r = found_here(w, s); return r < 0 ? r : 1; }
	n = strcspn(p, "/");
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, p, n);
	name[n] = 0;
	p += n;
	trailing = *p == '/';
	while (*p == '/')
		p++;
	is_last = !*p;
	memmove(s->rest, p, strlen(p) + 1);
	if (is_last)
		w->trailing_slash = trailing;

	if (!strcmp(name, "."))
		{ if (!is_last) return 0; r = found_here(w, s); return r < 0 ? r : 1; }
	if (!strcmp(name, "..")) {
		if ((r = go_up(s)) < 0)
			return r;
		{ if (!is_last) return 0; r = found_here(w, s); return r < 0 ? r : 1; }
	}
	if ((r = join(newview, sizeof(newview), s->view, name)) < 0)
		return r;
	if (!visible(s, newview))
		return -ENOENT; /* what the policy hides is not there */

	const struct mount_point *m = mount_at(newview);
	if (m) { /* no name in the directory above: the view's own */
		fd = m->private_ ? dup_fd(m->fd) : open_host(m->host);
		if (fd < 0)
			return fd == -1 ? -errno : fd;
		set_cur(s, fd, newview);
		if (is_last) {
			r = found_here(w, s);
			return r < 0 ? r : 1;
		}
		return 0;
	}

	fd = mfd_own(openat(s->cur, name, O_LOOKUP));
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT && is_last) {
			w->kind = WALK_MISSING;
			w->dirfd = take_cur(s);
			snprintf(w->name, sizeof(w->name), "%s", name);
			snprintf(w->view, sizeof(w->view), "%s", newview);
			return 1;
		}
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		mfd_close(fd);
		return r;
	}
	if (!S_ISLNK(st.st_mode)) {
		if (is_last) {
			if (trailing && !S_ISDIR(st.st_mode)) {
				mfd_close(fd);
				return -ENOTDIR;
			}
			{ r = found(w, s, fd, name, newview); return r < 0 ? r : 1; }
		}
		if (!S_ISDIR(st.st_mode)) {
			mfd_close(fd);
			return -ENOTDIR;
		}
		set_cur(s, fd, newview);
		return 0;
	}
	/* a symlink */
	if (is_last && !(s->flags & WALK_FOLLOW) && !trailing)
		{ r = found(w, s, fd, name, newview); return r < 0 ? r : 1; }
	if (s->flags & WALK_NO_SYMLINKS) {
		mfd_close(fd);
		return -ELOOP;
	}
	if (++s->links > MAX_SYMLINKS) {
		mfd_close(fd);
		return -ELOOP;
	}
	ssize_t len = readlinkat(fd, "", text, sizeof(text) - 1);
	mfd_close(fd);
	if (len < 0)
		return -errno;
	text[len] = 0;
	if (proc_dev && st.st_dev == proc_dev) {
		r = proc_link(s, newview, text, sizeof(text), is_last && !trailing, w);
		if (r == 1)
			return 1;
		if (r == 2)
			return 0;
		if (r < 0)
			return r;
	}
	if (!text[0])
		return -ENOENT;
	if (text[0] == '/' && (r = restart_at_root(s)) < 0)
		return r;
	if ((r = splice_text(s, text, trailing && is_last ? "." : s->rest)) < 0)
		return r;
	/* the rest in one call, if it can be */
	r = walk_fast(s->cur, s->view, s->rest, s->flags, w);
	return r;
}

/* ---- the common case: one openat2 ---- */

static int has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (!p[2] || p[2] == '/'))
			return 1;
	return 0;
}

/* Every directory from the root down to view may be looked at. */
static int all_visible(const char *view)
{
	char prefix[PATH_MAX];
	for (size_t i = 1;; i++) {
		if (view[i] == '/' || !view[i]) {
			memcpy(prefix, view, i);
			prefix[i] = 0;
			if (!policy_path_visible(&box.policy, prefix))
				return 0;
			if (!view[i])
				return 1;
		}
	}
}

static int view_of_fd(int fd, char *view, size_t len)
{
	return walk_fd_view(fd, view, len) == 0 && view[0] == '/';
}

/*
 * A path with no ".." is resolved by the kernel in one call told to refuse
 * symlinks (RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS): it then went
 * exactly where the text says. Where that is in the view: the text itself
 * from a known place (start_view), else the object's own path as /proc
 * gives it (so a start directory replaced meanwhile changes nothing: what
 * is judged is what was opened). A symlink, a mount point of the view or
 * a place outside it: 0, the component walk does it. 1 when done (w
 * filled), or -errno.
 */
static int walk_fast(int start, const char *start_view, const char *path, int flags,
		     struct walk *w)
{
	struct open_how how = { .flags = O_LOOKUP,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	char norm[PATH_MAX], dir[PATH_MAX];
	const char *rel;
	size_t n;
	int fd = -1, dfd = -1;
	long r;

	if ((flags & (WALK_BENEATH | WALK_IN_ROOT | WALK_NO_SYMLINKS)) || has_dotdot(path))
		return 0;
	if (start_view && (!start_view[0] || path_normalize(start_view, path, norm, sizeof(norm)) < 0 ||
			   mount_over(norm, 0) != mount_over(start_view, 0) || mount_at(norm)))
		return 0;
	if (!start_view && nr_mounts > 2)
		return 0; /* host paths given back under a private directory */
	rel = path;
	while (*rel == '/')
		rel++;
	if (!*rel)
		return 0; /* "/", "": the walk's own cases */
	n = strlen(rel);
	w->trailing_slash = rel[n - 1] == '/';
	while (n && rel[n - 1] == '/')
		n--;
	size_t name_at = n;
	while (name_at && rel[name_at - 1] != '/')
		name_at--;
	if (n - name_at > NAME_MAX)
		return -ENAMETOOLONG;
	snprintf(w->name, sizeof(w->name), "%.*s", (int)(n - name_at), rel + name_at);
	if (!strcmp(w->name, "."))
		return 0;

	if (flags & WALK_NEED_DIR) {
		/* the directory first: the name may not exist yet */
		struct open_how dh = how;
		dh.flags |= O_DIRECTORY;
		snprintf(dir, sizeof(dir), "%.*s", (int)name_at, rel);
		r = syscall(SYS_openat2, start, name_at ? dir : ".", &dh, sizeof(dh));
		if (r < 0)
			return errno == ELOOP || errno == EXDEV ? 0 : -errno;
		dfd = mfd_own((int)r);
		fd = mfd_own(openat(dfd, w->name, O_LOOKUP));
		if (fd < 0 && errno != ENOENT) {
			r = -errno;
			goto fail;
		}
	} else {
		r = syscall(SYS_openat2, start, rel, &how, sizeof(how));
		if (r < 0)
			return errno == ELOOP || errno == EXDEV ? 0 : -errno;
		fd = mfd_own((int)r);
	}
	/* where it is in the view */
	if (start_view) {
		snprintf(w->view, sizeof(w->view), "%s", norm);
	} else if (fd >= 0 && dfd < 0) {
		if (!view_of_fd(fd, w->view, sizeof(w->view)))
			goto slow;
	} else {
		if (!view_of_fd(dfd, dir, sizeof(dir)) ||
		    join(w->view, sizeof(w->view), dir, w->name) < 0)
			goto slow;
		if (mount_at(w->view))
			goto slow;
	}
	if (!start_view && mount_over(w->view, 0) &&
	    mount_over(w->view, 0) != mount_over(dfd >= 0 ? dir : w->view, 0))
		goto slow;
	if (!all_visible(w->view)) {
		r = -ENOENT;
		goto fail;
	}
	if (fd < 0) {
		w->kind = WALK_MISSING;
		w->dirfd = dfd;
		return 1;
	}
	if (fstat(fd, &w->st) < 0)
		goto slow;
	if (S_ISLNK(w->st.st_mode) && ((flags & WALK_FOLLOW) || w->trailing_slash))
		goto slow; /* a symlink to follow: the component walk's */
	if (w->trailing_slash && !S_ISDIR(w->st.st_mode)) {
		r = -ENOTDIR;
		goto fail;
	}
	w->kind = WALK_FOUND;
	w->objfd = fd;
	w->dirfd = dfd;
	return 1;
slow:
	r = 0;
fail:
	if (fd >= 0)
		mfd_close(fd);
	if (dfd >= 0)
		mfd_close(dfd);
	w->view[0] = w->name[0] = 0;
	w->trailing_slash = 0;
	return (int)r;
}

int walk(int dirfd, const char *path, int flags, struct walk *w)
{
	struct state s;
	int r;

	memset(w, 0, sizeof(*w));
	w->objfd = w->dirfd = -1;
	w->fd_access = -1;
	if (!path[0]) {
		if (!(flags & WALK_EMPTY_OK))
			return -ENOENT;
		if (dirfd == AT_FDCWD) {
			path = ".";
		} else {
			r = take_fd(w, dirfd);
			return r < 0 ? (r == -ENOENT ? -EBADF : r) : 0;
		}
	}
	if (strlen(path) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (path[0] != '/' && dirfd != AT_FDCWD && mfd_is_monitors(dirfd))
		return -EBADF;
	r = path[0] == '/' ? walk_fast(root_fd, "/", path, flags, w)
			   : walk_fast(dirfd, NULL, path, flags, w);
	if (r)
		return r < 0 ? r : 0;
	memset(&s, 0, sizeof(s));
	s.cur = s.start = -1;
	s.flags = flags;
	snprintf(s.rest, sizeof(s.rest), "%s", path);
	if (path[0] == '/' && !(flags & (WALK_BENEATH | WALK_IN_ROOT))) {
		s.cur = root_fd;
		s.borrowed = 1;
		snprintf(s.view, sizeof(s.view), "/");
	} else {
		if (dirfd != AT_FDCWD && mfd_is_monitors(dirfd))
			return -EBADF;
		s.cur = mfd_own(openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
		if (s.cur < 0)
			return errno == ENOENT ? -ENOENT : errno == ENOTDIR ? -ENOTDIR : -EBADF;
		walk_fd_view(s.cur, s.view, sizeof(s.view));
		if (flags & (WALK_BENEATH | WALK_IN_ROOT)) {
			s.start = dup_fd(s.cur);
			snprintf(s.start_view, sizeof(s.start_view), "%s", s.view);
			if (path[0] == '/' && (r = restart_at_root(&s)) < 0)
				goto out;
		}
	}
	if (s.cur < 0) {
		r = -errno;
		goto out;
	}
	while ((r = step(&s, w)) == 0)
		;
	if (r > 0)
		r = 0;
	if (r > 0)
		r = 0;
out:
	if (r > 0)
		r = 0;
	if (s.cur >= 0 && !s.borrowed)
		mfd_close(s.cur);
	if (s.start >= 0)
		mfd_close(s.start);
	if (r < 0)
		walk_done(w);
	return r;
}
