#!/bin/sh
# Load/unload cycles of dune.ko inside the VM (needs /modules/dune.ko and
# the module loaded at boot). rmmod must fail while a VM is open.
set -u
fail() { echo "t_loadunload: FAIL: $*"; exit 1; }
[ -f /modules/dune.ko ] || fail "no /modules/dune.ko"
grep -q '^dune ' /proc/modules || fail "dune not loaded at start"

# busy while a VM fd is open
exec 3</dev/dune || fail "open /dev/dune"
rmmod dune 2>/dev/null && fail "rmmod succeeded with /dev/dune open"
exec 3<&-

i=1
while [ $i -le 5 ]; do
    rmmod dune || fail "rmmod (cycle $i)"
    [ -e /dev/dune ] && fail "/dev/dune left after rmmod (cycle $i)"
    insmod /modules/dune.ko || fail "insmod (cycle $i)"
    n=0
    while [ ! -e /dev/dune ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    [ -e /dev/dune ] || fail "no /dev/dune after insmod (cycle $i)"
    if [ -x /tests/t_basic ]; then
        /tests/t_basic >/dev/null || fail "t_basic after reload (cycle $i)"
    fi
    echo "t_loadunload: cycle $i ok"
    i=$((i + 1))
done
echo "t_loadunload: ok"
