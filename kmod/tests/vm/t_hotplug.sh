#!/bin/sh
# CPU hotplug with dune.ko loaded and a guest running: offline and online
# every CPU but 0 while t_migrate hops between CPUs. Skipped on one CPU
# (unless DUNE_TEST_CPUS says the machine has more).
set -u
fail() { echo "t_hotplug: FAIL: $*"; exit 1; }
cpus=$(ls -d /sys/devices/system/cpu/cpu[1-9]* 2>/dev/null)
if [ -z "$cpus" ]; then
    [ "${DUNE_TEST_CPUS:-1}" -le 1 ] || fail "one CPU online, the machine has $DUNE_TEST_CPUS"
    echo "t_hotplug: one CPU, skipped"; exit 0
fi
rm -f /tmp/t_hotplug.stop
/tests/t_migrate /tmp/t_hotplug.stop &
bg=$!
for round in 1 2 3; do
    for c in $cpus; do
        [ -w "$c/online" ] || continue
        echo "t_hotplug: round $round: $(basename $c) off"
        echo 0 >"$c/online" || fail "offline $c"
        sleep 0.5
        echo "t_hotplug: round $round: $(basename $c) on"
        echo 1 >"$c/online" || fail "online $c"
        sleep 0.5
    done
    echo "t_hotplug: round $round ok"
done
touch /tmp/t_hotplug.stop
wait $bg || fail "t_migrate during hotplug"
/tests/t_migrate || fail "t_migrate after hotplug"
echo "t_hotplug: ok"
