// SPDX-License-Identifier: GPL-2.0
/*
 * Helper for t_kvmbusy.sh: `t_kvmhold READYFILE STOPFILE` creates a KVM VM
 * (kvm_intel turns VMX on), creates READYFILE, holds the VM until STOPFILE
 * exists. `t_kvmhold -` only tries to create a VM and reports the errno.
 * Without arguments (as a listed test, so the harness copies it in) it
 * does nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(int argc, char **argv)
{
	struct stat st;
	int kvm, vm;

	alarm(300);
	if (argc == 1) {
		printf("t_kvmhold: helper of t_kvmbusy.sh, nothing to do alone\n");
		return 0;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("t_kvmhold: open /dev/kvm: %s\n", strerror(errno));
		return 2;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (argc == 2 && strcmp(argv[1], "-") == 0) {
		printf("t_kvmhold: KVM_CREATE_VM: %s\n", vm < 0 ? strerror(errno) : "ok");
		return vm < 0 ? 1 : 0;
	}
	if (vm < 0 || argc != 3) {
		printf("t_kvmhold: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	close(open(argv[1], O_CREAT | O_WRONLY, 0600));
	while (stat(argv[2], &st) != 0)
		usleep(10000);
	close(vm);
	close(kvm);
	return 0;
}
