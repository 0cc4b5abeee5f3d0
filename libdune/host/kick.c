/* host half - kick.c: libdune's kicks, told apart from the program's own
 * uses of the same signal by a cookie in the queued value (kick.h). */
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/raw_syscall.h"
#include "common/state.h"
#include "guest/x86/hypercall.h"
#include "host/kick.h"

void kick_init(void)
{
	uint64_t cookie = 0;
	if (raw_syscall3(SYS_getrandom, &cookie, sizeof(cookie), 0) != sizeof(cookie))
		cookie = __builtin_ia32_rdtsc() ^ ((uint64_t)raw_syscall0(SYS_getpid) << 32);
	dune_state.kick_cookie = cookie | 1;
}

int kick_is_libdunes(const siginfo_t *info)
{
	if ((uint64_t)(uintptr_t)info->si_value.sival_ptr != dune_state.kick_cookie)
		return 0;
	/* sent by kick_thread, or a retry timer of posted interrupts (vintr.c) */
	return (info->si_code == SI_QUEUE && info->si_pid == raw_syscall0(SYS_getpid)) ||
	       info->si_code == SI_TIMER;
}

void kick_thread(long pid, int tid)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = dune_state.kick_signal;
	info.si_code = SI_QUEUE;
	info.si_pid = (pid_t)pid;
	info.si_uid = (uid_t)dune_sys(SYS_getuid, 0, 0, 0, 0, 0, 0);
	info.si_value.sival_ptr = (void *)(uintptr_t)dune_state.kick_cookie;
	dune_sys(SYS_rt_tgsigqueueinfo, pid, tid, dune_state.kick_signal, (long)&info, 0, 0);
}
