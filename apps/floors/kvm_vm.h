/*
 * kvm_vm.h - the smallest /dev/kvm harness, in the shape of KVM's
 * selftests: one struct vm with one memory slot, one struct vcpu. A plain
 * name dies on failure with the ioctl's name and the error; a `_`-prefixed
 * twin returns -errno.
 */
#ifndef FLOORS_KVM_VM_H
#define FLOORS_KVM_VM_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

struct vm {
	int kvm_fd, fd;
	uint8_t *mem; /* guest-physical 0..mem_size, one slot exactly this size */
	size_t mem_size;
};

struct vcpu {
	int fd;
	struct kvm_run *run;
	size_t run_size;
};

/* -ENOENT/-EACCES when /dev/kvm cannot be opened (the caller skips);
 * every other failure ends the process with one line */
int _vm_create_with_one_vcpu(struct vm *vm, struct vcpu *vcpu, size_t mem_size);
void vm_destroy(struct vm *vm, struct vcpu *vcpu);

void vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *s);
void vcpu_set_regs(struct vcpu *vcpu, const struct kvm_regs *r);
void vcpu_set_msr(struct vcpu *vcpu, uint32_t index, uint64_t value);
void vcpu_run(struct vcpu *vcpu); /* KVM_RUN; dies unless it returns 0 */

void die_errno(const char *what, long ret);

#endif
