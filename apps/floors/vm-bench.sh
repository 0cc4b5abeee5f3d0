#!/bin/sh
# In the emulated machines (tests/vm): the floors on that machine's KVM and
# the bench (apps/bench) on libdune's host side there, as a bench that
# prints: times there are the emulator's, the exit counts hold. The VMX
# machine runs dune.ko, which holds VMX: kvm_intel takes its place for the
# floors, and dune.ko comes back for the bench.
set -u
FLOORS=/extra/floors
BENCH=/extra/bench
swapped=
if [ ! -e /dev/kvm ] && grep -q '^dune ' /proc/modules; then
    rmmod dune || { echo "vm-bench: FAIL: rmmod dune (is /dev/dune open?)"; exit 1; }
    # busybox modprobe may not follow dependencies: the chain by hand
    for m in irqbypass kvm kvm-intel kvm_intel; do
        [ -f "/modules/$m.ko" ] && insmod "/modules/$m.ko" 2>/dev/null
    done
    grep -q '^kvm_intel ' /proc/modules ||
        { echo "vm-bench: FAIL: kvm_intel does not load (/modules: $(ls /modules | tr '\n' ' '))"; insmod /modules/dune.ko; exit 1; }
    swapped=1
fi
echo "vm-bench: machine ${DUNE_IN_EMULATOR:-?}, KVM: $(grep -o -E '^kvm_(intel|amd)' /proc/modules | tr '\n' ' ')"
"$FLOORS"
rc=$?
if [ -n "$swapped" ]; then
    rmmod kvm_intel
    insmod /modules/dune.ko || { echo "vm-bench: FAIL: insmod dune.ko after the floors"; rc=1; }
fi
echo "vm-bench: the bench on libdune's host side here (the floors above; none below if"
echo "vm-bench: kvm_intel is not loaded, as with dune.ko)"
"$BENCH" || { echo "vm-bench: FAIL: bench"; rc=1; }
exit $rc
