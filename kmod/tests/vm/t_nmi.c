// SPDX-License-Identifier: GPL-2.0
/*
 * An NMI that arrives while a guest runs is the host's: with a guest
 * spinning on CPU 0, CPU 1 asks every CPU for an NMI backtrace (sysrq l).
 * CPU 0's backtrace must come from inside dune.ko (the exit path hands the
 * NMI to the host's handler), dune.ko must count an NMI exit, and the guest
 * must go on running. Needs two CPUs (skipped with one, unless
 * DUNE_TEST_CPUS says the machine has more).
 */
#include "dtest.h"
#include <sched.h>
#include <sys/klog.h>
#include <sys/wait.h>
#include <time.h>

#define COUNTS "/sys/module/dune/parameters/hardening_counts"

/* IF=1: Bochs only delivers interrupt exits to a guest that has it */
DT_GUEST(spin, "1: pause\n" "jmp 1b\n");

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	DT_CHECK(sched_setaffinity(0, sizeof(set), &set) == 0, "pin to CPU %d: %s", cpu,
		 strerror(errno));
}

static unsigned long long nmi_exits(void)
{
	char buf[512], *p;
	FILE *f = fopen(COUNTS, "r");

	DT_CHECK(f, "%s: %s", COUNTS, strerror(errno));
	DT_CHECK(fgets(buf, sizeof(buf), f), "read %s", COUNTS);
	fclose(f);
	p = strstr(buf, "nmi_exits=");
	DT_CHECK(p, "no nmi_exits in %s", buf);
	return strtoull(p + 10, NULL, 10);
}

static void kmsg(const char *line)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		(void)!write(fd, line, strlen(line));
		close(fd);
	}
}

/* the child: a guest spinning on CPU 0 until SIGTERM */
static int run_guest(int ready_fd)
{
	struct dt_vm vm;
	struct dune_regs r;
	struct dune_exit ex;
	struct sigaction sa = { .sa_handler = on_term };

	pin(0);
	sigaction(SIGTERM, &sa, NULL);
	dt_vm_create(&vm, spin_start, spin_end);
	DT_CHECK(ioctl(vm.vcpu, DUNE_GET_REGS, &r) == 0, "GET_REGS");
	r.rflags = EFLAGS_FIXED | EFLAGS_IF;
	DT_CHECK(ioctl(vm.vcpu, DUNE_SET_REGS, &r) == 0, "SET_REGS");
	(void)!write(ready_fd, "r", 1);
	while (!stop) {
		if (ioctl(vm.vcpu, DUNE_RUN, &ex) == 0) {
			dt_print_exit(&ex);
			DT_FAIL("the spinning guest exited");
		}
		DT_CHECK(errno == EINTR, "DUNE_RUN: %s", strerror(errno));
	}
	dt_vm_destroy(&vm);
	return 0;
}

/* CPU 0's backtrace in the kernel log, printed from inside dune.ko */
static int backtrace_in_dune(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), n, found = 0;
	char *log, *p, *end;

	DT_CHECK(size > 0, "klogctl size");
	log = malloc(size + 1);
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, size);
	DT_CHECK(n > 0, "klogctl read");
	log[n] = 0;
	for (p = log; (p = strstr(p, "NMI backtrace for cpu 0")) && !found; p++) {
		/* the interrupted RIP, a few lines on, must be in module dune */
		end = p;
		for (int lines = 0; lines < 12 && (end = strchr(end + 1, '\n')); lines++)
			;
		if (!end)
			end = log + n;
		for (char *q = p; q < end && (q = strstr(q, "[dune]")) && q < end; q++)
			found = 1;
	}
	free(log);
	return found;
}

int main(void)
{
	unsigned long long before, after = 0;
	int need = getenv("DUNE_TEST_CPUS") ? atoi(getenv("DUNE_TEST_CPUS")) : 1;
	int pipefd[2], status, tries;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pid_t child;
	char c;

	alarm(240);
	DT_CHECK(cpus >= need, "%ld CPUs online, the machine has %d", cpus, need);
	if (cpus < 2) {
		printf("t_nmi: one CPU, skipped\n");
		return 0;
	}
	DT_CHECK(pipe(pipefd) == 0, "pipe");
	child = fork();
	DT_CHECK(child >= 0, "fork");
	if (child == 0) {
		close(pipefd[0]);
		_exit(run_guest(pipefd[1]));
	}
	close(pipefd[1]);
	pin(1);
	DT_CHECK(read(pipefd[0], &c, 1) == 1, "the guest did not start");
	usleep(200000);

	before = nmi_exits();
	kmsg("t_nmi: NMI backtraces requested\n");
	for (tries = 0; tries < 5 && after <= before; tries++) {
		int fd = open("/proc/sysrq-trigger", O_WRONLY);

		DT_CHECK(fd >= 0, "/proc/sysrq-trigger: %s", strerror(errno));
		DT_CHECK(write(fd, "l", 1) == 1, "sysrq l: %s", strerror(errno));
		close(fd);
		usleep(500000);
		after = nmi_exits();
	}
	kmsg("t_nmi: NMI backtraces done\n");

	DT_CHECK(kill(child, 0) == 0, "the guest's process died");
	kill(child, SIGTERM);
	DT_CHECK(waitpid(child, &status, 0) == child, "waitpid");
	DT_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the guest's process failed (%#x)",
		 status);
	DT_CHECK(after > before, "no NMI exit counted after %d NMI rounds (%llu -> %llu)", tries,
		 before, after);
	DT_CHECK(backtrace_in_dune(), "no NMI backtrace of CPU 0 from inside dune.ko in the log");
	printf("t_nmi: ok (%llu NMI exits in %d round(s), handled by the host's NMI handler)\n",
	       after - before, tries);
	return 0;
}
