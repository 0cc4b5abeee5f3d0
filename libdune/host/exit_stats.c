/* host half - exit_stats.c: dune_get_exit_stats. The host half sums what
 * each vCPU's runs came back for (host/run_loop.c counts them) and asks the
 * host side for the kernel's own counts; from the guest, one hypercall. */
#include <string.h>
#include <sys/syscall.h>

#include "common/log.h"
#include "common/percpu.h"
#include "common/raw_syscall.h"
#include "common/state.h"
#include "guest/x86/hypercall.h"
#include "host/exit_stats.h"
#include "host/hostside.h"
#include "host/vcpu_list.h"

void exit_stats_fill(struct dune_exit_stats *st)
{
	int64_t kernel[KERNEL_COUNTS] = { 0, 0, 0, 0 };

	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < vcpu_list_len(); i++) {
		struct dune_percpu *cpu = vcpu_list_get(i);
		const struct exit_counts *c = &cpu->counts;
		int64_t k[KERNEL_COUNTS];

		st->runs += c->runs;
		st->syscalls += c->hypercalls[HC_SYSCALL];
		for (int op = 0; op < HC_OPS; op++)
			if (op != HC_SYSCALL && op != HC_USER_SYSCALL)
				st->hypercalls += c->hypercalls[op];
		st->interrupts += c->interrupts;
		st->fast_calls += cpu->fast_calls;
		st->user_fast_calls += c->user_fast;
		if (!dune_state.hostside->vcpu_kernel_counts ||
		    dune_state.hostside->vcpu_kernel_counts(cpu, k) < 0)
			k[0] = k[1] = k[2] = k[3] = -1;
		for (int j = 0; j < KERNEL_COUNTS; j++)
			kernel[j] = (kernel[j] < 0 || k[j] < 0) ? -1 : kernel[j] + k[j];
	}
	st->kernel_exits = kernel[0];
	st->kernel_emulated = kernel[1];
	st->kernel_faults = kernel[2];
	st->kernel_faults_fixed = kernel[3];
}

int exit_stats_at_exit;

void exit_stats_report(void)
{
	struct dune_exit_stats st;

	if (!exit_stats_at_exit)
		return;
	exit_stats_fill(&st);
	dune_log("exit stats of pid %ld: %lu runs back to the host half (%lu system calls, %lu "
		 "user calls straight from ring 0, %lu other hypercalls, %lu signals), %lu calls "
		 "by the fast-call server; kernel: %ld exits, %ld emulated, %ld page faults",
		 raw_syscall0(SYS_getpid), (unsigned long)st.runs, (unsigned long)st.syscalls,
		 (unsigned long)st.user_fast_calls, (unsigned long)st.hypercalls,
		 (unsigned long)st.interrupts, (unsigned long)st.fast_calls, (long)st.kernel_exits,
		 (long)st.kernel_emulated, (long)st.kernel_faults);
}

void dune_get_exit_stats(struct dune_exit_stats *st)
{
	if (dune_guest_mode)
		hypercall(HC_EXIT_STATS, (long)st, 0, 0, 0);
	else
		exit_stats_fill(st);
}
