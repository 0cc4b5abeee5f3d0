/*
 * conform - stress-ng-like loops (tests/conformance/loops.c) as a static
 * program: `conform LOOP...` runs each loop in a child of its own and
 * prints what it observed. tests/box/run.sh runs it natively and in dunebox
 * and wants the same output ("same" lines of box-tests.list).
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../conformance/loops.h"

static int run(const struct conform_loop *l)
{
	struct transcript *t = transcript_new();
	int st;
	if (!t)
		return 1;
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		l->run(t);
		_exit(0);
	}
	if (p < 0 || waitpid(p, &st, 0) != p)
		return 1;
	printf("== %s\n%s", l->name, t->text);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("(the loop ended with status %#x)\n", st);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: conform LOOP... | all\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "all")) {
			for (const struct conform_loop *l = conform_loops; l->name; l++)
				bad |= run(l);
			continue;
		}
		const struct conform_loop *l = conform_loop_find(argv[i]);
		if (!l) {
			fprintf(stderr, "conform: no loop called %s\n", argv[i]);
			return 2;
		}
		bad |= run(l);
	}
	return bad;
}
