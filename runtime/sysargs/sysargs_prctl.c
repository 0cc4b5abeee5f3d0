/* prctl and arch_prctl: most options take integers; the ones that take
 * pointers are listed with what they touch. Options not listed, the other
 * architectures' included, get -EINVAL, what x86-64 Linux answers for an
 * option it does not know. */
#include <asm/prctl.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/prctl.h>

#include "sysargs_calls.h"

#define TASK_COMM_LEN 16	/* PR_SET_NAME and PR_GET_NAME */
#define ANON_VMA_NAME_MAX 80	/* PR_SET_VMA_ANON_NAME, NUL included */

static const int integer_options[] = {
	PR_SET_PDEATHSIG, PR_GET_DUMPABLE, PR_SET_DUMPABLE, PR_GET_KEEPCAPS,
	PR_SET_KEEPCAPS, PR_GET_TIMING, PR_SET_TIMING, PR_GET_SECCOMP,
	PR_CAPBSET_READ, PR_CAPBSET_DROP, PR_SET_TSC, PR_GET_SECUREBITS,
	PR_SET_SECUREBITS, PR_SET_TIMERSLACK, PR_GET_TIMERSLACK,
	PR_TASK_PERF_EVENTS_DISABLE, PR_TASK_PERF_EVENTS_ENABLE, PR_MCE_KILL,
	PR_MCE_KILL_GET, PR_SET_PTRACER, PR_SET_CHILD_SUBREAPER,
	PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS, PR_SET_THP_DISABLE,
	PR_GET_THP_DISABLE, PR_CAP_AMBIENT, PR_GET_SPECULATION_CTRL,
	PR_SET_SPECULATION_CTRL, PR_SET_IO_FLUSHER, PR_GET_IO_FLUSHER,
#ifdef PR_SET_MDWE
	PR_SET_MDWE, PR_GET_MDWE,
#endif
#ifdef PR_SET_MEMORY_MERGE
	PR_SET_MEMORY_MERGE, PR_GET_MEMORY_MERGE,
#endif
};

static int is_integer_option(int option)
{
	for (size_t i = 0; i < sizeof(integer_options) / sizeof(integer_options[0]); i++)
		if (integer_options[i] == option)
			return 1;
	return 0;
}

/* PR_SET_VMA_ANON_NAME names the mappings of a range */
static int check_set_vma(struct sa_call *c, const long a[6])
{
	size_t len;
	int r;

	if (a[1] != PR_SET_VMA_ANON_NAME)
		return sa_fail(c, -EINVAL, "PR_SET_VMA %ld unknown", a[1]);
	r = sa_pages(c, 2, "addr", (uintptr_t)a[2], (size_t)a[3]);
	if (r || !a[4])
		return r;
	return sa_string(c, 4, "name", (uintptr_t)a[4], ANON_VMA_NAME_MAX, &len);
}

/* prctl(option, arg2, arg3, arg4, arg5): a[1] is arg2 */
int sa_check_prctl(struct sa_call *c, const long a[6])
{
	int option = (int)a[0];
	size_t len;

	if (is_integer_option(option))
		return 0;
	switch (option) {
	case PR_SET_NAME:
		return sa_string(c, 1, "name", (uintptr_t)a[1], TASK_COMM_LEN, &len);
	case PR_GET_NAME:
		return sa_range(c, 1, "name", (uintptr_t)a[1], TASK_COMM_LEN, SYSARGS_WRITE);
	case PR_GET_PDEATHSIG:
	case PR_GET_TSC:
	case PR_GET_CHILD_SUBREAPER:
		return sa_range(c, 1, "int", (uintptr_t)a[1], sizeof(int), SYSARGS_WRITE);
	case PR_GET_TID_ADDRESS:
		return sa_range(c, 1, "tid_address", (uintptr_t)a[1], sizeof(void *), SYSARGS_WRITE);
	case PR_SET_SECCOMP:
		if (a[1] != SECCOMP_MODE_FILTER)
			return 0;
		return sa_sock_fprog(c, 2, "prog", (uintptr_t)a[2]);
	case PR_SCHED_CORE:
		if (a[1] != PR_SCHED_CORE_GET)
			return 0;
		return sa_range(c, 4, "cookie", (uintptr_t)a[4], sizeof(uint64_t), SYSARGS_WRITE);
	case PR_SET_VMA:
		return check_set_vma(c, a);
	case PR_SET_MM:
		return sa_fail(c, -EINVAL, "PR_SET_MM rewrites the host process's memory map "
			       "fields (brk, stack, auxv)");
	case PR_SET_SYSCALL_USER_DISPATCH:
		return sa_fail(c, -EINVAL, "PR_SET_SYSCALL_USER_DISPATCH makes the kernel read "
			       "a selector byte at every later system call");
	}
	return sa_fail(c, -EINVAL, "option %d unknown", option);
}

/* arch_prctl(code, addr) */
int sa_check_arch_prctl(struct sa_call *c, const long a[6])
{
	switch ((int)a[0]) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
	case ARCH_GET_CPUID:
	case ARCH_SET_CPUID:
	case ARCH_REQ_XCOMP_PERM:
	case ARCH_REQ_XCOMP_GUEST_PERM:
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
	case ARCH_GET_XCOMP_SUPP:
	case ARCH_GET_XCOMP_PERM:
	case ARCH_GET_XCOMP_GUEST_PERM:
		return sa_range(c, 1, "addr", (uintptr_t)a[1], sizeof(unsigned long), SYSARGS_WRITE);
	}
	/* ARCH_MAP_VDSO_* maps a vDSO, at a hint the program chooses */
	return sa_fail(c, -EINVAL, "code %#x unknown", (unsigned int)a[0]);
}
