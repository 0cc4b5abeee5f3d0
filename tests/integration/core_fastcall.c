/* System calls without a VM exit: results equal the host's, and where the
 * fast-call server runs (DUNE_FASTCALL=1 forces it) most calls of a busy
 * loop take that path; DUNE_FASTCALL=0 takes none. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "testlib.h"

static int scenario(void)
{
	struct dune_call_stats a, b;
	const char *mode = getenv("DUNE_FASTCALL");
	pid_t ppid = getppid(), pid = getpid();
	struct utsname u0, u1;
	struct stat st0, st1;
	char buf[16];
	int fd;
	long n = tl_iters(2000);

	tl_watchdog(60);
	uname(&u0);
	fd = open("/proc/self/exe", O_RDONLY);
	fstat(fd, &st0);
	tl_enter();

	dune_get_call_stats(&a);
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_getppid) != ppid || syscall(SYS_getpid) != pid) {
			CHECK(0);
			break;
		}
	}
	CHECK_EQ(uname(&u1), 0);
	CHECK(!strcmp(u0.release, u1.release));
	CHECK_EQ(fstat(fd, &st1), 0);
	CHECK_EQ(st1.st_ino, st0.st_ino);
	CHECK_EQ(pread(fd, buf, 4, 0), 4);
	CHECK(!memcmp(buf, "\177ELF", 4));
	CHECK_EQ(pread(-1, buf, 4, 0), -1); /* errors come back too */
	dune_get_call_stats(&b);
	/* on a loaded machine the server may have had no CPU so far (it backs
	 * off then): give it a few seconds of calls before judging. With one
	 * CPU nothing is judged, and under Bochs the wait cost ~14 s. */
	int judged = mode && *mode == '1' && sysconf(_SC_NPROCESSORS_ONLN) > 1;
	for (long i = 0; judged && b.fast_calls == a.fast_calls && i < 200000; i++) {
		syscall(SYS_getppid);
		if (i % 1000 == 999) {
			dune_get_call_stats(&b);
			if (b.fast_calls == a.fast_calls)
				usleep(20000);
		}
	}
	dune_get_call_stats(&b);
	printf("fast calls: %lu by exit, %lu without\n",
	       (unsigned long)(b.exit_calls - a.exit_calls),
	       (unsigned long)(b.fast_calls - a.fast_calls));
	if (mode && *mode == '0')
		CHECK_EQ(b.fast_calls, 0);
	if (judged)
		CHECK(b.fast_calls - a.fast_calls > 0);
	return tl_failures;
}

int main(void)
{
	tl_require_vm();
	/* each mode in a child of its own: the mode is read at dune_init */
	for (int m = 0; m < 2; m++) {
		int status;
		pid_t pid = fork();
		if (pid == 0) {
			setenv("DUNE_FASTCALL", m ? "1" : "0", 1);
			_exit(scenario() ? 1 : 0);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "FAIL DUNE_FASTCALL=%d: status 0x%x\n", m, status);
			tl_failures++;
		}
	}
	return tl_finish("core_fastcall");
}
