/*
 * spawnloop - start-up time of a command: runs it N times one after
 * another (after one untimed warm-up run), or until BUDGET seconds have
 * gone by. Usage: spawnloop N BUDGET CMD [ARGS...].
 * Prints "runs", "mean_ns", "min_ns"; exits 1 if any run fails.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double run(char **cmd)
{
	double t = now_ns();
	pid_t pid;
	int st, err = posix_spawnp(&pid, cmd[0], NULL, NULL, cmd, environ);

	if (err) {
		fprintf(stderr, "spawnloop: cannot start %s (errno %d)\n", cmd[0], err);
		exit(1);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "spawnloop: %s failed (status 0x%x)\n", cmd[0], st);
		exit(1);
	}
	return now_ns() - t;
}

int main(int argc, char **argv)
{
	long n, runs = 0;
	double budget, start, sum = 0, min = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: spawnloop N BUDGET_SECONDS CMD [ARGS...]\n");
		return 2;
	}
	n = atol(argv[1]);
	budget = atof(argv[2]) * 1e9;
	run(argv + 3);
	start = now_ns();
	while (runs < n && (runs == 0 || now_ns() - start < budget)) {
		double t = run(argv + 3);
		sum += t;
		if (!runs || t < min)
			min = t;
		runs++;
	}
	printf("runs %ld\nmean_ns %.0f\nmin_ns %.0f\n", runs, sum / runs, min);
	return 0;
}
