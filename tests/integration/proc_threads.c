/* Threads in dune mode: pthread_create starts each thread on a vCPU of its
 * own, in dune mode; they share page tables and see each other's changes;
 * exits free their vCPU for the next thread (no fd growth over many cycles). */
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "testlib.h"

static volatile char *shared_page;
static volatile int faults;
static pthread_barrier_t barrier;

static void on_pf(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)tf;
	(void)fec;
	__atomic_add_fetch(&faults, 1, __ATOMIC_SEQ_CST);
	dune_vm_mprotect(pgroot, (void *)(addr & ~4095UL), 4096, PERM_R | PERM_W | PERM_U);
}

static void *worker(void *arg)
{
	long id = (long)arg, sum = 0;
	char *buf;
	if (!dune_in_guest())
		return (void *)-1L;
	buf = malloc(1 << 20); /* syscalls and fresh memory from a thread */
	memset(buf, (int)id, 1 << 20);
	for (int i = 0; i < (1 << 20); i += 4096)
		sum += buf[i];
	free(buf);
	if (syscall(SYS_gettid) == getpid())
		return (void *)-2L;
	return (void *)sum;
}

static void *writer(void *arg)
{
	(void)arg;
	shared_page[0] = 1;               /* warm the TLB while writable */
	pthread_barrier_wait(&barrier);   /* main write-protects the page */
	pthread_barrier_wait(&barrier);
	shared_page[1] = 2;               /* must fault: the change is seen here */
	return NULL;
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void *nothing(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t[4];

	tl_watchdog(120);
	tl_enter();
	dune_register_pgflt_handler(on_pf);

	for (long i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, (void *)(i + 1)), 0);
	/* libdune's descriptors (the VM, each thread's vCPU) stay out of the
	 * small numbers a program names itself (exec 3>file) */
	for (int fd = 0; fd < 10; fd++)
		CHECK(!dune_owns_fd(fd));
	for (long i = 0; i < 4; i++) {
		void *ret;
		pthread_join(t[i], &ret);
		CHECK_EQ((long)ret, (i + 1) * 256);
	}

	/* a page-table change made by one thread is seen by another */
	shared_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_barrier_init(&barrier, NULL, 2);
	pthread_create(&t[0], NULL, writer, NULL);
	pthread_barrier_wait(&barrier);
	CHECK_EQ(dune_vm_mprotect(pgroot, (void *)shared_page, 4096, PERM_R | PERM_U), 0);
	pthread_barrier_wait(&barrier);
	pthread_join(t[0], NULL);
	CHECK_EQ(faults, 1);
	CHECK_EQ(shared_page[1], 2);

	/* create/exit cycles: vCPUs are recycled, nothing leaks */
	{
		int fds0 = count_fds();
		long n = tl_iters(1000);
		for (long i = 0; i < n; i++) {
			void *ret;
			CHECK_EQ(pthread_create(&t[0], NULL, nothing, (void *)i), 0);
			pthread_join(t[0], &ret);
			if ((long)ret != i) {
				CHECK_EQ((long)ret, i);
				break;
			}
		}
		CHECK(count_fds() <= fds0 + 8);
	}
	return tl_finish("proc_threads");
}
