/* dune_preopen: the host device opened before /dev goes out of sight (a
 * sandbox's jail), then dune_init, dune_enter and a fork in dune mode with
 * no /dev/kvm or /dev/dune to open: the child's new VM comes from the kept
 * descriptor (kvm), or from reopening it through /proc/self/fd (kmod). */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "testlib.h"

/* a mount namespace of our own with an empty /dev */
static int hide_dev(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/dev", "tmpfs", 0, "size=4k") < 0)
		return -errno;
	return 0;
}

int main(void)
{
	struct stat st;
	int fd, status, r;
	pid_t pid;

	tl_watchdog(120);
	tl_require_vm(); /* before /dev goes out of sight */
	fd = dune_preopen();
	CHECK(fd >= 0);
	CHECK(dune_owns_fd(fd)); /* hidden from sandboxed code like the VM's */
	if ((r = hide_dev()) < 0) {
		printf("no mount namespace here (error %d; needs root)\n", -r);
		return 77;
	}
	CHECK(stat("/dev/kvm", &st) < 0 && stat("/dev/dune", &st) < 0);
	/* tl_enter would look for the device: /dev is empty now, on purpose */
	if ((r = dune_init_and_enter()) != 0) {
		fprintf(stderr, "FAIL dune_init_and_enter with /dev hidden: %d\n", r);
		return 1;
	}
	CHECK(dune_in_guest());
	pid = fork();
	if (pid == 0) {
		int ok = dune_in_guest();
		asm volatile("" ::: "memory");
		_exit(ok ? 0 : 3);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return tl_finish("proc_preopen");
}
