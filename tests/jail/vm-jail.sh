#!/bin/sh
# In the emulated machine: the outer layer's attempts as root (files from
# /extra, tests/jail/jail.mk). The initramfs mounts no cgroups: cgroup v2 is
# mounted here so the box's limits go through it (as root, the kernel does
# not count processes against RLIMIT_NPROC). Bochs (vmx) is slow: there one
# attempt of each kind, the monitor's fork (dune.ko's reopened device) too.
export BOX_TEST_DIR=/var/tmp BOX_TEST_TIMEOUT=120 PATH=/usr/bin:/bin:/sbin
mkdir -p /sys/fs/cgroup
grep -q ' /sys/fs/cgroup ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
list=/extra/jail-tests.list
if [ "${DUNE_IN_EMULATOR:-}" = vmx ]; then
	grep -E '^(files|reopen-stdin|devices|processes|limits|network|never-seccomp|monitor-outlive) ' \
		"$list" >/tmp/jail-vmx.list
	list=/tmp/jail-vmx.list
fi
exec sh /extra/attempts.sh /extra/dunebox-test /extra/jailbreak "$list"
