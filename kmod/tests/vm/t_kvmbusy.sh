#!/bin/sh
# dune.ko and kvm_intel exclude each other cleanly: with a KVM VM alive,
# insmod dune.ko fails with one clear dmesg line; with dune.ko loaded, KVM
# cannot create a VM; nothing oopses. Leaves dune.ko loaded.
set -u
fail() { echo "t_kvmbusy: FAIL: $*"; touch /tmp/kvm.stop; exit 1; }
load_kvm() {
    modprobe kvm_intel 2>/dev/null && return 0
    modprobe kvm-intel 2>/dev/null && return 0
    for m in irqbypass kvm kvm-intel kvm_intel; do
        [ -f /modules/$m.ko ] && insmod /modules/$m.ko
    done
    grep -q '^kvm_intel ' /proc/modules
}
if ! load_kvm; then
    ls /modules/ | tr '\n' ' '; echo
    echo "t_kvmbusy: kvm_intel cannot be loaded here, skipped"; exit 0
fi
rm -f /tmp/kvm.ready /tmp/kvm.stop

# dune.ko loaded: KVM cannot get VMX
grep -q '^dune ' /proc/modules || insmod /modules/dune.ko || fail "insmod"
[ -e /dev/kvm ] || fail "no /dev/kvm after modprobe kvm_intel"
/tests/t_kvmhold - && fail "KVM created a VM while dune.ko holds VMX"

# a KVM VM alive: dune.ko refuses to load
rmmod dune || fail "rmmod dune"
/tests/t_kvmhold /tmp/kvm.ready /tmp/kvm.stop &
holder=$!
n=0
while [ ! -e /tmp/kvm.ready ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -e /tmp/kvm.ready ] || fail "KVM VM not created"
insmod /modules/dune.ko 2>/dev/null && fail "insmod dune.ko succeeded with VMX in use"
dmesg | grep 'dune: cannot enter VMX root' | tail -n 1
dmesg | grep -q 'dune: cannot enter VMX root.*in use' || fail "no clear dmesg line"
touch /tmp/kvm.stop
wait $holder || fail "KVM holder"

# KVM idle again: dune.ko loads and works
insmod /modules/dune.ko || fail "insmod after KVM released VMX"
/tests/t_basic >/dev/null || fail "t_basic after KVM"
rmmod kvm_intel 2>/dev/null
echo "t_kvmbusy: ok"
