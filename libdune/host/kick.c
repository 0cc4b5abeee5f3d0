/* host half - kick.c: libdune's kicks, told apart from the program's own
 * uses of the same signal by a cookie in the queued value (kick.h), now or
 * shortly (a POSIX timer: posted interrupts that must wait, signal storms). */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/percpu.h"
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
	/* sent by kick_thread, or kick_soon's timer */
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

#define RETRY_NS 100000 /* 100 us: libdune's entry code is out of the way by then */

/* One-shot kick of this thread after RETRY_NS (a POSIX timer aimed at it). */
void kick_soon(struct dune_percpu *cpu)
{
	struct itimerspec when = { .it_value = { 0, RETRY_NS } };

	if (cpu->vintr_timer < 0) {
		struct sigevent ev;
		int id;
		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = SIGEV_THREAD_ID;
		ev.sigev_signo = dune_state.kick_signal;
		ev._sigev_un._tid = cpu->tid;
		/* the kick's cookie: the timer's signal is libdune's */
		ev.sigev_value.sival_ptr = (void *)(uintptr_t)dune_state.kick_cookie;
		if (raw_syscall3(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) < 0)
			return; /* the next exit delivers it */
		cpu->vintr_timer = id;
	}
	raw_syscall4(SYS_timer_settime, cpu->vintr_timer, 0, &when, NULL);
}

void kick_forget_timer(struct dune_percpu *cpu)
{
	if (cpu->vintr_timer >= 0)
		raw_syscall1(SYS_timer_delete, cpu->vintr_timer);
	cpu->vintr_timer = -1;
}
