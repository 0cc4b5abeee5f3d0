/*
 * kvm_vm.c - the smallest /dev/kvm harness (kvm_vm.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_vm.h"

void die_errno(const char *what, long ret)
{
	fprintf(stderr, "floors: %s failed (%ld: %s)\n", what, ret, strerror(errno));
	exit(1);
}

#define IOCTL_OR_DIE(fd, req, arg)                                  \
	do {                                                        \
		long r_ = ioctl((fd), (req), (arg));                \
		if (r_ < 0)                                         \
			die_errno(#req, r_);                        \
	} while (0)

static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			die_errno("calloc", -1);
		c->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG)
			die_errno("KVM_GET_SUPPORTED_CPUID", -1);
	}
	die_errno("KVM_GET_SUPPORTED_CPUID (too many entries)", -1);
	return NULL;
}

int _vm_create_with_one_vcpu(struct vm *vm, struct vcpu *vcpu, size_t mem_size)
{
	struct kvm_userspace_memory_region slot;
	struct kvm_cpuid2 *cpuid;
	long run_size;

	memset(vm, 0, sizeof(*vm));
	memset(vcpu, 0, sizeof(*vcpu));
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return -errno;
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die_errno("KVM_GET_API_VERSION", -1);
	vm->fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		die_errno("KVM_CREATE_VM", vm->fd);

	vm->mem_size = mem_size;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED)
		die_errno("mmap guest memory", -1);
	/* exactly what is mapped: slot metadata is charged per page of slot */
	slot = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	IOCTL_OR_DIE(vm->fd, KVM_SET_USER_MEMORY_REGION, &slot);

	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vcpu->fd < 0)
		die_errno("KVM_CREATE_VCPU", vcpu->fd);
	/* long mode, NX and SYSCALL need their CPUID bits */
	cpuid = supported_cpuid(vm->kvm_fd);
	IOCTL_OR_DIE(vcpu->fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		die_errno("KVM_GET_VCPU_MMAP_SIZE", run_size);
	vcpu->run_size = (size_t)run_size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		die_errno("mmap kvm_run", -1);
	return 0;
}

void vm_destroy(struct vm *vm, struct vcpu *vcpu)
{
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
	close(vm->fd);
	munmap(vm->mem, vm->mem_size);
	close(vm->kvm_fd);
}

void vcpu_set_sregs(struct vcpu *vcpu, const struct kvm_sregs *s)
{
	IOCTL_OR_DIE(vcpu->fd, KVM_SET_SREGS, s);
}

void vcpu_set_regs(struct vcpu *vcpu, const struct kvm_regs *r)
{
	IOCTL_OR_DIE(vcpu->fd, KVM_SET_REGS, r);
}

void vcpu_set_msr(struct vcpu *vcpu, uint32_t index, uint64_t value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = { .hdr.nmsrs = 1, .e = { .index = index, .data = value } };
	if (ioctl(vcpu->fd, KVM_SET_MSRS, &m) != 1)
		die_errno("KVM_SET_MSRS", -1);
}

void vcpu_run(struct vcpu *vcpu)
{
	long r;
	do
		r = ioctl(vcpu->fd, KVM_RUN, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		die_errno("KVM_RUN", r);
}
