// SPDX-License-Identifier: GPL-2.0
/*
 * VMX root mode on every CPU: capability checks, VMXON/VMXOFF (CPU hotplug
 * callbacks), VPIDs, cross-CPU INVEPT/INVVPID.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

#include "compat.h"
#include "dune.h"
#include "vmx_ops.h"
#include "vmcs_fields.h"

struct dune_vmx_config dune_cfg;
unsigned long *dune_msr_bitmap;

static DEFINE_PER_CPU(void *, vmxon_region);
static DEFINE_PER_CPU(bool, vmx_enabled);
static enum cpuhp_state dune_hp_state;
static DEFINE_IDA(vpid_ida);
static DEFINE_MUTEX(vmxon_fail_lock);
static int vmxon_fail_cpu = -1;
static const char *vmxon_fail_why;

bool dune_vmx_on_this_cpu(void)
{
	return this_cpu_read(vmx_enabled);
}

/* min must all be allowed to be 1; opt are taken where allowed */
static int adjust_controls(u32 min, u32 opt, u32 msr, u32 *out)
{
	u32 lo, hi, ctl = min | opt;

	rdmsr(msr, lo, hi);
	ctl &= hi;	/* allowed-1 */
	ctl |= lo;	/* must-be-1 */
	if ((min & ctl) != min)
		return -EIO;
	*out = ctl;
	return 0;
}

static int vmx_setup_config(void)
{
	struct dune_vmx_config *c = &dune_cfg;
	u64 basic, misc;
	bool true_ctls;
	u32 eax, ebx, ecx, edx;

	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err(DUNE_PR "no VT-x (CPU lacks VMX or the firmware disabled it)\n");
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_XSAVE) || !boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		pr_err(DUNE_PR "XSAVE is required\n");
		return -ENODEV;
	}
	rdmsrl(MSR_VMX_BASIC, basic);
	c->revision_id = (u32)basic & 0x7fffffff;
	if (((basic >> 50) & 0xf) != DUNE_VMX_BASIC_MEM_WB || ((basic >> 32) & 0x1fff) > PAGE_SIZE) {
		pr_err(DUNE_PR "unsupported VMCS memory type or size\n");
		return -ENODEV;
	}
	true_ctls = basic & DUNE_VMX_BASIC_TRUE_CTLS;

	if (adjust_controls(PIN_EXT_INTR_EXITING | PIN_NMI_EXITING, PIN_PREEMPTION_TIMER,
			    true_ctls ? MSR_VMX_TRUE_PINBASED_CTLS : MSR_VMX_PINBASED_CTLS,
			    &c->pin) ||
	    adjust_controls(CPU_HLT_EXITING | CPU_UNCOND_IO_EXITING | CPU_MOV_DR_EXITING |
			    CPU_USE_MSR_BITMAPS | CPU_ACTIVATE_SECONDARY |
			    CPU_MWAIT_EXITING | CPU_MONITOR_EXITING, 0,
			    true_ctls ? MSR_VMX_TRUE_PROCBASED_CTLS : MSR_VMX_PROCBASED_CTLS,
			    &c->cpu) ||
	    adjust_controls(CPU2_ENABLE_EPT | CPU2_ENABLE_VPID,
			    CPU2_ENABLE_RDTSCP | CPU2_ENABLE_INVPCID | CPU2_ENABLE_XSAVES,
			    MSR_VMX_PROCBASED_CTLS2, &c->cpu2) ||
	    adjust_controls(EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT | EXIT_LOAD_PAT |
			    EXIT_SAVE_EFER | EXIT_LOAD_EFER, EXIT_SAVE_DEBUG_CONTROLS,
			    true_ctls ? MSR_VMX_TRUE_EXIT_CTLS : MSR_VMX_EXIT_CTLS, &c->exit) ||
	    adjust_controls(ENTRY_LOAD_PAT | ENTRY_LOAD_EFER, ENTRY_LOAD_DEBUG_CONTROLS,
			    true_ctls ? MSR_VMX_TRUE_ENTRY_CTLS : MSR_VMX_ENTRY_CTLS, &c->entry)) {
		pr_err(DUNE_PR "CPU lacks needed VMX controls (EPT, VPID, I/O, MSR bitmaps or EFER/PAT switching)\n");
		return -ENODEV;
	}
	/* controls we need to be 0 */
	if (c->cpu & (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING | CPU_INVLPG_EXITING |
		      CPU_RDTSC_EXITING | CPU_USE_IO_BITMAPS) ||
	    (c->exit & EXIT_ACK_INTR_ON_EXIT) || (c->cpu2 & CPU2_DESC_TABLE_EXITING)) {
		pr_err(DUNE_PR "CPU forces VMX controls this module does not handle\n");
		return -ENODEV;
	}
	c->entry &= ~ENTRY_IA32E_MODE;	/* set per guest */
	/* don't enable XSAVES in the guest when the host doesn't use it */
	if (!boot_cpu_has(X86_FEATURE_XSAVES))
		c->cpu2 &= ~CPU2_ENABLE_XSAVES;
	if (!boot_cpu_has(X86_FEATURE_RDTSCP))
		c->cpu2 &= ~CPU2_ENABLE_RDTSCP;
	if (!boot_cpu_has(X86_FEATURE_INVPCID))
		c->cpu2 &= ~CPU2_ENABLE_INVPCID;
	c->has_rdtscp = (c->cpu2 & CPU2_ENABLE_RDTSCP) != 0;

	rdmsrl(MSR_VMX_EPT_VPID_CAP, c->ept_vpid_cap);
	if (!(c->ept_vpid_cap & EPT_CAP_WALK_4) || !(c->ept_vpid_cap & EPT_CAP_MEMTYPE_WB) ||
	    !(c->ept_vpid_cap & EPT_CAP_INVEPT) ||
	    !(c->ept_vpid_cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
		pr_err(DUNE_PR "EPT lacks 4-level walks, WB memory or INVEPT\n");
		return -ENODEV;
	}
	if (!(c->ept_vpid_cap & VPID_CAP_INVVPID) ||
	    !(c->ept_vpid_cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL))) {
		pr_err(DUNE_PR "VPID lacks INVVPID\n");
		return -ENODEV;
	}
	rdmsrl(MSR_VMX_MISC, misc);
	/*
	 * A backstop exit every ~2^22 TSC cycles: external interrupts exit by
	 * themselves on hardware, but Bochs does not deliver them to a guest
	 * entered with RFLAGS.IF=0 from a host with IF=0.
	 */
	if (c->pin & PIN_PREEMPTION_TIMER)
		c->preempt_timer = (1u << 22) >> (misc & 0x1f);

	rdmsrl(MSR_VMX_CR0_FIXED0, c->lim.cr0_fixed0);
	rdmsrl(MSR_VMX_CR0_FIXED1, c->lim.cr0_fixed1);
	rdmsrl(MSR_VMX_CR4_FIXED0, c->lim.cr4_fixed0);
	rdmsrl(MSR_VMX_CR4_FIXED1, c->lim.cr4_fixed1);
	c->lim.host_xcr0 = dune_xgetbv(0);
	c->lim.user_addr_max = TASK_SIZE_MAX;
	c->lim.has_tsc_aux = c->has_rdtscp;

	cpuid(0x80000008, &eax, &ebx, &ecx, &edx);
	c->lim.gpa_bits = eax & 0xff;
	if (c->lim.gpa_bits > 48)
		c->lim.gpa_bits = 48;	/* 4-level EPT */
	if (c->lim.gpa_bits < 36)
		c->lim.gpa_bits = 36;
	return 0;
}

static void set_msr_intercept(u32 msr, bool intercept)
{
	unsigned long *bm = dune_msr_bitmap;
	unsigned long base;	/* in bits */

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 1024 * 8;
	else
		return;
	msr &= 0x1fff;
	if (intercept) {
		__set_bit(base + msr, bm);		/* read */
		__set_bit(base + 2048 * 8 + msr, bm);	/* write */
	} else {
		__clear_bit(base + msr, bm);
		__clear_bit(base + 2048 * 8 + msr, bm);
	}
}

static int msr_bitmap_init(void)
{
	dune_msr_bitmap = (unsigned long *)__get_free_page(GFP_KERNEL);
	if (!dune_msr_bitmap)
		return -ENOMEM;
	memset(dune_msr_bitmap, 0xff, PAGE_SIZE);
	/* switched by the VMCS itself or by the MSR autoload lists */
	set_msr_intercept(DUNE_MSR_FS_BASE, false);
	set_msr_intercept(DUNE_MSR_GS_BASE, false);
	set_msr_intercept(DUNE_MSR_KERNEL_GS_BASE, false);
	set_msr_intercept(DUNE_MSR_STAR, false);
	set_msr_intercept(DUNE_MSR_LSTAR, false);
	set_msr_intercept(DUNE_MSR_CSTAR, false);
	set_msr_intercept(DUNE_MSR_SYSCALL_MASK, false);
	set_msr_intercept(DUNE_MSR_PAT, false);
	/* EFER is switched by the VMCS and saved on exit; the CPU checks writes */
	set_msr_intercept(0xc0000080, false);
	if (dune_cfg.has_rdtscp)
		set_msr_intercept(DUNE_MSR_TSC_AUX, false);
	return 0;
}

static void note_vmxon_failure(const char *why)
{
	mutex_lock(&vmxon_fail_lock);
	if (vmxon_fail_cpu < 0) {
		vmxon_fail_cpu = smp_processor_id();
		vmxon_fail_why = why;
	}
	mutex_unlock(&vmxon_fail_lock);
}

/* cpuhp callback, runs on the CPU itself */
static int dune_cpu_online(unsigned int cpu)
{
	void *region = per_cpu(vmxon_region, cpu);
	u64 feat;

	if (!region) {
		region = (void *)get_zeroed_page(GFP_KERNEL);
		if (!region)
			return -ENOMEM;
		per_cpu(vmxon_region, cpu) = region;
	}
	*(u32 *)region = dune_cfg.revision_id;

	rdmsrl(MSR_FEATURE_CONTROL, feat);
	if (!(feat & FEATURE_CONTROL_LOCKED) || !(feat & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		note_vmxon_failure("VMX disabled by IA32_FEATURE_CONTROL");
		return -ENODEV;
	}
	if (dune_read_cr4() & X86_CR4_VMXE) {
		note_vmxon_failure("VMX already in use (kvm_intel loaded?)");
		return -EBUSY;
	}
	if (~dune_read_cr0() & dune_cfg.lim.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG)) {
		note_vmxon_failure("CR0 does not meet VMX fixed bits");
		return -ENODEV;
	}
	local_irq_disable();
	cr4_set_bits_irqsoff(X86_CR4_VMXE);
	if (vmx_on(virt_to_phys(region))) {
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
		local_irq_enable();
		note_vmxon_failure("VMXON failed (VMX in use?)");
		return -EBUSY;
	}
	/* nothing cached from an earlier VMX user may survive */
	vmx_invept(INVEPT_ALL_CONTEXT, 0);
	vmx_invvpid(INVVPID_ALL_CONTEXT, 0);
	this_cpu_write(vmx_enabled, true);
	local_irq_enable();
	return 0;
}

/*
 * Any VMCS of ours was VMCLEARed when its thread was scheduled out, and the
 * hotplug thread runs here now, so nothing of ours is current on this CPU.
 */
static int dune_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	if (this_cpu_read(vmx_enabled)) {
		this_cpu_write(vmx_enabled, false);
		vmx_off();
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	}
	local_irq_enable();
	return 0;
}

static void invept_fn(void *arg)
{
	u64 eptp = *(u64 *)arg;

	if (!this_cpu_read(vmx_enabled))
		return;
	if (dune_cfg.ept_vpid_cap & EPT_CAP_INVEPT_SINGLE)
		vmx_invept(INVEPT_SINGLE_CONTEXT, eptp);
	else
		vmx_invept(INVEPT_ALL_CONTEXT, 0);
}

/* IPIs kick any CPU in guest mode out first; the flush runs after the exit */
void dune_invept_all_cpus(u64 eptp)
{
	on_each_cpu(invept_fn, &eptp, 1);
}

static void invvpid_fn(void *arg)
{
	u16 vpid = *(u16 *)arg;

	if (!this_cpu_read(vmx_enabled))
		return;
	if (dune_cfg.ept_vpid_cap & VPID_CAP_INVVPID_SINGLE)
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, vpid);
	else
		vmx_invvpid(INVVPID_ALL_CONTEXT, 0);
}

void dune_invvpid_all_cpus(u16 vpid)
{
	on_each_cpu(invvpid_fn, &vpid, 1);
}

int dune_vpid_alloc(void)
{
	return ida_alloc_range(&vpid_ida, 1, 0xffff, GFP_KERNEL);
}

void dune_vpid_free(int vpid)
{
	dune_invvpid_all_cpus(vpid);
	ida_free(&vpid_ida, vpid);
}

static void free_vmxon_regions(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		free_page((unsigned long)per_cpu(vmxon_region, cpu));
		per_cpu(vmxon_region, cpu) = NULL;
	}
}

int dune_vmx_init(void)
{
	int ret;

	if (dune_vmcs_table_check()) {
		pr_err(DUNE_PR "internal VMCS field table is inconsistent\n");
		return -EINVAL;
	}
	ret = vmx_setup_config();
	if (ret)
		return ret;
	ret = msr_bitmap_init();
	if (ret)
		return ret;

	cpus_read_lock();
	ret = cpuhp_setup_state_cpuslocked(CPUHP_AP_ONLINE_DYN, "dune:online",
					   dune_cpu_online, dune_cpu_offline);
	cpus_read_unlock();
	if (ret < 0) {
		if (vmxon_fail_cpu >= 0)
			pr_err(DUNE_PR "cannot enter VMX root on CPU %d: %s\n",
			       vmxon_fail_cpu, vmxon_fail_why);
		else
			pr_err(DUNE_PR "cannot enable VMX on every CPU (%d)\n", ret);
		free_vmxon_regions();
		free_page((unsigned long)dune_msr_bitmap);
		dune_msr_bitmap = NULL;
		return ret;
	}
	dune_hp_state = ret;
	return 0;
}

void dune_vmx_exit(void)
{
	cpuhp_remove_state(dune_hp_state);
	free_vmxon_regions();
	free_page((unsigned long)dune_msr_bitmap);
	dune_msr_bitmap = NULL;
	ida_destroy(&vpid_ida);
}
