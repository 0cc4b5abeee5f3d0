// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: one VMCS and VPID each, bound to the creating thread. The VMCS is
 * current on a CPU only inside an ioctl: a preempt notifier VMCLEARs it
 * when the thread is scheduled out, so it never has to be cleared remotely.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hw_breakpoint.h>
#include <linux/mm.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpu_entry_area.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>
#include <asm/segment.h>
#include <asm/special_insns.h>

#include "compat.h"
#include "dune.h"
#include "vmx_entry.h"
#include "vmx_ops.h"

void dune_vmx_exit_point(void);
void dune_do_nmi(void);

/* vmx_enter.S reads struct dune_entry by these offsets */
static_assert(offsetof(struct dune_entry, gprs) == DUNE_ENTRY_GPRS);
static_assert(offsetof(struct dune_entry, flags) == DUNE_ENTRY_FLAGS);
static_assert(offsetof(struct dune_entry, spec_ctrl_guest) == DUNE_ENTRY_SPEC_CTRL_GUEST_OFF);
static_assert(offsetof(struct dune_entry, spec_ctrl_host) == DUNE_ENTRY_SPEC_CTRL_HOST_OFF);

static_assert(offsetof(struct dune_regs, rax) == GPR_RAX * 8);
static_assert(offsetof(struct dune_regs, rdi) == GPR_RDI * 8);
static_assert(offsetof(struct dune_regs, rbp) == GPR_RBP * 8);
static_assert(offsetof(struct dune_regs, r15) == GPR_R15 * 8);
static_assert(sizeof(struct dune_xsave) == 4096);

/* autoload list slots (same index in the guest and host lists) */
enum { AL_KGS, AL_LSTAR, AL_STAR, AL_CSTAR, AL_FMASK, AL_TSC_AUX, AL_COUNT };
static const u32 autoload_index[AL_COUNT] = {
	DUNE_MSR_KERNEL_GS_BASE, DUNE_MSR_LSTAR, DUNE_MSR_STAR,
	DUNE_MSR_CSTAR, DUNE_MSR_SYSCALL_MASK, DUNE_MSR_TSC_AUX,
};

static u64 vmcs_pa(struct dune_vcpu *vcpu)
{
	return __pa(vcpu->vmcs);
}

/* ---- loading the VMCS on this CPU ---- */

static void write_host_percpu_state(struct dune_vcpu *vcpu, int cpu)
{
	struct desc_ptr idt;
	unsigned int i;
	u64 v;

	vmcs_write(HOST_CR0, dune_read_cr0());
	vmcs_write(HOST_TR_BASE, (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss);
	vmcs_write(HOST_GDTR_BASE, (unsigned long)get_cpu_gdt_ro(cpu));
	store_idt(&idt);
	vmcs_write(HOST_IDTR_BASE, idt.address);
	rdmsrl(MSR_GS_BASE, v);
	vmcs_write(HOST_GS_BASE, v);
	rdmsrl(MSR_FS_BASE, v);
	vmcs_write(HOST_FS_BASE, v);
	rdmsrl(MSR_IA32_SYSENTER_CS, v);
	vmcs_write(HOST_IA32_SYSENTER_CS, v);
	rdmsrl(MSR_IA32_SYSENTER_ESP, v);
	vmcs_write(HOST_IA32_SYSENTER_ESP, v);
	rdmsrl(MSR_IA32_SYSENTER_EIP, v);
	vmcs_write(HOST_IA32_SYSENTER_EIP, v);
	rdmsrl(MSR_IA32_CR_PAT, v);
	vmcs_write(HOST_IA32_PAT, v);
	rdmsrl(MSR_EFER, v);
	vmcs_write(HOST_IA32_EFER, v);

	for (i = 0; i < vcpu->nr_autoload; i++) {
		vcpu->host_msrs[i].index = autoload_index[i];
		rdmsrl(autoload_index[i], vcpu->host_msrs[i].value);
	}
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, vcpu->nr_autoload);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, vcpu->nr_autoload);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, vcpu->nr_autoload);
	vcpu->host_cr3 = 0;
	vcpu->host_cr4 = 0;
}

/* preemption or interrupts disabled */
static int vcpu_load_here(struct dune_vcpu *vcpu)
{
	int cpu = smp_processor_id();

	if (vcpu->cpu == cpu)
		return 0;
	if (vcpu->cpu != -1 || !dune_vmx_on_this_cpu())
		return -EAGAIN;
	if (vmcs_load(vmcs_pa(vcpu)))
		return -EIO;
	vcpu->cpu = cpu;
	vcpu->launched = false;
	write_host_percpu_state(vcpu, cpu);
	return 0;
}

/* preemption or interrupts disabled */
static void vcpu_unload_here(struct dune_vcpu *vcpu)
{
	if (vcpu->cpu != smp_processor_id())
		return;
	vmcs_clear(vmcs_pa(vcpu));
	vcpu->cpu = -1;
	vcpu->launched = false;
	/* a VM exit leaves the GDT limit at 0xffff and the TSS limit at 0x67 */
	load_fixmap_gdt(smp_processor_id());
	invalidate_tss_limit();
}

static void dune_sched_in(struct preempt_notifier *pn, int cpu)
{
	/* other tasks ran here: their data may be in this CPU's L1D */
	container_of(pn, struct dune_vcpu, pn)->l1d_dirty = true;
}

static void dune_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	vcpu_unload_here(container_of(pn, struct dune_vcpu, pn));
}

static struct preempt_ops dune_preempt_ops = {
	.sched_in = dune_sched_in,
	.sched_out = dune_sched_out,
};

/* for ioctls other than RUN: VMCS current for a short, atomic section */
static int vmcs_begin(struct dune_vcpu *vcpu)
{
	int ret;

	preempt_disable();
	ret = vcpu_load_here(vcpu);
	if (ret)
		preempt_enable();
	return ret;
}

static void vmcs_end(struct dune_vcpu *vcpu)
{
	vcpu_unload_here(vcpu);
	preempt_enable();
}

/* ---- initial VMCS ---- */

static void write_segment(u32 sel_field, u32 base_field, u32 limit_field, u32 ar_field,
			  const struct dune_segment *s)
{
	vmcs_write(sel_field, s->selector);
	vmcs_write(base_field, s->base);
	vmcs_write(limit_field, s->limit);
	vmcs_write(ar_field, dune_seg_to_ar(s));
}

static void read_segment(u32 sel_field, u32 base_field, u32 limit_field, u32 ar_field,
			 struct dune_segment *s)
{
	s->selector = vmcs_read(sel_field);
	s->base = vmcs_read(base_field);
	s->limit = vmcs_read32(limit_field);
	dune_ar_to_seg(vmcs_read32(ar_field), s);
}

#define SEG_FIELDS(S) GUEST_##S##_SELECTOR, GUEST_##S##_BASE, GUEST_##S##_LIMIT, GUEST_##S##_AR_BYTES

static void setup_vmcs(struct dune_vcpu *vcpu)
{
	const struct dune_vmx_config *c = &dune_cfg;
	struct dune_segment code = {
		.limit = 0xffffffff, .selector = 0x08, .type = 11, .present = 1,
		.s = 1, .l = 1, .g = 1,
	};
	struct dune_segment data = {
		.limit = 0xffffffff, .selector = 0x10, .type = 3, .present = 1,
		.s = 1, .db = 1, .g = 1,
	};
	struct dune_segment tss = {
		.limit = 0x67, .selector = 0x18, .type = 11, .present = 1,
	};
	struct dune_segment ldt = { .type = 2, .unusable = 1 };

	vmcs_write(VIRTUAL_PROCESSOR_ID, vcpu->vpid);
	vmcs_write(VMCS_LINK_POINTER, ~0ul);
	vmcs_write(PIN_BASED_VM_EXEC_CONTROL, c->pin);
	if (c->pin & PIN_PREEMPTION_TIMER)
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, c->preempt_timer);
	vmcs_write(CPU_BASED_VM_EXEC_CONTROL, c->cpu);
	vmcs_write(SECONDARY_VM_EXEC_CONTROL, c->cpu2);
	vmcs_write(VM_EXIT_CONTROLS, c->exit);
	vmcs_write(VM_ENTRY_CONTROLS, c->entry | ENTRY_IA32E_MODE);
	vmcs_write(EXCEPTION_BITMAP, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(MSR_BITMAP, __pa(dune_msr_bitmap));
	vmcs_write(EPT_POINTER, vcpu->vm->eptp);
	vmcs_write(TSC_OFFSET, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write(VM_ENTRY_MSR_LOAD_ADDR, __pa(vcpu->guest_msrs));
	vmcs_write(VM_EXIT_MSR_STORE_ADDR, __pa(vcpu->guest_msrs));
	vmcs_write(VM_EXIT_MSR_LOAD_ADDR, __pa(vcpu->host_msrs));
	vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);

	/* the guest owns CR0/CR4 except the bits VMX needs fixed */
	vmcs_write(CR0_GUEST_HOST_MASK, c->lim.cr0_fixed0 | X86_CR0_PE | X86_CR0_PG | X86_CR0_NE);
	vmcs_write(CR4_GUEST_HOST_MASK, c->lim.cr4_fixed0);

	/* host state that is the same on every CPU */
	vmcs_write(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write(HOST_SS_SELECTOR, __KERNEL_DS);
	vmcs_write(HOST_DS_SELECTOR, 0);
	vmcs_write(HOST_ES_SELECTOR, 0);
	vmcs_write(HOST_FS_SELECTOR, 0);
	vmcs_write(HOST_GS_SELECTOR, 0);
	vmcs_write(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	vmcs_write(HOST_RIP, (unsigned long)dune_vmx_exit_point);

	/* a 64-bit flat guest with no page table: runs into a triple fault */
	write_segment(SEG_FIELDS(CS), &code);
	write_segment(SEG_FIELDS(SS), &data);
	write_segment(SEG_FIELDS(DS), &data);
	write_segment(SEG_FIELDS(ES), &data);
	write_segment(SEG_FIELDS(FS), &data);
	write_segment(SEG_FIELDS(GS), &data);
	write_segment(SEG_FIELDS(TR), &tss);
	write_segment(SEG_FIELDS(LDTR), &ldt);
	vmcs_write(GUEST_GDTR_BASE, 0);
	vmcs_write(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0xffff);
	vcpu->cr0_shadow = X86_CR0_PE | X86_CR0_PG | X86_CR0_NE | X86_CR0_ET;
	vcpu->cr4_shadow = X86_CR4_PAE;
	vmcs_write(GUEST_CR0, dune_hw_cr0(vcpu->cr0_shadow, &c->lim));
	vmcs_write(CR0_READ_SHADOW, vcpu->cr0_shadow);
	vmcs_write(GUEST_CR4, dune_hw_cr4(vcpu->cr4_shadow, &c->lim));
	vmcs_write(CR4_READ_SHADOW, vcpu->cr4_shadow);
	vmcs_write(GUEST_CR3, 0);
	vmcs_write(GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	vmcs_write(GUEST_IA32_PAT, 0x0007040600070406ull);
	vmcs_write(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write(GUEST_DR7, 0x400);
	vmcs_write(GUEST_RSP, 0);
	vmcs_write(GUEST_RIP, 0);
	vmcs_write(GUEST_RFLAGS, 2);
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
}

/* ---- exits ---- */

struct exit_info {
	u32 reason;
	u64 qual;
	u64 gpa;
	u64 gla;
	u32 intr_info;
	bool vectoring;		/* the exit interrupted an event delivery */
	u64 rip, rsp, cr3;	/* EPT violations: for MMIO emulation */
};

static void skip_instruction(void)
{
	unsigned long rip = vmcs_read(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_write(GUEST_RIP, rip);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

static void inject_gp(void)
{
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 13 | INTR_INFO_TYPE_HW_EXCEPTION |
		   INTR_INFO_DELIVER_CODE | INTR_INFO_VALID);
	vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
}

/* an event cut short by the exit (e.g. an EPT violation on the IDT) is redelivered */
static bool requeue_vectored_event(void)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	u32 type = info & INTR_INFO_TYPE_MASK;

	if (!(info & INTR_INFO_VALID))
		return false;
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_UNBLOCK_NMI);
	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(IDT_VECTORING_ERROR_CODE));
	if (type == INTR_INFO_TYPE_SOFT_INTR || type == INTR_INFO_TYPE_PRIV_SOFT_EXC ||
	    type == INTR_INFO_TYPE_SOFT_EXC)
		vmcs_write(VM_ENTRY_INSTRUCTION_LEN, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	return true;
}

static void emulate_cpuid(struct dune_vcpu *vcpu)
{
	u32 leaf = vcpu->gprs[GPR_RAX], sub = vcpu->gprs[GPR_RCX];
	u32 a, b, c, d;

	if (leaf == 0xd && vcpu->xcr0 != dune_cfg.lim.host_xcr0) {
		/* sizes depend on XCR0: ask with the guest's */
		dune_xsetbv(0, vcpu->xcr0);
		cpuid_count(leaf, sub, &a, &b, &c, &d);
		dune_xsetbv(0, dune_cfg.lim.host_xcr0);
	} else {
		cpuid_count(leaf, sub, &a, &b, &c, &d);
	}
	if (leaf == 1) {
		c &= ~(1u << 5);			/* VMX */
		if (vcpu->cr4_shadow & X86_CR4_OSXSAVE)
			c |= 1u << 27;
		else
			c &= ~(1u << 27);
	}
	vcpu->gprs[GPR_RAX] = a;
	vcpu->gprs[GPR_RBX] = b;
	vcpu->gprs[GPR_RCX] = c;
	vcpu->gprs[GPR_RDX] = d;
}

static int handle_xsetbv(struct dune_vcpu *vcpu)
{
	u64 v = (u32)vcpu->gprs[GPR_RAX] | (vcpu->gprs[GPR_RDX] << 32);

	if ((u32)vcpu->gprs[GPR_RCX] != 0 || dune_check_xcr0(v, dune_cfg.lim.host_xcr0)) {
		inject_gp();
		return 0;
	}
	vcpu->xcr0 = v;
	skip_instruction();
	return 0;
}

static void internal_exit(struct dune_exit *ex, const struct exit_info *ei)
{
	ex->reason = DUNE_EXIT_INTERNAL;
	ex->internal.hw_reason = ei->reason & 0xffff;
	ex->internal.qualification = ei->qual;
	ex->internal.intr_info = ei->intr_info;
}

/*
 * Interrupts disabled, VMCS current. Returns 0 to re-enter, 1 to exit to
 * userspace with *ex filled, 2 for an EPT violation to handle with
 * interrupts enabled.
 */
static int handle_exit_irqoff(struct dune_vcpu *vcpu, struct exit_info *ei, struct dune_exit *ex)
{
	u32 basic;

	ei->reason = vmcs_read32(VM_EXIT_REASON);
	ei->qual = vmcs_read(EXIT_QUALIFICATION);
	if (ei->reason & EXIT_REASON_FAILED_ENTRY) {
		ex->reason = DUNE_EXIT_FAIL_ENTRY;
		ex->fail.hw_reason = ei->reason;
		ex->fail.qualification = ei->qual;
		return 1;
	}
	vcpu->launched = true;
	basic = ei->reason & 0xffff;
	ei->intr_info = vmcs_read32(VM_EXIT_INTR_INFO);

	if (basic == EXIT_REASON_EXCEPTION_NMI &&
	    (ei->intr_info & (INTR_INFO_VALID | INTR_INFO_TYPE_MASK)) ==
	    (INTR_INFO_VALID | INTR_INFO_TYPE_NMI)) {
		requeue_vectored_event();
		this_cpu_inc(dune_hard_counts.nmi_exits);
		dune_do_nmi();
		return 0;
	}
	ei->vectoring = requeue_vectored_event();

	switch (basic) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		return 0;	/* taken when interrupts are enabled again */
	case EXIT_REASON_PREEMPTION_TIMER:
		vmcs_write(VMX_PREEMPTION_TIMER_VALUE, dune_cfg.preempt_timer);
		return 0;
	case EXIT_REASON_TRIPLE_FAULT:
		ex->reason = DUNE_EXIT_SHUTDOWN;
		return 1;
	case EXIT_REASON_CPUID:
		emulate_cpuid(vcpu);
		skip_instruction();
		return 0;
	case EXIT_REASON_HLT:
		skip_instruction();
		ex->reason = DUNE_EXIT_HLT;
		return 1;
	case EXIT_REASON_VMCALL:
		skip_instruction();
		ex->reason = DUNE_EXIT_HYPERCALL;
		ex->hypercall.nr = vcpu->gprs[GPR_RAX];
		return 1;
	case EXIT_REASON_IO_INSTRUCTION: {
		unsigned int size = IO_QUAL_SIZE(ei->qual);

		if (ei->qual & IO_QUAL_STRING) {
			internal_exit(ex, ei);
			return 1;
		}
		ex->reason = DUNE_EXIT_IO;
		ex->io.port = IO_QUAL_PORT(ei->qual);
		ex->io.size = size;
		ex->io.direction = (ei->qual & IO_QUAL_IN) ? DUNE_IO_IN : DUNE_IO_OUT;
		if (ex->io.direction == DUNE_IO_OUT)
			ex->io.value = (u32)vcpu->gprs[GPR_RAX] &
				       (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
		skip_instruction();
		return 1;
	}
	case EXIT_REASON_XSETBV:
		return handle_xsetbv(vcpu);
	case EXIT_REASON_MSR_READ:
	case EXIT_REASON_MSR_WRITE:
		inject_gp();	/* MSRs outside the allow-list do not exist here */
		return 0;
	case EXIT_REASON_EPT_VIOLATION:
		ei->gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		ei->gla = (ei->qual & DUNE_EPT_GLA_VALID) ? vmcs_read(GUEST_LINEAR_ADDRESS) : 0;
		ei->rip = vmcs_read(GUEST_RIP);
		ei->rsp = vmcs_read(GUEST_RSP);
		ei->cr3 = vmcs_read(GUEST_CR3);
		return 2;
	case EXIT_REASON_EPT_MISCONFIG:
		internal_exit(ex, ei);
		ex->internal.qualification = vmcs_read(GUEST_PHYSICAL_ADDRESS);
		return 1;
	default:
		internal_exit(ex, ei);
		return 1;
	}
}

/*
 * This entry's speculation hardening (hardening.h): SPEC_CTRL values and
 * VERW for the assembly, the L1D flush now. Interrupts disabled; the last
 * host work before the entry.
 */
static void prepare_entry(struct dune_vcpu *vcpu, struct dune_entry *e)
{
	const struct dune_hardening *h = &dune_hard;
	struct dune_hardening_counts *n = this_cpu_ptr(&dune_hard_counts);

	e->gprs = vcpu->gprs;
	e->flags = vcpu->launched ? DUNE_ENTRY_RESUME : 0;
	n->entries++;
	if (h->spec_ctrl) {
		u64 host = spec_ctrl_current();	/* the task's value on this CPU */
		u64 guest = dune_guest_spec_ctrl(h, host);

		e->spec_ctrl_host = host;
		e->spec_ctrl_guest = guest;
		if (dune_spec_ctrl_on_entry(h, guest, host)) {
			e->flags |= DUNE_ENTRY_SPEC_CTRL_GUEST;
			n->spec_ctrl++;
		}
		if (dune_spec_ctrl_on_exit(h, guest, host))
			e->flags |= DUNE_ENTRY_SPEC_CTRL_HOST;
	}
	if (dune_verw_before_entry(h, READ_ONCE(vcpu->vm->host_mmio))) {
		e->flags |= DUNE_ENTRY_VERW;
		n->verw++;
	}
	if (h->l1d != DUNE_L1D_NEVER) {
		bool cpu_dirty = dune_cpu_l1d_dirty();

		if (dune_l1d_flush_before_entry(h, vcpu->l1d_dirty, cpu_dirty)) {
			dune_l1d_flush();
			n->l1d_flush++;
		}
		vcpu->l1d_dirty = false;
	}
}

/* one entry and exit; same return convention as handle_exit_irqoff, or -errno */
static int vcpu_enter_once(struct dune_vcpu *vcpu, struct exit_info *ei, struct dune_exit *ex)
{
	u16 ds, es, fs, gs, ldt;
	unsigned long cr3, cr4, dr7;
	u64 host_xcr0 = dune_cfg.lim.host_xcr0;
	struct dune_entry entry;
	u32 host_pkru = 0;
	int ret, fail;

	local_irq_disable();
	if (need_resched() || signal_pending(current)) {
		local_irq_enable();
		return 0;
	}
	ret = vcpu_load_here(vcpu);
	if (ret) {
		local_irq_enable();
		if (ret == -EAGAIN) {
			/* this CPU is going offline: wait to be moved */
			schedule_timeout_uninterruptible(1);
			return 0;
		}
		return ret;
	}
	cr3 = dune_read_cr3();
	if (cr3 != vcpu->host_cr3) {
		vmcs_write(HOST_CR3, cr3);
		vcpu->host_cr3 = cr3;
	}
	cr4 = dune_read_cr4();
	if (cr4 != vcpu->host_cr4) {
		vmcs_write(HOST_CR4, cr4);
		vcpu->host_cr4 = cr4;
	}
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	if (vcpu->xcr0 != host_xcr0)
		dune_xsetbv(0, vcpu->xcr0);
	get_debugreg(dr7, 7);
	if (dune_read_cr2() != vcpu->cr2)
		dune_write_cr2(vcpu->cr2);
	savesegment(ds, ds);
	savesegment(es, es);
	savesegment(fs, fs);
	savesegment(gs, gs);
	asm volatile("sldt %0" : "=r"(ldt));

	prepare_entry(vcpu, &entry);
	/* the guest's PKRU must not be the host's, nor the other way round */
	if (dune_hard.pkru) {
		host_pkru = rdpkru();
		if (dune_pkru_switch(&dune_hard, host_pkru, vcpu->pkru)) {
			wrpkru(vcpu->pkru);
			this_cpu_inc(dune_hard_counts.pkru);
		}
	}

	fail = dune_vmx_run(&entry);

	if (dune_hard.pkru) {
		vcpu->pkru = rdpkru();
		if (dune_pkru_switch(&dune_hard, vcpu->pkru, host_pkru))
			wrpkru(host_pkru);
	}
	/* the VMM's user mode gets an IBPB before it runs again (VMSCAPE) */
	if (dune_hard.ibpb_exit_to_user)
		this_cpu_write(x86_ibpb_exit_to_user, true);
	vcpu->cr2 = dune_read_cr2();
	if (ldt)
		asm volatile("lldt %0" : : "r"(ldt));
	if (ds)
		loadsegment(ds, ds);
	if (es)
		loadsegment(es, es);
	if (fs) {
		loadsegment(fs, fs);
		wrmsrl(MSR_FS_BASE, vmcs_read(HOST_FS_BASE));
	}
	if (gs) {
		load_gs_index(gs);
		wrmsrl(MSR_KERNEL_GS_BASE, vcpu->host_msrs[AL_KGS].value);
	}
	if (vcpu->xcr0 != host_xcr0)
		dune_xsetbv(0, host_xcr0);
	if (dr7 & 0xff)
		hw_breakpoint_restore();

	if (fail) {
		ex->reason = DUNE_EXIT_FAIL_ENTRY;
		ex->fail.hw_reason = 0;
		ex->fail.vm_instruction_error = fail == 1 ? vmcs_read32(VM_INSTRUCTION_ERROR) : ~0u;
		ret = 1;
	} else {
		ret = handle_exit_irqoff(vcpu, ei, ex);
	}
	local_irq_enable();
	return ret;
}

/* ---- MMIO: MOVs to guest-physical addresses outside every slot ---- */

static const u8 x86_reg_to_gpr[16] = {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
};

static int gmem_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	return dune_read_guest_phys(ctx, gpa, buf, len);
}

static unsigned int fetch_insn(struct dune_vcpu *vcpu, u64 cr3, u64 rip, u8 *buf)
{
	unsigned int n = 0;

	while (n < 15) {
		u64 gva = rip + n, gpa;
		unsigned int chunk = min_t(unsigned int, 15 - n, PAGE_SIZE - (gva & ~PAGE_MASK));

		if (dune_guest_walk(cr3, gva, gmem_read, vcpu->vm, &gpa) ||
		    dune_read_guest_phys(vcpu->vm, gpa, buf + n, chunk))
			break;
		n += chunk;
	}
	return n;
}

static void skip_to(u64 rip)
{
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);

	vmcs_write(GUEST_RIP, rip);
	if (intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY_INFO,
			   intr & ~(GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS));
}

/*
 * An EPT violation outside every slot: a data access by a MOV becomes an
 * MMIO exit; anything else stays an EPT_FAULT exit. Inside the run loop.
 */
static int try_mmio(struct dune_vcpu *vcpu, const struct exit_info *ei, struct dune_exit *ex)
{
	struct mmio_insn mi;
	u8 code[15];
	unsigned int got;
	int ret;

	/* a data access through a translated linear address, not during delivery */
	if (ei->vectoring || (ei->qual & DUNE_EPT_FETCH) ||
	    (ei->qual & (DUNE_EPT_GLA_VALID | (1ull << 8))) != (DUNE_EPT_GLA_VALID | (1ull << 8)))
		return 1;
	got = fetch_insn(vcpu, ei->cr3, ei->rip, code);
	if (!got || dune_mmio_decode(code, got, &mi))
		return 1;

	memset(ex, 0, sizeof(*ex));
	ex->reason = DUNE_EXIT_MMIO;
	ex->mmio.gpa = ei->gpa;
	ex->mmio.len = mi.size;
	ex->mmio.is_write = mi.write;
	if (!mi.write) {
		vcpu->mmio_load = mi;
		vcpu->mmio_load_pending = true;
		return 1;
	}
	ex->mmio.data = dune_mmio_store_value(&mi, mi.reg == 4 ? ei->rsp :
					      vcpu->gprs[x86_reg_to_gpr[mi.reg]]);
	preempt_disable();
	ret = vcpu_load_here(vcpu);
	if (!ret)
		skip_to(ei->rip + mi.len);
	preempt_enable();
	return ret ? ret : 1;
}

/* the data of the MMIO load that ended the last DUNE_RUN */
static int complete_mmio_load(struct dune_vcpu *vcpu, struct dune_exit __user *uex)
{
	const struct mmio_insn *mi = &vcpu->mmio_load;
	struct dune_exit in;
	int ret;

	if (copy_from_user(&in, uex, sizeof(in)))
		return -EFAULT;
	ret = vmcs_begin(vcpu);
	if (ret)
		return ret;
	if (mi->reg == 4)
		vmcs_write(GUEST_RSP, dune_mmio_load_result(mi, vmcs_read(GUEST_RSP), in.mmio.data));
	else
		vcpu->gprs[x86_reg_to_gpr[mi->reg]] =
			dune_mmio_load_result(mi, vcpu->gprs[x86_reg_to_gpr[mi->reg]], in.mmio.data);
	skip_to(vmcs_read(GUEST_RIP) + mi->len);
	vmcs_end(vcpu);
	vcpu->mmio_load_pending = false;
	return 0;
}

static long vcpu_run(struct dune_vcpu *vcpu, struct dune_exit __user *uex)
{
	struct dune_exit ex;
	struct exit_info ei;
	long ret;

	if (vcpu->vm->mm_dead)
		return -EIO;
	ret = dune_pt_cache_fill(vcpu);
	if (ret)
		return ret;
	if (vcpu->mmio_load_pending) {
		ret = complete_mmio_load(vcpu, uex);
		if (ret)
			return ret;
	}
	memset(&ex, 0, sizeof(ex));
	vcpu->l1d_dirty = true;	/* the host ran since the last DUNE_RUN */

	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	preempt_disable();
	preempt_notifier_register(&vcpu->pn);
	preempt_enable();

	for (;;) {
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
		memset(&ei, 0, sizeof(ei));
		ret = vcpu_enter_once(vcpu, &ei, &ex);
		if (ret == 2) {
			vcpu->l1d_dirty = true;	/* page tables, other pages touched */
			ret = dune_ept_fault(vcpu, ei.gpa, ei.qual, &ex);
			if (ret == 1) {
				ex.ept.gla = ei.gla;
				if (ex.ept.cause == DUNE_EPT_NO_SLOT)
					ret = try_mmio(vcpu, &ei, &ex);
			}
		}
		if (ret)
			break;
	}

	preempt_disable();
	vcpu_unload_here(vcpu);
	preempt_notifier_unregister(&vcpu->pn);
	preempt_enable();
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);

	if (ret == 1)
		ret = copy_to_user(uex, &ex, sizeof(ex)) ? -EFAULT : 0;
	return ret;
}

/* ---- register ioctls ---- */

static int vcpu_get_regs(struct dune_vcpu *vcpu, struct dune_regs *r)
{
	int ret = vmcs_begin(vcpu);

	if (ret)
		return ret;
	memcpy(r, vcpu->gprs, sizeof(vcpu->gprs));
	r->rsp = vmcs_read(GUEST_RSP);
	r->rip = vmcs_read(GUEST_RIP);
	r->rflags = vmcs_read(GUEST_RFLAGS);
	vmcs_end(vcpu);
	return 0;
}

static int vcpu_set_regs(struct dune_vcpu *vcpu, const struct dune_regs *r)
{
	u64 rflags;
	int ret = dune_check_regs(r, &rflags);

	if (ret)
		return ret;
	ret = vmcs_begin(vcpu);
	if (ret)
		return ret;
	memcpy(vcpu->gprs, r, sizeof(vcpu->gprs));
	vcpu->gprs[GPR_RSP] = 0;
	vcpu->mmio_load_pending = false;	/* new RIP: the load is abandoned */
	vmcs_write(GUEST_RSP, r->rsp);
	vmcs_write(GUEST_RIP, r->rip);
	vmcs_write(GUEST_RFLAGS, rflags);
	vmcs_end(vcpu);
	return 0;
}

static int vcpu_get_sregs(struct dune_vcpu *vcpu, struct dune_sregs *s)
{
	u64 m0, m4;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = vmcs_begin(vcpu);
	if (ret)
		return ret;
	read_segment(SEG_FIELDS(CS), &s->cs);
	read_segment(SEG_FIELDS(DS), &s->ds);
	read_segment(SEG_FIELDS(ES), &s->es);
	read_segment(SEG_FIELDS(FS), &s->fs);
	read_segment(SEG_FIELDS(GS), &s->gs);
	read_segment(SEG_FIELDS(SS), &s->ss);
	read_segment(SEG_FIELDS(TR), &s->tr);
	read_segment(SEG_FIELDS(LDTR), &s->ldt);
	s->gdt.base = vmcs_read(GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(GUEST_IDTR_LIMIT);
	m0 = vmcs_read(CR0_GUEST_HOST_MASK);
	m4 = vmcs_read(CR4_GUEST_HOST_MASK);
	s->cr0 = (vmcs_read(GUEST_CR0) & ~m0) | (vmcs_read(CR0_READ_SHADOW) & m0);
	s->cr4 = (vmcs_read(GUEST_CR4) & ~m4) | (vmcs_read(CR4_READ_SHADOW) & m4);
	s->cr3 = vmcs_read(GUEST_CR3);
	s->efer = vmcs_read(GUEST_IA32_EFER);
	vmcs_end(vcpu);
	s->cr2 = vcpu->cr2;
	return 0;
}

static int vcpu_set_sregs(struct dune_vcpu *vcpu, const struct dune_sregs *in)
{
	const struct dune_cpu_limits *lim = &dune_cfg.lim;
	struct dune_sregs s = *in;
	u32 entry;
	int ret;

	ret = dune_check_sregs(&s, lim);
	if (ret)
		return ret;
	if (s.tr.type == 9)
		s.tr.type = 11;	/* VM entry wants a busy TSS */
	/* and accessed code/data segments (KVM sets the bit too) */
	{
		struct dune_segment *segs[] = { &s.cs, &s.ss, &s.ds, &s.es, &s.fs, &s.gs };
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(segs); i++)
			if (segs[i]->s && segs[i]->present && !segs[i]->unusable)
				segs[i]->type |= 1;
	}
	ret = vmcs_begin(vcpu);
	if (ret)
		return ret;
	write_segment(SEG_FIELDS(CS), &s.cs);
	write_segment(SEG_FIELDS(DS), &s.ds);
	write_segment(SEG_FIELDS(ES), &s.es);
	write_segment(SEG_FIELDS(FS), &s.fs);
	write_segment(SEG_FIELDS(GS), &s.gs);
	write_segment(SEG_FIELDS(SS), &s.ss);
	write_segment(SEG_FIELDS(TR), &s.tr);
	write_segment(SEG_FIELDS(LDTR), &s.ldt);
	vmcs_write(GUEST_GDTR_BASE, s.gdt.base);
	vmcs_write(GUEST_GDTR_LIMIT, s.gdt.limit);
	vmcs_write(GUEST_IDTR_BASE, s.idt.base);
	vmcs_write(GUEST_IDTR_LIMIT, s.idt.limit);
	vmcs_write(GUEST_CR0, dune_hw_cr0(s.cr0, lim));
	vmcs_write(CR0_READ_SHADOW, s.cr0);
	vmcs_write(GUEST_CR4, dune_hw_cr4(s.cr4, lim));
	vmcs_write(CR4_READ_SHADOW, s.cr4);
	vmcs_write(GUEST_CR3, s.cr3);
	vmcs_write(GUEST_IA32_EFER, s.efer);
	entry = vmcs_read32(VM_ENTRY_CONTROLS);
	if (s.efer & EFER_LMA)
		entry |= ENTRY_IA32E_MODE;
	else
		entry &= ~ENTRY_IA32E_MODE;
	vmcs_write(VM_ENTRY_CONTROLS, entry);
	/* new segment/control state: leave shutdown, drop half-delivered events */
	vmcs_write(GUEST_ACTIVITY_STATE, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_end(vcpu);
	vcpu->mmio_load_pending = false;
	vcpu->cr0_shadow = s.cr0;
	vcpu->cr4_shadow = s.cr4;
	vcpu->cr2 = s.cr2;
	return 0;
}

static int autoload_slot(u32 index)
{
	int i;

	for (i = 0; i < AL_COUNT; i++)
		if (autoload_index[i] == index)
			return i;
	return -1;
}

static int vcpu_msrs(struct dune_vcpu *vcpu, struct dune_msrs *m, bool set)
{
	u32 i;
	int ret = dune_check_msrs(m, set, &dune_cfg.lim);

	if (ret)
		return ret;
	ret = vmcs_begin(vcpu);
	if (ret)
		return ret;
	for (i = 0; i < m->nmsrs; i++) {
		struct dune_msr_entry *e = &m->entries[i];
		int al = autoload_slot(e->index);

		switch (e->index) {
		case DUNE_MSR_FS_BASE:
			if (set)
				vmcs_write(GUEST_FS_BASE, e->data);
			else
				e->data = vmcs_read(GUEST_FS_BASE);
			break;
		case DUNE_MSR_GS_BASE:
			if (set)
				vmcs_write(GUEST_GS_BASE, e->data);
			else
				e->data = vmcs_read(GUEST_GS_BASE);
			break;
		case DUNE_MSR_PAT:
			if (set)
				vmcs_write(GUEST_IA32_PAT, e->data);
			else
				e->data = vmcs_read(GUEST_IA32_PAT);
			break;
		default:
			if (al < 0)
				break;
			if (al == AL_TSC_AUX && vcpu->nr_autoload <= AL_TSC_AUX) {
				if (!set) {
					/* not switched yet: the guest sees the host's */
					rdmsrl(DUNE_MSR_TSC_AUX, e->data);
					break;
				}
				vcpu->guest_msrs[AL_TSC_AUX].index = DUNE_MSR_TSC_AUX;
				vcpu->nr_autoload = AL_TSC_AUX + 1;
				/* host value and counts: rewritten on the next load */
			}
			if (set)
				vcpu->guest_msrs[al].value = e->data;
			else
				e->data = vcpu->guest_msrs[al].value;
			break;
		}
	}
	vmcs_end(vcpu);
	return 0;
}

/* ---- file ---- */

static int dune_vcpu_release(struct inode *inode, struct file *file)
{
	struct dune_vcpu *vcpu = file->private_data;
	struct dune_vm *vm = vcpu->vm;

	/* no ioctl runs (it would hold the file), so the VMCS is current nowhere */
	fpu_free_guest_fpstate(&vcpu->fpu);
	free_page((unsigned long)vcpu->vmcs);
	free_page((unsigned long)vcpu->guest_msrs);
	kfree(vcpu->huge_buf);
	dune_pt_cache_free(vcpu);
	dune_vpid_free(vcpu->vpid);
	put_pid(vcpu->owner);
	kfree(vcpu);

	mutex_lock(&vm->lock);
	vm->nr_vcpus--;
	mutex_unlock(&vm->lock);
	dune_vm_put(vm);
	return 0;
}

static long dune_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dune_vcpu *vcpu = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (current->mm != vcpu->vm->mm)
		return -EIO;
	if (task_pid(current) != vcpu->owner)
		return -EPERM;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;

	switch (cmd) {
	case DUNE_RUN:
		ret = vcpu_run(vcpu, uarg);
		break;
	case DUNE_GET_REGS: {
		struct dune_regs r;

		ret = vcpu_get_regs(vcpu, &r);
		if (!ret && copy_to_user(uarg, &r, sizeof(r)))
			ret = -EFAULT;
		break;
	}
	case DUNE_SET_REGS: {
		struct dune_regs r;

		ret = copy_from_user(&r, uarg, sizeof(r)) ? -EFAULT : vcpu_set_regs(vcpu, &r);
		break;
	}
	case DUNE_GET_SREGS: {
		struct dune_sregs s;

		ret = vcpu_get_sregs(vcpu, &s);
		if (!ret && copy_to_user(uarg, &s, sizeof(s)))
			ret = -EFAULT;
		break;
	}
	case DUNE_SET_SREGS: {
		struct dune_sregs s;

		ret = copy_from_user(&s, uarg, sizeof(s)) ? -EFAULT : vcpu_set_sregs(vcpu, &s);
		break;
	}
	case DUNE_GET_MSRS:
	case DUNE_SET_MSRS: {
		struct dune_msrs m;

		if (copy_from_user(&m, uarg, sizeof(m))) {
			ret = -EFAULT;
			break;
		}
		ret = vcpu_msrs(vcpu, &m, cmd == DUNE_SET_MSRS);
		if (!ret && cmd == DUNE_GET_MSRS && copy_to_user(uarg, &m, sizeof(m)))
			ret = -EFAULT;
		break;
	}
	case DUNE_GET_XCR0: {
		struct dune_xcr0 x = { .xcr0 = vcpu->xcr0 };

		ret = copy_to_user(uarg, &x, sizeof(x)) ? -EFAULT : 0;
		break;
	}
	case DUNE_SET_XCR0: {
		struct dune_xcr0 x;

		if (copy_from_user(&x, uarg, sizeof(x))) {
			ret = -EFAULT;
			break;
		}
		ret = dune_check_xcr0(x.xcr0, dune_cfg.lim.host_xcr0);
		if (!ret)
			vcpu->xcr0 = x.xcr0;
		break;
	}
	case DUNE_GET_FPU: {
		void *buf = kzalloc(DUNE_XSAVE_SIZE, GFP_KERNEL_ACCOUNT);

		if (!buf) {
			ret = -ENOMEM;
			break;
		}
		dune_fpu_to_uabi(&vcpu->fpu, buf, DUNE_XSAVE_SIZE, dune_cfg.lim.host_xcr0, vcpu->pkru);
		ret = copy_to_user(uarg, buf, DUNE_XSAVE_SIZE) ? -EFAULT : 0;
		kfree(buf);
		break;
	}
	case DUNE_SET_FPU: {
		void *buf = memdup_user(uarg, DUNE_XSAVE_SIZE);
		u32 pkru = vcpu->pkru;

		if (IS_ERR(buf)) {
			ret = PTR_ERR(buf);
			break;
		}
		/* PKRU, if the image has it, becomes the guest's */
		ret = fpu_copy_uabi_to_guest_fpstate(&vcpu->fpu, buf, dune_cfg.lim.host_xcr0, &pkru);
		if (!ret)
			vcpu->pkru = pkru;
		kfree(buf);
		break;
	}
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static const struct file_operations dune_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = dune_vcpu_release,
	.unlocked_ioctl = dune_vcpu_ioctl,
	.llseek = noop_llseek,
};

int dune_vcpu_create(struct dune_vm *vm)
{
	struct dune_vcpu *vcpu;
	unsigned long msrs;
	int vpid, fd, ret;

	mutex_lock(&vm->lock);
	if (vm->nr_vcpus >= DUNE_MAX_VCPUS) {
		mutex_unlock(&vm->lock);
		return -ENOSPC;
	}
	vm->nr_vcpus++;
	mutex_unlock(&vm->lock);

	ret = -ENOMEM;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		goto err_count;
	vpid = dune_vpid_alloc();
	if (vpid < 0) {
		ret = vpid;
		goto err_vcpu;
	}
	vcpu->vpid = vpid;
	vcpu->vmcs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->vmcs)
		goto err_vpid;
	*(u32 *)vcpu->vmcs = dune_cfg.revision_id;
	msrs = get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!msrs)
		goto err_vmcs;
	vcpu->guest_msrs = (struct vmx_msr_autoload *)msrs;
	vcpu->host_msrs = (struct vmx_msr_autoload *)(msrs + PAGE_SIZE / 2);
	vcpu->nr_autoload = AL_TSC_AUX;	/* TSC_AUX joins once set */
	{
		int i;

		for (i = 0; i < AL_COUNT; i++) {
			vcpu->guest_msrs[i].index = autoload_index[i];
			vcpu->host_msrs[i].index = autoload_index[i];
		}
	}
	if (!fpu_alloc_guest_fpstate(&vcpu->fpu))
		goto err_msrs;

	vcpu->vm = vm;
	vcpu->cpu = -1;
	vcpu->xcr0 = dune_cfg.lim.host_xcr0;
	mutex_init(&vcpu->mutex);
	preempt_notifier_init(&vcpu->pn, &dune_preempt_ops);

	/* VMCLEAR initializes the launch state; then fill the VMCS */
	preempt_disable();
	if (!dune_vmx_on_this_cpu() || vmcs_clear(vmcs_pa(vcpu))) {
		preempt_enable();
		ret = -EIO;
		goto err_fpu;
	}
	ret = vmcs_begin(vcpu);
	preempt_enable();
	if (ret)
		goto err_fpu;
	setup_vmcs(vcpu);
	vmcs_end(vcpu);

	ret = dune_pt_cache_fill(vcpu);
	if (ret)
		goto err_cache;
	/* optional: without it 2 MiB mappings are just not made */
	vcpu->huge_buf = kmalloc_array(512, sizeof(struct page *), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	vcpu->owner = get_task_pid(current, PIDTYPE_PID);
	kref_get(&vm->kref);
	fd = anon_inode_getfd("dune-vcpu", &dune_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		put_pid(vcpu->owner);
		dune_vm_put(vm);
		ret = fd;
		goto err_cache;
	}
	return fd;

err_cache:
	kfree(vcpu->huge_buf);
	dune_pt_cache_free(vcpu);
err_fpu:
	fpu_free_guest_fpstate(&vcpu->fpu);
err_msrs:
	free_page(msrs);
err_vmcs:
	free_page((unsigned long)vcpu->vmcs);
err_vpid:
	dune_vpid_free(vpid);
err_vcpu:
	kfree(vcpu);
err_count:
	mutex_lock(&vm->lock);
	vm->nr_vcpus--;
	mutex_unlock(&vm->lock);
	return ret;
}
