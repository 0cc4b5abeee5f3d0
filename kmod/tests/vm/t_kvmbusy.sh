#!/bin/sh
# dune.ko and kvm_intel exclude each other cleanly, both ways, and nothing
# oopses: with dune.ko loaded, KVM gets no VMX (6.12's kvm_intel turns VMX
# on at load and refuses to load; 6.1's loads and refuses to create a VM);
# with a KVM VM alive, insmod dune.ko fails with one clear dmesg line; once
# kvm_intel is gone, dune.ko loads and works. Leaves dune.ko loaded.
set -u
fail() { echo "t_kvmbusy: FAIL: $*"; touch /tmp/kvm.stop; exit 1; }
[ -f /modules/kvm-intel.ko ] || { echo "t_kvmbusy: no kvm-intel.ko in /modules, skipped"; exit 0; }
unload_kvm() { rmmod kvm_intel 2>/dev/null; rmmod kvm 2>/dev/null; rmmod irqbypass 2>/dev/null; :; }
rm -f /tmp/kvm.ready /tmp/kvm.stop

# dune.ko holds VMX: KVM cannot have it
grep -q '^dune ' /proc/modules || insmod /modules/dune.ko || fail "insmod"
mark=$(dmesg | wc -l)
if modprobe kvm_intel 2>/dev/null; then
    [ -e /dev/kvm ] || fail "no /dev/kvm after modprobe kvm_intel"
    /tests/t_kvmhold - && fail "KVM created a VM while dune.ko holds VMX"
    echo "t_kvmbusy: kvm_intel loaded, KVM_CREATE_VM refused"
else
    grep -q '^kvm_intel ' /proc/modules && fail "modprobe failed but kvm_intel is loaded"
    dmesg | tail -n +$((mark + 1)) | grep -iE 'kvm.*(virtualization|vmx)' | tail -n 2
    dmesg | tail -n +$((mark + 1)) | grep -qiE 'kvm.*(virtualization|vmx).*(fail|busy|in use)' ||
        fail "kvm_intel failed to load without saying VMX was busy"
    echo "t_kvmbusy: kvm_intel refused to load"
fi
unload_kvm

# a KVM VM alive: dune.ko refuses to load
rmmod dune || fail "rmmod dune"
modprobe kvm_intel || fail "modprobe kvm_intel with VMX free"
/tests/t_kvmhold /tmp/kvm.ready /tmp/kvm.stop &
holder=$!
n=0
while [ ! -e /tmp/kvm.ready ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -e /tmp/kvm.ready ] || fail "KVM VM not created"
insmod /modules/dune.ko 2>/dev/null && fail "insmod dune.ko succeeded with VMX in use"
dmesg | grep 'dune: cannot enter VMX root' | tail -n 1
dmesg | grep -q 'dune: cannot enter VMX root.*in use' || fail "no clear dmesg line"
[ -e /dev/dune ] && fail "/dev/dune left by the failed insmod"
touch /tmp/kvm.stop
wait $holder || fail "KVM holder"

# kvm_intel gone: dune.ko loads and works
unload_kvm
grep -q '^kvm_intel ' /proc/modules && fail "rmmod kvm_intel"
insmod /modules/dune.ko || fail "insmod after KVM released VMX"
/tests/t_basic >/dev/null || fail "t_basic after KVM"
echo "t_kvmbusy: ok"
