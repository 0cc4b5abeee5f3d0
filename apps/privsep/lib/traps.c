/* traps.c - exceptions of user code end its level (the sthread, or the
 * gate call, whose caller then gets -EFAULT); the process lives on. Any
 * exception user code can raise has a handler here: one left to libdune's
 * default would end the whole process. The program's own exceptions (ring
 * 0 frames) end the process as libdune would, with the signal Linux uses. */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "dune.h"
#include "run.h"
#include "sthread.h"
#include "traps.h"

#define VECTORS 32
#define VEC_NMI 2

static void program_fault(struct dune_tf *tf, int vec, uintptr_t addr)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int sig = dune_vector_signal((uint64_t)vec);

	Dl_info where;

	if (!dladdr((void *)tf->rip, &where)) {
		where.dli_fname = "?";
		where.dli_fbase = NULL;
	}
	if (!where.dli_sname)
		where.dli_sname = "?";
	dune_printf("libsthread: exception %d in the program itself at rip 0x%lx (%s+0x%lx, %s), "
		    "address 0x%lx: ending the process\n", vec, (unsigned long)tf->rip,
		    where.dli_fname, (unsigned long)(tf->rip - (uintptr_t)where.dli_fbase),
		    where.dli_sname, (unsigned long)addr);
	dune_dump_trap_frame(tf);
	sigaction(sig, &dfl, NULL);
	kill(getpid(), sig);
	dune_die();
}

static void user_fault(struct dune_tf *tf, int vec, uintptr_t addr)
{
	if ((tf->cs & 3) != 3 || !current_run)
		program_fault(tf, vec, addr);
	run_fail(tf, STHREAD_FAULTED, vec, addr, tf->err, 0);
}

static void on_pgflt(uintptr_t addr, uint64_t fec, struct dune_tf *tf)
{
	(void)fec;
	user_fault(tf, T_PGFLT, addr);
}

#define ON_VECTOR(n) \
	static void on_vec_##n(struct dune_tf *tf) { user_fault(tf, n, 0); }
ON_VECTOR(0) ON_VECTOR(1) ON_VECTOR(3) ON_VECTOR(4) ON_VECTOR(5) ON_VECTOR(6) ON_VECTOR(7)
ON_VECTOR(8) ON_VECTOR(9) ON_VECTOR(10) ON_VECTOR(11) ON_VECTOR(12) ON_VECTOR(13)
ON_VECTOR(15) ON_VECTOR(16) ON_VECTOR(17) ON_VECTOR(18) ON_VECTOR(19) ON_VECTOR(20)
ON_VECTOR(21) ON_VECTOR(22) ON_VECTOR(23) ON_VECTOR(24) ON_VECTOR(25) ON_VECTOR(26)
ON_VECTOR(27) ON_VECTOR(28) ON_VECTOR(29) ON_VECTOR(30) ON_VECTOR(31)

static const dune_intr_cb handlers[VECTORS] = {
	on_vec_0, on_vec_1, NULL, on_vec_3, on_vec_4, on_vec_5, on_vec_6, on_vec_7,
	on_vec_8, on_vec_9, on_vec_10, on_vec_11, on_vec_12, on_vec_13, NULL, on_vec_15,
	on_vec_16, on_vec_17, on_vec_18, on_vec_19, on_vec_20, on_vec_21, on_vec_22, on_vec_23,
	on_vec_24, on_vec_25, on_vec_26, on_vec_27, on_vec_28, on_vec_29, on_vec_30, on_vec_31,
};

void traps_install(void)
{
	for (int v = 0; v < VECTORS; v++)
		if (v != VEC_NMI && v != T_PGFLT)
			dune_register_intr_handler(v, handlers[v]);
	dune_register_pgflt_handler(on_pgflt);
}
