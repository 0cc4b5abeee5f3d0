/*
 * fastpath.c - which of the program's system calls may skip the monitor.
 *
 * A call qualifies when the monitor would do nothing but check and
 * forward it: it is not emulated here (memory, processes, signals, exec,
 * the FS base, readlink of /proc/self/exe), names no path and no nested
 * pointer (nothing for files.c or copyargs.c to do), and the policy allows
 * it whatever its arguments, without an audit line. For those, the checks
 * sys_handler would run before forwarding are the same here: no descriptor
 * of the monitor's (fds.c), every buffer inside the program's region
 * (sysargs). libdune calls fastpath_ok in the host half of the calling
 * thread, which then runs the call itself, exactly as a forward would; on
 * a "no" the call goes the ordinary way and gets the ordinary answer.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "box.h"
#include "dune.h"
#include "fastpath.h"
#include "fds.h"
#include "mem.h"
#include "sysargs/sysargs.h"

/* a user page fault brings in a page table's worth (2 MiB) */
#define FAULT_AROUND_PAGES 512

/* flat arguments only, answered by the host kernel as they stand */
static const int candidates[] = {
	SYS_read, SYS_write, SYS_pread64, SYS_pwrite64, SYS_lseek, SYS_fstat,
	SYS_getpid, SYS_getppid, SYS_gettid, SYS_getuid, SYS_geteuid, SYS_getgid,
	SYS_getegid, SYS_getpgrp, SYS_getpgid, SYS_getsid, SYS_getresuid, SYS_getresgid,
	SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday, SYS_time,
	SYS_sched_yield, SYS_getcpu, SYS_sysinfo, SYS_uname,
};

/* In the host half: no locks, no TLS, no system calls. Everything it
 * reads is set before the program starts. */
static int fastpath_ok(long nr, const long a[6])
{
	int handled;

	if (fds_check(nr, a, &handled) < 0 || handled)
		return 0;
	/* no reason wanted (no formatting here): the ordinary path gives it */
	return sysargs_check(nr, a, mem_range_ok, NULL, NULL, 0) == 0;
}

void fastpath_setup(void)
{
	uint64_t set[8];

	memset(set, 0, sizeof(set));
	if (box.audit_fd >= 0 || box.trace_fd >= 0 || box.policy.log == LOG_ALL)
		return; /* libdune's default: none */
	for (unsigned i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		long nr = candidates[i];
		struct decision d = policy_check_syscall(&box.policy, nr, NULL);
		if (d.kind == DECISION_ALLOW && !d.log)
			set[nr / 64] |= 1ULL << (nr % 64);
	}
	dune_set_user_fast_syscalls(set, fastpath_ok);
}

void fastpath_fault_around(void)
{
	/* nothing in the box reads the dirty bits of the program's memory */
	dune_set_user_fault_around(FAULT_AROUND_PAGES);
}
