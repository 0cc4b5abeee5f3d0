/* fds.c - descriptors the box inherits. A directory descriptor from
 * outside is a way around any root (openat(fd, "..")), so the jail closes
 * every inherited descriptor but the standard three, pipes, sockets and
 * regular files (what a parent legitimately hands a job), and refuses to
 * start when one of the standard three is a directory. And the small
 * text files of /proc and cgroups the jail writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail_internal.h"

int jail_write_text(int dirfd, const char *name, const char *text)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
}

static int kept(const struct jail_config *c, int fd)
{
	for (int i = 0; i < JAIL_MAX_KEEP_FDS; i++)
		if (c->keep_fds[i] == fd)
			return 1;
	return fd == c->device_fd;
}

int fds_prepare(struct jail_state *s)
{
	static const char *names[] = {"standard input", "standard output", "standard error"};
	DIR *d;
	struct dirent *e;
	struct stat st;

	for (int fd = 0; fd < 3; fd++)
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
			return jail_fail(s, -EISDIR, "%s is a directory, a way out of any root; "
					 "redirect it from a file", names[fd]);
	d = opendir("/proc/self/fd");
	if (!d)
		return jail_fail(s, -errno, "cannot list /proc/self/fd");
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd < 3 || fd == dirfd(d) ||
		    kept(s->c, fd) || fstat(fd, &st) < 0)
			continue;
		if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISREG(st.st_mode))
			continue;
		close(fd);
		s->closed_fds++;
	}
	closedir(d);
	return 0;
}
