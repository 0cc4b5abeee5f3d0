/*
 * conform_libdune - a plain libdune program (not boxed) runs stress-ng-like
 * loops of its own (tests/conformance/loops.c: fork storms, timers,
 * signals to children, dup2 over every descriptor number 0..1023,
 * close_range, /proc/self/fd listings, clones sharing the descriptor
 * table, invalid arguments) and must end as natively: each loop runs once
 * in a child that stays native and once in a child in dune mode, and the
 * two transcripts must be the same, line for line.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "../conformance/loops.h"
#include "testlib.h"

/* runs l in a child, natively or in dune mode; "" if it ended well */
static const char *run(const struct conform_loop *l, struct transcript *t, int dune)
{
	static char why[96];
	int st;
	fflush(NULL);
	pid_t p = fork();
	if (p == 0) {
		if (dune && dune_init_and_enter()) {
			say(t, "dune_init_and_enter failed");
			_exit(3);
		}
		l->run(t);
		_exit(0);
	}
	if (p < 0 || waitpid(p, &st, 0) != p)
		return "not started";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return "";
	snprintf(why, sizeof(why), "ended with status %#x", st);
	return why;
}

int main(int argc, char **argv)
{
	tl_watchdog(900);
	for (const struct conform_loop *l = conform_loops; l->name; l++) {
		struct transcript *native = transcript_new(), *dune = transcript_new();
		if (argc > 1 && !conform_loop_find(argv[1]))
			break;
		if (argc > 1 && strcmp(argv[1], l->name))
			continue;
		CHECK(native && dune);
		if (!native || !dune)
			break;
		const char *nwhy = run(l, native, 0);
		const char *dwhy = run(l, dune, 1);
		if (*nwhy || *dwhy || strcmp(native->text, dune->text)) {
			fprintf(stderr, "FAIL %s: native %s, dune mode %s\n--- native\n%s--- dune mode\n%s",
				l->name, *nwhy ? nwhy : "ended well", *dwhy ? dwhy : "ended well",
				native->text, dune->text);
			tl_failures++;
		} else {
			printf("same %s (%zu bytes of transcript)\n", l->name, native->len);
		}
		munmap(native, sizeof(*native));
		munmap(dune, sizeof(*dune));
	}
	return tl_finish("conform_libdune");
}
