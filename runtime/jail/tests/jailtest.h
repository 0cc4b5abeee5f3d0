/* jailtest.h - what the jail's unit tests share: each kernel layer is set
 * up in a forked child, which reports by its exit status (0: as expected,
 * else the number of the check that failed) or dies by a signal. */
#ifndef JAIL_TESTS_JAILTEST_H
#define JAIL_TESTS_JAILTEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "jail_internal.h"

/* fails the child with check number n unless cond */
#define CHILD_CHECK(n, cond) do { if (!(cond)) { \
	fprintf(stderr, "check %d failed: %s (errno %d)\n", n, #cond, errno); _exit(n); } } while (0)

/* the wait status of fn run in a child */
static inline int in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static inline void state_for(struct jail_state *s, const struct jail_config *c, char *err,
			     size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->err = err;
	s->errlen = errlen;
	s->cgroup_dir_fd = -1;
}

#endif
