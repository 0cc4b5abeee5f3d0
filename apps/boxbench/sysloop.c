/*
 * sysloop - what one system call costs: getppid, a 1-byte write to
 * /dev/null, and a 1-byte write+read round trip through a pipe.
 * Usage: sysloop [N]. Prints "key value" lines (ns per call).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *op)
{
	perror(op);
	exit(1);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000;
	int p[2], null_fd;
	char c = 'x';
	double t;

	if (n < 1)
		n = 1;
	null_fd = open("/dev/null", O_WRONLY);
	if (null_fd < 0)
		die("open /dev/null");
	if (pipe(p))
		die("pipe");

	/* raw syscall: no libc may answer getppid from a cache */
	for (long i = 0; i < n / 10 + 1; i++)
		syscall(SYS_getppid);
	t = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("getppid_ns %.1f\n", (now_ns() - t) / n);

	t = now_ns();
	for (long i = 0; i < n; i++)
		if (write(null_fd, &c, 1) != 1)
			die("write /dev/null");
	printf("devnull_write_ns %.1f\n", (now_ns() - t) / n);

	t = now_ns();
	for (long i = 0; i < n; i++)
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			die("pipe write/read");
	printf("pipe_rtt_ns %.1f\n", (now_ns() - t) / n);
	printf("calls %ld\n", 4 * n + n / 10 + 1);
	return 0;
}
