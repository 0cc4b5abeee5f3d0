/*
 * open_regular.c - opens a file for reading only if it is a regular file.
 *
 * Opening is itself an action for devices (a tty becomes the controlling
 * terminal, a watchdog starts) and blocks for FIFOs, and a program names
 * its interpreter freely. So the file is looked at through an O_PATH
 * descriptor first, which opens nothing, and only a regular file is then
 * reopened through /proc/self/fd: the same inode, whatever the path now
 * names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader_internal.h"

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int open_regular_fd(int pfd, struct stat *st, int *irregular)
{
	char self[64];
	struct stat again;
	int fd;

	*irregular = 0;
	if (fstat(pfd, st))
		return -errno;
	if (!S_ISREG(st->st_mode)) {
		*irregular = 1;
		return -EACCES;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &again) || !same_file(st, &again)) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

int open_regular(const char *path, struct stat *st, int *irregular)
{
	char self[64];
	struct stat again;
	int pfd, fd, e;

	*irregular = 0;
	pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (fstat(pfd, st)) {
		e = -errno;
		close(pfd);
		return e;
	}
	if (!S_ISREG(st->st_mode)) {
		close(pfd);
		*irregular = 1;
		return -EACCES;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) /* no /proc: by name, checked after */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	e = -errno;
	close(pfd);
	if (fd < 0)
		return e;
	if (fstat(fd, &again) || !same_file(st, &again)) {
		close(fd);
		return -EACCES;
	}
	return fd;
}
