/*
 * supervisor.c - the process outside the box (supervisor.h). It is a
 * child subreaper: every process of the box descends from it, orphans
 * included, so at the end it can find and stop them all.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "box_registry.h"
#include "signal_targets.h"
#include "supervisor.h"

#define MAX_ROUNDS 64 /* each round stops what the last one left */

static pid_t the_child;

static int make_private(char *dir, size_t len, const char *parent, const char *fallback)
{
	struct stat st;
	if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode))
		parent = fallback;
	snprintf(dir, len, "%s/dunebox.XXXXXX", parent);
	return mkdtemp(dir) ? 0 : -errno;
}

int supervisor_prepare(void)
{
	int r;
	box.supervisor = (int)getpid();
	box.supervisor_start = box_start_time(box.supervisor);
	/* orphans of the box come here, so every process of the box
	 * descends from the supervisor (signal_targets.c) */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if ((r = registry_init()) < 0) {
		fprintf(stderr, "dunebox: cannot share the box's registry: %s\n", strerror(-r));
		return 125;
	}
	if (box.policy.tmp != TMP_PRIVATE)
		return 0;
	if (make_private(box.tmp_dir, sizeof(box.tmp_dir), "/tmp", "/var/tmp") < 0 ||
	    policy_set_tmp_dir(&box.policy, box.tmp_dir) < 0) {
		fprintf(stderr, "dunebox: cannot make a private /tmp: %s (is /tmp writable?)\n",
			strerror(errno));
		return 125;
	}
	/* /dev/shm is a tmpfs: POSIX shared memory stays fast */
	if (make_private(box.shm_dir, sizeof(box.shm_dir), "/dev/shm", box.tmp_dir) < 0 ||
	    policy_set_shm_dir(&box.policy, box.shm_dir) < 0) {
		fprintf(stderr, "dunebox: cannot make a private /dev/shm: %s\n", strerror(errno));
		return 125;
	}
	return 0;
}

static void pass_on(int sig)
{
	if (the_child > 0)
		kill(the_child, sig);
}

/* Stops every process of the box still running: each pid whose parents
 * lead here. Returns how many were found. */
static int stop_the_box(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		long pid = strtol(e->d_name, NULL, 10);
		if (pid > 0 && pid != box.supervisor && box_pid_inside(pid) > 0) {
			kill((pid_t)pid, SIGKILL);
			found++;
		}
	}
	closedir(d);
	return found;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

int supervise(pid_t child)
{
	struct sigaction sa = { .sa_handler = pass_on };
	int status;

	the_child = child;
	signal(SIGINT, SIG_IGN); /* the box gets it too, from the terminal */
	signal(SIGQUIT, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return 125;
	/* nothing of the box outlives the program: stop what is left, reap
	 * it (orphans come here), again until nothing is found */
	for (int round = 0; round < MAX_ROUNDS && stop_the_box(); round++)
		while (waitpid(-1, NULL, 0) > 0)
			;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	registry_ipc_remove_all();
	if (box.tmp_dir[0])
		nftw(box.tmp_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (box.shm_dir[0])
		nftw(box.shm_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
