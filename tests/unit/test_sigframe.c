/* dune_sigframe_place/write (libdune/common/sigframe.c) build the frame
 * Linux builds: checked against a frame the kernel itself made for a
 * native handler, and for the stack choice (red zone, sigaltstack). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <cmocka.h>

#include "dune_sigframe.h"

static uintptr_t k_uc, k_info, k_fpstate;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	k_uc = (uintptr_t)uc;
	k_info = (uintptr_t)si;
	k_fpstate = (uintptr_t)((ucontext_t *)uc)->uc_mcontext.fpregs;
}

static void layout_as_the_kernels(void **state)
{
	struct sigaction sa;
	(void)state;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	/* siginfo right after the kernel's ucontext, as here */
	assert_int_equal(k_info - k_uc, sizeof(struct dune_kucontext));
	assert_int_equal(k_fpstate % 64, 0);
	assert_true(k_fpstate > k_info);
	assert_int_equal(offsetof(struct dune_kucontext, uc_mcontext),
			 offsetof(ucontext_t, uc_mcontext));
	assert_int_equal(offsetof(struct dune_kucontext, uc_sigmask),
			 offsetof(ucontext_t, uc_sigmask));
}

static uint8_t stack[64 * 1024] __attribute__((aligned(64)));
static uint8_t alt[16 * 1024] __attribute__((aligned(64)));

static void placed_below_the_red_zone(void **state)
{
	uint64_t sp = (uintptr_t)stack + sizeof(stack) - 8;
	struct dune_sigframe f = { .sp = sp, .fpu_size = 512, .extra_size = 40 };
	(void)state;
	dune_sigframe_place(&f);
	assert_true(f.end <= sp - 128);
	assert_int_equal((f.frame + 8) % 16, 0); /* as at a function's entry */
	assert_int_equal((uintptr_t)f.fpstate % 64, 0);
	assert_ptr_equal(f.uc, (void *)(f.frame + 8));
	assert_ptr_equal(f.info, (char *)f.uc + sizeof(struct dune_kucontext));
	assert_true((uintptr_t)f.extra >= (uintptr_t)(f.info + 1));
	assert_true((uintptr_t)f.extra + 40 <= (uintptr_t)f.fpstate);
	assert_ptr_equal(dune_sigframe_extra(f.uc), f.extra);
}

static void on_the_altstack_when_asked(void **state)
{
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	uint64_t sp = (uintptr_t)stack + sizeof(stack) - 8;
	struct dune_sigframe f = { .sp = sp, .altstack = &ss, .onstack = 1, .fpu_size = 512 };
	struct sigcontext sc = { .rip = 0x1234, .rsp = sp };
	siginfo_t si = { .si_signo = SIGUSR2 };
	uint8_t fpu[512];
	(void)state;

	dune_sigframe_place(&f);
	assert_true(f.frame >= (uintptr_t)alt && f.end <= (uintptr_t)alt + sizeof(alt));
	memset(fpu, 0x5a, sizeof(fpu));
	dune_sigframe_write(&f, (void *)0x4444, &sc, &si, 0xf0, fpu);
	assert_int_equal(*(uint64_t *)f.frame, 0x4444);
	assert_int_equal(f.uc->uc_mcontext.rip, 0x1234);
	assert_ptr_equal(f.uc->uc_mcontext.fpstate, f.fpstate);
	assert_int_equal(f.uc->uc_sigmask, 0xf0);
	assert_int_equal(f.uc->uc_stack.ss_flags, 0); /* interrupted off the altstack */
	assert_int_equal(f.info->si_signo, SIGUSR2);
	assert_memory_equal(f.fpstate, fpu, sizeof(fpu));
	/* already on it: the frame goes below, and says so */
	struct dune_sigframe g = { .sp = f.frame, .altstack = &ss, .onstack = 1, .fpu_size = 512 };
	dune_sigframe_place(&g);
	assert_true(g.end <= f.frame - 128);
	dune_sigframe_write(&g, (void *)0x4444, &sc, &si, 0, fpu);
	assert_int_equal(g.uc->uc_stack.ss_flags, SS_ONSTACK);
	/* no altstack at all */
	struct dune_sigframe h = { .sp = sp, .onstack = 1, .fpu_size = 512 };
	dune_sigframe_place(&h);
	assert_true(h.end <= sp - 128 && h.frame > (uintptr_t)stack);
	dune_sigframe_write(&h, NULL, &sc, &si, 0, fpu);
	assert_int_equal(h.uc->uc_stack.ss_flags, SS_DISABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_as_the_kernels),
		cmocka_unit_test(placed_below_the_red_zone),
		cmocka_unit_test(on_the_altstack_when_asked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
