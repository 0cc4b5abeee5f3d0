/* Memory the host cannot give the guest: secret memory (memfd_secret)
 * leaves the kernel's direct map, so KVM cannot map it and its first touch
 * would end the process. In dune mode the call answers ENOSYS, as a
 * kernel without secret memory does, and the process goes on. */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testlib.h"

#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447
#endif

static void secret_in_dune_mode(void *unused)
{
	(void)unused;
	tl_enter();
	long fd = syscall(SYS_memfd_secret, 0);
	if (fd < 0) {
		fprintf(stderr, "memfd_secret: errno %d\n", errno);
		_exit(errno == ENOSYS ? 0 : 1);
	}
	/* offered: then it must work as natively */
	char *p = MAP_FAILED;
	if (ftruncate((int)fd, 4096) == 0)
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	if (p != MAP_FAILED)
		p[0] = 1;
	fprintf(stderr, "memfd_secret offered, page %s\n", p != MAP_FAILED ? "touched" : "not mapped");
	_exit(p != MAP_FAILED ? 0 : 1);
}

int main(void)
{
	char out[4096];
	tl_require_vm();
	tl_watchdog(60);
	int status = tl_child(secret_in_dune_mode, NULL, out, sizeof(out));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "FAIL memfd_secret in dune mode: status 0x%x\n%s", status, out);
		tl_failures++;
	}
	return tl_finish("core_hostmem");
}
