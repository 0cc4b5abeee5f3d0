/* System calls behave as outside after entering: files, pipes, /proc,
 * the vDSO clock, malloc, mmap (anonymous, file, shared), munmap, mremap,
 * brk; arch_prctl's pointers are checked as the kernel checks them. */
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "testlib.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	char path[] = "/tmp/dune-core-XXXXXX", buf[64];
	int fds[2], fd;
	double before, after;
	struct timespec rt;

	tl_watchdog(60);
	before = now();
	tl_enter();
	CHECK(dune_in_guest());

	/* files */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "hello dune", 10), 10);
	CHECK_EQ(pread(fd, buf, 10, 0), 10);
	CHECK(!memcmp(buf, "hello dune", 10));
	CHECK_EQ(close(fd), 0);

	/* pipes */
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(write(fds[1], "xyz", 3), 3);
	CHECK_EQ(read(fds[0], buf, 3), 3);
	CHECK(!memcmp(buf, "xyz", 3));
	close(fds[0]);
	close(fds[1]);

	/* /proc/self */
	{
		char exe[256];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		CHECK(n > 0);
		if (n > 0) {
			exe[n] = 0;
			CHECK(strstr(exe, "core_syscalls") != NULL);
		}
		FILE *f = fopen("/proc/self/status", "r");
		CHECK(f != NULL);
		if (f) {
			CHECK(fgets(buf, sizeof(buf), f) != NULL);
			CHECK(!strncmp(buf, "Name:", 5));
			fclose(f);
		}
	}

	/* the vDSO clock: monotonic, agrees with the host's */
	after = now();
	CHECK(after >= before);
	CHECK(after - before < 30);
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &rt), 0);
	CHECK(rt.tv_sec > 1700000000);
	{
		double t0 = now();
		usleep(20000);
		double dt = now() - t0;
		CHECK(dt >= 0.019 && dt < 2);
	}

	/* malloc of tens of MiB */
	{
		size_t n = 48 << 20;
		unsigned char *p = malloc(n);
		CHECK(p != NULL);
		if (p) {
			for (size_t i = 0; i < n; i += 4096)
				p[i] = (unsigned char)i;
			unsigned sum = 0;
			for (size_t i = 0; i < n; i += 4096)
				sum += p[i] == (unsigned char)i;
			CHECK_EQ(sum, n / 4096);
			free(p);
		}
	}

	/* anonymous mmap, mremap, munmap */
	{
		size_t n = 8 << 20;
		char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(p != MAP_FAILED);
		memset(p, 0x5a, n);
		char *q = mremap(p, n, 2 * n, MREMAP_MAYMOVE);
		CHECK(q != MAP_FAILED);
		CHECK(q[n - 1] == 0x5a && q[0] == 0x5a);
		memset(q + n, 0x33, n);
		CHECK(q[2 * n - 1] == 0x33);
		CHECK_EQ(munmap(q, 2 * n), 0);
	}

	/* file-backed MAP_SHARED agrees with pread/pwrite */
	{
		fd = open(path, O_RDWR);
		CHECK(fd >= 0);
		CHECK_EQ(ftruncate(fd, 8192), 0);
		char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		CHECK(m != MAP_FAILED);
		if (m != MAP_FAILED) {
			memcpy(m + 4096, "shared!", 7);
			CHECK_EQ(pread(fd, buf, 7, 4096), 7);
			CHECK(!memcmp(buf, "shared!", 7));
			CHECK_EQ(pwrite(fd, "back", 4, 100), 4);
			CHECK(!memcmp(m + 100, "back", 4));
			CHECK_EQ(munmap(m, 8192), 0);
		}
		close(fd);
		unlink(path);
	}

	/* brk */
	{
		char *b0 = sbrk(0);
		CHECK(sbrk(1 << 20) == b0);
		memset(b0, 7, 1 << 20);
		CHECK(b0[(1 << 20) - 1] == 7);
		CHECK(sbrk(-(1 << 20)) != (void *)-1);
		CHECK(sbrk(0) == b0);
	}

	/* ARCH_GET_FS writes where the program says: only into its memory */
	{
		uint64_t fs = 0, before;
		CHECK_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
		CHECK(fs != 0);
		CHECK_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, (uint64_t *)8), -1);
		CHECK_EQ(errno, EFAULT);
		/* not mapped: the host half must not write there either */
		char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(gone, 4096);
		CHECK_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, (uint64_t *)gone), -1);
		CHECK_EQ(errno, EFAULT);
		/* read-only memory: EFAULT too, nothing written */
		uint64_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		before = *ro;
		CHECK_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, ro), -1);
		CHECK_EQ(*ro, before);
		munmap(ro, 4096);
	}

	/* getpid etc. */
	CHECK(getpid() > 0);
	CHECK(getppid() > 0);
	return tl_finish("core_syscalls");
}
