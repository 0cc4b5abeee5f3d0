/* vmcall as Dune's programs make system calls (test/, bench/bench_dune.c,
 * the sandbox's libc): where libdune sees the instruction (dune.ko: an
 * exit of its own; KVM on AMD: a #UD once the hypercall quirk is off) it
 * is a system call with syscall's registers: getpid, six arguments (the
 * fourth in r10), rcx and r11 as syscall leaves them, an error as -errno.
 * Where the hypervisor below answers vmcall itself (KVM on Intel, PVM)
 * nothing reaches libdune: dune_init says so in one line, since this
 * program holds a vmcall, and the instruction returns the hypervisor's
 * error (-1000 from KVM, -1 from PVM) rather than a result. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/state.h" /* vmcall_seen: which of the two this host is */
#include "libdune/dune.h"
#include "testlib.h"

static long vmcall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5,
		    uint64_t *rcx_out, uint64_t *r11_out)
{
	register long r10 asm("r10") = a3, r8 asm("r8") = a4, r9 asm("r9") = a5;
	uint64_t rcx = 0x1111, r11 = 0x2222;
	asm volatile("vmcall"
		     : "+a"(nr), "+c"(rcx), "+r"(r11), "+r"(r10), "+r"(r8), "+r"(r9)
		     : "D"(a0), "S"(a1), "d"(a2)
		     : "memory");
	if (rcx_out)
		*rcx_out = rcx;
	if (r11_out)
		*r11_out = r11;
	return nr;
}

int main(void)
{
	char log[] = "/tmp/peer_vmcall_XXXXXX", text[4096], path[] = "/tmp/peer_vmcall_f_XXXXXX";
	int log_fd, err_fd, said = 0, fd;
	uint64_t rcx, r11;
	ssize_t n;
	long r;

	tl_watchdog(120);
	log_fd = mkstemp(log);
	CHECK(log_fd >= 0);
	unlink(log);
	err_fd = dup(2);
	dup2(log_fd, 2);
	tl_enter();
	dup2(err_fd, 2);
	close(err_fd);
	n = pread(log_fd, text, sizeof(text) - 1, 0);
	text[n > 0 ? n : 0] = 0;
	for (char *p = text; (p = strstr(p, "holds a vmcall instruction")); p++)
		said++;

	if (!dune_state.vmcall_seen) {
		CHECK_EQ(said, 1);
		r = vmcall6(SYS_getpid, 0, 0, 0, 0, 0, 0, NULL, NULL);
		CHECK(r == -1000 || r == -1);
		printf("vmcall is the hypervisor's here (it returned %ld); libdune said so once\n", r);
		return tl_finish("peer_vmcall");
	}
	CHECK_EQ(said, 0);
	CHECK_EQ(vmcall6(SYS_getpid, 0, 0, 0, 0, 0, 0, &rcx, &r11), getpid());
	CHECK(rcx != 0x1111); /* syscall's: the return address, rflags */
	CHECK(r11 != 0x2222);

	/* six arguments, the fourth in r10: pwrite64(fd, buf, 2, 3) */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	CHECK_EQ(vmcall6(SYS_pwrite64, fd, (long)"ab", 2, 3, 0, 0, NULL, NULL), 2);
	{
		char buf[8] = { 0 };
		CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 5);
		CHECK_EQ(buf[3], 'a');
		CHECK_EQ(buf[4], 'b');
	}
	/* mmap's six: the last two are fd and offset */
	{
		long p = vmcall6(SYS_mmap, 0, 4096, 3 /* RW */, 0x22 /* PRIVATE|ANON */, -1, 0,
				 NULL, NULL);
		CHECK(p > 0 && !(p & 4095));
		if (p > 0) {
			*(volatile char *)p = 1;
			CHECK_EQ(vmcall6(SYS_munmap, p, 4096, 0, 0, 0, 0, NULL, NULL), 0);
		}
	}
	CHECK_EQ(vmcall6(SYS_close, 123456, 0, 0, 0, 0, 0, NULL, NULL), -EBADF);
	close(fd);
	printf("vmcall reaches libdune here: a system call\n");
	return tl_finish("peer_vmcall");
}
