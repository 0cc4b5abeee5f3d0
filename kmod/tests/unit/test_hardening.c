// SPDX-License-Identifier: GPL-2.0
/*
 * The entry/exit hardening decisions (hardening.c): from what the host
 * kernel decided to what each VM entry does. These cover what the Bochs
 * machine cannot show: its CPU has no SPEC_CTRL, PKU, FLUSH_CMD or
 * ARCH_CAPABILITIES, and no MMIO stale data mitigation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "hardening.h"

static struct dune_hardening decide(const struct dune_host_mitigations *m)
{
	struct dune_hardening h;

	memset(&h, 0xa5, sizeof(h));	/* every field must be written */
	dune_hardening_decide(m, &h);
	return h;
}

/* mitigations=off, or a CPU without the bugs: nothing is done */
static void test_nothing_needed(void **state)
{
	struct dune_host_mitigations m = { .l1tf = DUNE_L1TF_OFF };
	struct dune_hardening h = decide(&m);
	char line[200];

	(void)state;
	assert_int_equal(h.verw, DUNE_VERW_NEVER);
	assert_int_equal(h.l1d, DUNE_L1D_NEVER);
	assert_false(h.spec_ctrl);
	assert_false(h.kernel_ibrs);
	assert_int_equal(h.rsb, DUNE_RSB_NONE);
	assert_false(h.clear_bhb);
	assert_false(h.ibpb_exit_to_user);
	assert_false(h.pkru);
	assert_false(dune_verw_before_entry(&h, true));
	assert_false(dune_l1d_flush_before_entry(&h, true, true));
	assert_false(dune_spec_ctrl_on_entry(&h, 1, 0));
	assert_false(dune_spec_ctrl_on_exit(&h, 1, 0));
	assert_false(dune_pkru_switch(&h, 0, 0x55555554));
	dune_hardening_describe(&h, line, sizeof(line));
	assert_string_equal(line, "verw=off l1d_flush=off spec_ctrl=off rsb=off bhb_clear=off "
				  "ibpb_exit_to_user=off pkru=off");
}

/* MDS, TAA, RFDS: the kernel clears buffers on return to user; we before every entry */
static void test_verw_always(void **state)
{
	struct dune_host_mitigations m = { .clear_cpu_buf = true, .clear_cpu_buf_mmio = true };
	struct dune_hardening h = decide(&m);

	(void)state;
	assert_int_equal(h.verw, DUNE_VERW_ALWAYS);
	assert_true(dune_verw_before_entry(&h, false));
	assert_true(dune_verw_before_entry(&h, true));
}

/* MMIO stale data alone: only guests that can reach host MMIO pay for VERW */
static void test_verw_only_with_mmio(void **state)
{
	struct dune_host_mitigations m = { .clear_cpu_buf_mmio = true };
	struct dune_hardening h = decide(&m);

	(void)state;
	assert_int_equal(h.verw, DUNE_VERW_IF_MMIO);
	assert_false(dune_verw_before_entry(&h, false));
	assert_true(dune_verw_before_entry(&h, true));
}

/* L1TF: the kernel's l1tf= choice picks never, conditional or always */
static void test_l1d_policy(void **state)
{
	struct dune_host_mitigations m = { .bug_l1tf = true };
	struct dune_hardening h;

	(void)state;
	m.l1tf = DUNE_L1TF_OFF;
	assert_int_equal(decide(&m).l1d, DUNE_L1D_NEVER);
	m.l1tf = DUNE_L1TF_FLUSH;
	assert_int_equal(decide(&m).l1d, DUNE_L1D_COND);
	m.l1tf = DUNE_L1TF_FULL;
	assert_int_equal(decide(&m).l1d, DUNE_L1D_ALWAYS);

	/* not affected, or the CPU flushes on VM entry itself: never */
	m.bug_l1tf = false;
	assert_int_equal(decide(&m).l1d, DUNE_L1D_NEVER);
	m.bug_l1tf = true;
	m.skip_l1d_flush = true;
	assert_int_equal(decide(&m).l1d, DUNE_L1D_NEVER);

	/* the flush itself: the MSR where the CPU has it */
	m.skip_l1d_flush = false;
	m.flush_l1d_msr = true;
	h = decide(&m);
	assert_true(h.l1d_by_msr);
	m.flush_l1d_msr = false;
	assert_false(decide(&m).l1d_by_msr);
}

/* conditional: only after host code ran for the vCPU or on the CPU */
static void test_l1d_conditional(void **state)
{
	struct dune_host_mitigations m = { .bug_l1tf = true, .l1tf = DUNE_L1TF_FLUSH };
	struct dune_hardening h = decide(&m);

	(void)state;
	assert_false(dune_l1d_flush_before_entry(&h, false, false));
	assert_true(dune_l1d_flush_before_entry(&h, true, false));
	assert_true(dune_l1d_flush_before_entry(&h, false, true));
	m.l1tf = DUNE_L1TF_FULL;
	h = decide(&m);
	assert_true(dune_l1d_flush_before_entry(&h, false, false));
}

/* eIBRS or retpolines: the guest runs with the task's own value, nothing to write */
static void test_spec_ctrl_same_value(void **state)
{
	struct dune_host_mitigations m = { .msr_spec_ctrl = true };
	struct dune_hardening h = decide(&m);
	const unsigned long long host = 0x1 | 0x4;	/* IBRS (eIBRS on) + SSBD of the task */
	unsigned long long guest = dune_guest_spec_ctrl(&h, host);

	(void)state;
	assert_true(h.spec_ctrl);
	assert_false(h.kernel_ibrs);
	assert_int_equal(guest, host);
	assert_false(dune_spec_ctrl_on_entry(&h, guest, host));
	assert_false(dune_spec_ctrl_on_exit(&h, guest, host));
}

/* kernel IBRS (retbleed on Skylake): off for the guest as for user mode, rewritten on exit */
static void test_spec_ctrl_kernel_ibrs(void **state)
{
	struct dune_host_mitigations m = { .msr_spec_ctrl = true, .kernel_ibrs = true };
	struct dune_hardening h = decide(&m);
	const unsigned long long host = DUNE_SPEC_CTRL_IBRS | 0x4;
	unsigned long long guest = dune_guest_spec_ctrl(&h, host);

	(void)state;
	assert_true(h.kernel_ibrs);
	assert_int_equal(guest, 0x4);	/* SSBD kept: the task asked for it */
	assert_true(dune_spec_ctrl_on_entry(&h, guest, host));
	assert_true(dune_spec_ctrl_on_exit(&h, guest, host));
	/* even if the values were equal, IBRS has to be written again after the guest */
	assert_true(dune_spec_ctrl_on_exit(&h, host, host));
	assert_false(dune_spec_ctrl_on_entry(&h, host, host));
}

/* without the MSR, KERNEL_IBRS cannot be in effect and nothing is written */
static void test_spec_ctrl_absent(void **state)
{
	struct dune_host_mitigations m = { .kernel_ibrs = true };
	struct dune_hardening h = decide(&m);

	(void)state;
	assert_false(h.spec_ctrl);
	assert_false(h.kernel_ibrs);
	assert_int_equal(dune_guest_spec_ctrl(&h, 5), 5);
	assert_false(dune_spec_ctrl_on_exit(&h, 0, 5));
}

static void test_rsb(void **state)
{
	struct dune_host_mitigations m = { .rsb_vmexit = true, .rsb_vmexit_lite = true };

	(void)state;
	assert_int_equal(decide(&m).rsb, DUNE_RSB_FULL);
	m.rsb_vmexit = false;
	assert_int_equal(decide(&m).rsb, DUNE_RSB_ONE);	/* eIBRS with PBRSB */
	m.rsb_vmexit_lite = false;
	assert_int_equal(decide(&m).rsb, DUNE_RSB_NONE);
}

/* PKRU: written only where the host has it and the values differ */
static void test_pkru(void **state)
{
	struct dune_host_mitigations m = { .ospke = true };
	struct dune_hardening h = decide(&m);

	(void)state;
	assert_true(h.pkru);
	assert_true(dune_pkru_switch(&h, 0x55555554, 0));
	assert_true(dune_pkru_switch(&h, 0, 0x55555554));
	assert_false(dune_pkru_switch(&h, 0x55555554, 0x55555554));
}

static void test_describe_all_on(void **state)
{
	struct dune_host_mitigations m = {
		.clear_cpu_buf = true, .bug_l1tf = true, .l1tf = DUNE_L1TF_FLUSH,
		.msr_spec_ctrl = true, .kernel_ibrs = true, .rsb_vmexit = true,
		.clear_bhb_vmexit = true, .ibpb_exit_to_user = true, .ospke = true,
	};
	struct dune_hardening h = decide(&m);
	char line[200], small[16];
	int n;

	(void)state;
	n = dune_hardening_describe(&h, line, sizeof(line));
	assert_string_equal(line, "verw=always l1d_flush=cond/sw spec_ctrl=switch/kernel-ibrs rsb=full "
				  "bhb_clear=on ibpb_exit_to_user=on pkru=switch");
	assert_int_equal(n, (int)strlen(line));
	/* truncated, still terminated, length of what is there */
	n = dune_hardening_describe(&h, small, sizeof(small));
	assert_int_equal(n, (int)strlen(small));
	assert_int_equal(n, (int)sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_needed),
		cmocka_unit_test(test_verw_always),
		cmocka_unit_test(test_verw_only_with_mmio),
		cmocka_unit_test(test_l1d_policy),
		cmocka_unit_test(test_l1d_conditional),
		cmocka_unit_test(test_spec_ctrl_same_value),
		cmocka_unit_test(test_spec_ctrl_kernel_ibrs),
		cmocka_unit_test(test_spec_ctrl_absent),
		cmocka_unit_test(test_rsb),
		cmocka_unit_test(test_pkru),
		cmocka_unit_test(test_describe_all_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
