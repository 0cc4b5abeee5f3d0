/*
 * floors - prints this host's floors (floors.h). Times are wall-clock per
 * operation (meaningless under an emulator); exit counts are KVM's own and
 * hold anywhere. Exit status 0 unless the guest failed; no /dev/kvm is a
 * SKIP (status 0, one line). `floors --tsv`: "key ns exits" lines only,
 * for scripts (apps/boxbench/run.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "floors.h"

int main(int argc, char **argv)
{
	const char *s = getenv("DUNE_ITERS_SCALE");
	struct floors fl;
	char date[32];
	time_t t = time(NULL);

	int tsv = argc == 2 && !strcmp(argv[1], "--tsv");

	if (argc > 1 && !tsv) {
		fprintf(stderr, "usage: floors [--tsv] (DUNE_ITERS_SCALE scales the iterations)\n");
		return 2;
	}
	if (tsv) {
		floors_measure(&fl, s ? atof(s) : 1.0);
		if (!fl.measured) {
			fprintf(stderr, "floors: not measured: %s\n", fl.why);
			return 1;
		}
		for (int i = 0; i < NR_FLOORS; i++)
			printf("%s\t%.1f\t%.2f\n", fl.f[i].key, fl.f[i].ns, fl.f[i].exits);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime(&t));
	printf("floors: %s, DUNE_ITERS_SCALE=%s%s%s\n", date, s ? s : "1",
	       getenv("DUNE_IN_EMULATOR") ? ", in emulator " : "",
	       getenv("DUNE_IN_EMULATOR") ? getenv("DUNE_IN_EMULATOR") : "");
	floors_measure(&fl, s ? atof(s) : 1.0);
	floors_print(&fl);
	if (!fl.measured && strstr(fl.why, "/dev/kvm")) {
		printf("SKIP: %s\n", fl.why);
		return 0;
	}
	return fl.measured ? 0 : 1;
}
