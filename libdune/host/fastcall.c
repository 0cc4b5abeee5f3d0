/* host half - fastcall.c: system calls without a VM exit.
 *
 * Where exits are dear (about 40 us on the PVM development host, against
 * 0.2 us for the call itself), each vCPU gets a host thread that, for a
 * while after each call, spins on a block in the per-CPU page. The syscall
 * stub posts thread-agnostic calls that cannot block (getpid, fstat, pread,
 * ...) there and spins for the answer; everything else, and every call
 * while the server sleeps, takes the doorbell. The server has no TLS of its
 * own and uses raw system calls only.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common/ownfd.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "host/clone.h"
#include "host/fastcall.h"

#define SERVER_STACK (64 * 1024)

uint8_t dune_fast_syscalls[64];
int dune_fastcall_enabled;

#define SET_FAST(nr) (dune_fast_syscalls[(nr) / 8] |= (uint8_t)(1u << ((nr) % 8)))

void fastcall_init(void)
{
	const char *e = getenv("DUNE_FASTCALL");
	/* one more spinning thread per vCPU pays only with a CPU to spare */
	dune_fastcall_enabled = e ? *e == '1' : sysconf(_SC_NPROCESSORS_ONLN) > 1;
	if (!dune_fastcall_enabled)
		return;
	SET_FAST(SYS_getpid);
	SET_FAST(SYS_getppid);
	SET_FAST(SYS_getuid);
	SET_FAST(SYS_geteuid);
	SET_FAST(SYS_getgid);
	SET_FAST(SYS_getegid);
	SET_FAST(SYS_getpgrp);
	SET_FAST(SYS_getpgid);
	SET_FAST(SYS_getsid);
	SET_FAST(SYS_uname);
	SET_FAST(SYS_getcwd);
	SET_FAST(SYS_lseek);
	SET_FAST(SYS_fstat);
	SET_FAST(SYS_newfstatat);
	SET_FAST(SYS_stat);
	SET_FAST(SYS_lstat);
	SET_FAST(SYS_statx);
	SET_FAST(SYS_access);
	SET_FAST(SYS_faccessat);
	SET_FAST(SYS_readlink);
	SET_FAST(SYS_readlinkat);
	SET_FAST(SYS_pread64);  /* seekable files only: cannot wait forever */
	SET_FAST(SYS_pwrite64);
	SET_FAST(SYS_clock_gettime);
	SET_FAST(SYS_clock_getres);
	SET_FAST(SYS_gettimeofday);
	SET_FAST(SYS_time);
	SET_FAST(SYS_sysinfo);
	SET_FAST(SYS_times);
}

#define SPIN_ROUNDS 20000 /* pause rounds to stay awake after a call */
#define MAX_MISSES 32     /* calls in a row the server had no CPU for: it stops */
#define BACKOFF_CALLS 20000 /* exits before a stopped server may start again */

static int fc_cas(struct dune_percpu *cpu, uint32_t from, uint32_t to)
{
	return __sync_bool_compare_and_swap(&cpu->fc_state, from, to);
}

/* The server: no TLS, no libc beyond raw calls. */
void fastcall_server_main(struct dune_percpu *cpu)
{
	uint64_t all = ~0ULL;

	raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	fc_cas(cpu, FC_WAKING, FC_POLLING);
	for (;;) {
		for (int round = 0; round < SPIN_ROUNDS; round++) {
			uint32_t st = cpu->fc_state;
			if (st == FC_EXIT)
				raw_syscall1(SYS_exit, 0);
			if (st == FC_REQUEST && fc_cas(cpu, FC_REQUEST, FC_RUNNING)) {
				cpu->fc_ret = ownfd_named((long)cpu->fc_nr, cpu->fc_args) ? -EBADF :
					raw_syscall6((long)cpu->fc_nr, (long)cpu->fc_args[0],
						     (long)cpu->fc_args[1], (long)cpu->fc_args[2],
						     (long)cpu->fc_args[3], (long)cpu->fc_args[4],
						     (long)cpu->fc_args[5]);
				cpu->fast_calls++;
				__atomic_store_n(&cpu->fc_state, FC_DONE, __ATOMIC_RELEASE);
				round = 0;
			}
			__builtin_ia32_pause();
		}
		/* quiet for a while: sleep until the host loop wakes us */
		if (fc_cas(cpu, FC_POLLING, FC_IDLE))
			while (cpu->fc_state == FC_IDLE)
				raw_syscall6(SYS_futex, (long)&cpu->fc_state, FUTEX_WAIT, FC_IDLE, 0, 0, 0);
		/* only now, running, do we take requests */
		fc_cas(cpu, FC_WAKING, FC_POLLING);
	}
}

/* The stack for a new server: the last one's, once that server is gone
 * (one stack per vCPU however often the back-off stops and starts it). */
static uintptr_t server_stack(struct dune_percpu *cpu)
{
	int alive;

	if (!cpu->fc_stack) {
		void *stack = mmap(NULL, SERVER_STACK, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (stack == MAP_FAILED)
			return 0;
		cpu->fc_stack = (uintptr_t)stack;
	}
	/* told to exit (fastcall_stop): it does within a few spins */
	while ((alive = cpu->fc_server_alive))
		raw_syscall6(SYS_futex, (long)&cpu->fc_server_alive, FUTEX_WAIT, alive, 0, 0, 0);
	return cpu->fc_stack;
}

/* Host loop, after a doorbell call that could have been fast: make sure
 * the next one can be. */
void fastcall_wake(struct dune_percpu *cpu)
{
	if (!cpu->fc_server_tid) {
		uintptr_t stack = server_stack(cpu);
		uint64_t all = ~0ULL, old;
		long tid;
		if (!stack)
			return;
		cpu->fc_state = FC_WAKING;
		/* born with every signal blocked: they are the vCPU thread's */
		raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);
		tid = fastcall_clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				     CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |
				     CLONE_CHILD_CLEARTID,
				     stack + SERVER_STACK, &cpu->fc_server_alive, cpu);
		raw_syscall4(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
		if (tid <= 0)
			return;
		cpu->fc_server_tid = (int)tid;
	}
	if (fc_cas(cpu, FC_IDLE, FC_WAKING))
		raw_syscall6(SYS_futex, (long)&cpu->fc_state, FUTEX_WAKE, 1, 0, 0, 0);
}

/* The vCPU's thread leaves (or a fork child never had the server). */
void fastcall_stop(struct dune_percpu *cpu, int server_exists)
{
	if (server_exists && cpu->fc_server_tid) {
		__atomic_store_n(&cpu->fc_state, FC_EXIT, __ATOMIC_SEQ_CST);
		raw_syscall6(SYS_futex, (long)&cpu->fc_state, FUTEX_WAKE, 1, 0, 0, 0);
	} else {
		cpu->fc_state = FC_IDLE;
		cpu->fc_server_alive = 0; /* a fork child: the parent's server is not here */
	}
	cpu->fc_server_tid = 0;
}

int fastcall_is_fast(long nr)
{
	return nr >= 0 && nr < 512 && (dune_fast_syscalls[nr / 8] & (1u << (nr % 8)));
}

/*
 * Host loop, after a call that could have gone without an exit. Either the
 * server slept (wake it) or it had no CPU in time and the guest withdrew
 * the request: on a machine whose CPUs are all busy the spinning server
 * only competes with its own vCPU, so after many misses it is stopped for
 * a while.
 */
void fastcall_after_exit(struct dune_percpu *cpu)
{
	if (cpu->fast_calls != cpu->fc_seen_fast) {
		cpu->fc_seen_fast = cpu->fast_calls;
		cpu->fc_misses = 0;
	}
	if (cpu->fc_state == FC_POLLING) {
		if (++cpu->fc_misses > MAX_MISSES) {
			fastcall_stop(cpu, 1);
			cpu->fc_backoff_until = cpu->exit_calls + BACKOFF_CALLS;
			cpu->fc_misses = 0;
		}
		return;
	}
	/* FC_EXIT with no server: a stopped one, long gone after the back-off */
	if ((cpu->fc_state == FC_IDLE || (cpu->fc_state == FC_EXIT && !cpu->fc_server_tid)) &&
	    cpu->exit_calls >= cpu->fc_backoff_until) {
		cpu->fc_misses = 0;
		fastcall_wake(cpu);
	}
}
