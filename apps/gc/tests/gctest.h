/* gctest.h - runs a collector scenario once per tracker, each in a child
 * process of its own (the dune tracker enters dune mode for good), and
 * prints one TAP line per tracker (tools/run-tests counts them); SKIP only
 * where gc_init reports the machine lacks the tracker (-ENOTSUP:
 * soft-dirty bits on a kernel built without them). TEST_CASE=GLOB runs
 * the matching trackers only. */
#ifndef GCTEST_H
#define GCTEST_H

#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gc.h"
#include "testlib.h" /* CHECK, CHECK_EQ, tl_iters, tl_failures */

/* xorshift64*, seeded per run */
static uint64_t gt_rng = 0x9e3779b97f4a7c15ULL;
static inline uint64_t gt_rand(void)
{
	gt_rng ^= gt_rng >> 12;
	gt_rng ^= gt_rng << 25;
	gt_rng ^= gt_rng >> 27;
	return gt_rng * 2685821657736338717ULL;
}

static inline void gt_print_stats(const char *test)
{
	struct gc_stats st;
	gc_get_stats(&st);
	printf("# %s[%s]: %llu cycles (%llu full), heap %llu KiB, max pause %.3f ms, %llu dirty pages,"
	       " %llu rescanned, %llu traps\n",
	       test, gc_tracker_name(), (unsigned long long)st.cycles,
	       (unsigned long long)st.full_cycles, (unsigned long long)(st.heap_bytes_max >> 10),
	       st.pause_ns_max / 1e6, (unsigned long long)st.dirty_pages,
	       (unsigned long long)st.pages_rescanned, (unsigned long long)st.traps);
	fflush(stdout);
}

struct gt_setup {
	size_t max_heap, trigger;
	unsigned timeout; /* seconds, per tracker */
};

static inline int gt_run(const char *test, const struct gt_setup *setup, int (*scenario)(void))
{
	static const struct {
		const char *name;
		enum gc_tracker kind;
	} trackers[] = {
		{ "none", GC_TRACKER_NONE },
		{ "dune", GC_TRACKER_DUNE },
		{ "mprotect", GC_TRACKER_MPROTECT },
		{ "softdirty", GC_TRACKER_SOFTDIRTY },
	};
	const char *only = getenv("TEST_CASE");
	int failed = 0, n = 0;

	for (unsigned i = 0; i < sizeof(trackers) / sizeof(trackers[0]); i++) {
		int status;
		pid_t pid;
		if (only && *only && fnmatch(only, trackers[i].name, 0))
			continue;
		n++;
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid == 0) {
			struct gc_options o = { .tracker = trackers[i].kind,
						.max_heap = setup->max_heap,
						.trigger = setup->trigger };
			int r;
			alarm(setup->timeout);
			r = gc_init(&o);
			if (r == -ENOTSUP)
				_exit(77);
			if (r) {
				fprintf(stderr, "gc_init failed: %d\n", r);
				_exit(2);
			}
			r = scenario();
			gt_print_stats(test);
			_exit(r || tl_failures ? 1 : 0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			printf("not ok %d - %s # cannot run the child\n", n, trackers[i].name);
			failed++;
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
			printf("ok %d - %s # SKIP gc_init: -ENOTSUP, the machine lacks it (softdirty: a kernel without CONFIG_MEM_SOFT_DIRTY)\n", n,
			       trackers[i].name);
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("ok %d - %s\n", n, trackers[i].name);
		} else {
			printf("not ok %d - %s # %s %d\n", n, trackers[i].name,
			       WIFSIGNALED(status) ? "signal" : "exit status",
			       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			failed++;
		}
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}

#endif
