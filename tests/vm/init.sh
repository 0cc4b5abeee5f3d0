#!/bin/sh
# /init of the test initramfs (copied in by tests/vm/mkinitramfs.sh).
#
# Console protocol, one marker per line (the host side greps for them):
#   @@BOOTED <uptime>            userspace started
#   @@BOOT_TAINT <value>         /proc/sys/kernel/tainted at that point
#   @@MODULE <name> OK|FAIL <rc> one per module loaded at boot
#   @@BEGIN <name>               a test starts; its output follows
#   @@TIME <name> <seconds>      wall time of the test
#   @@RESULT <name> PASS|FAIL|TIMEOUT <rc>
#   @@TAINT <value>              /proc/sys/kernel/tainted after the tests
#   @@DONE                       all finished; the machine powers off next
/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname vm

. /etc/vm.conf
echo
echo "@@BOOTED $(cut -d' ' -f1 /proc/uptime)"
# what the kernel said before userspace (emulator quirks, see parse-log.sh)
# is told apart from what the tests cause
echo "@@BOOT_TAINT $(cat /proc/sys/kernel/tainted)"
echo "vm-init: userspace started" >/dev/kmsg
echo "vm-init: kernel $(uname -r), machine $DUNE_IN_EMULATOR, cpu flags:" \
     $(grep -o -w -E 'vmx|svm|ept|vpid|npt|ept_ad|flexpriority|nrip_save' /proc/cpuinfo | sort -u)

# Modules: /modules/load.list names the .ko files to insmod at boot, in order.
if [ -s /modules/load.list ]; then
    while read -r mod; do
        [ -n "$mod" ] || continue
        insmod "/modules/$mod.ko"
        rc=$?
        if [ $rc -eq 0 ]; then
            echo "@@MODULE $mod OK 0"
        else
            echo "vm-init: *** insmod /modules/$mod.ko FAILED (rc=$rc)"
            echo "@@MODULE $mod FAIL $rc"
        fi
    done </modules/load.list
fi
if [ -e /dev/kvm ]; then echo "vm-init: /dev/kvm present"; else echo "vm-init: no /dev/kvm"; fi
[ -e /dev/dune ] && echo "vm-init: /dev/dune present"

cd /tmp || exit 1
# Each line of /tests/tests.list: NAME TIMEOUT_SECONDS.  A test runs in its own
# session (so a timeout kills its children too) with stdin from /dev/null.
while read -r name limit; do
    [ -n "$name" ] || continue
    echo
    echo "@@BEGIN $name"
    rm -f /tmp/.vm-timedout
    t0=$(cut -d' ' -f1 /proc/uptime)
    setsid "/tests/$name" </dev/null &
    pid=$!
    ( sleep "$limit"
      if kill -0 "$pid" 2>/dev/null; then
          : >/tmp/.vm-timedout
          echo
          echo "vm-init: *** $name still running after ${limit}s, killing it; its tasks and the CPUs:"
          # where it hangs: blocked tasks, the test's own tasks, every CPU
          echo w >/proc/sysrq-trigger
          for t in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$pid" '$5 == g { print $1 }'); do
              echo "vm-init: task $t ($(cat /proc/$t/comm 2>/dev/null)):"; cat /proc/$t/stack 2>/dev/null
          done
          echo l >/proc/sysrq-trigger
          dmesg | tail -n 150
          kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
      fi ) </dev/null &
    wd=$!
    wait "$pid"
    rc=$?
    kill "$wd" 2>/dev/null
    wait "$wd" 2>/dev/null
    # Leftover children of the test (same process group) go too.
    kill -KILL -"$pid" 2>/dev/null
    t1=$(cut -d' ' -f1 /proc/uptime)
    if [ -e /tmp/.vm-timedout ]; then res=TIMEOUT
    elif [ $rc -eq 0 ]; then res=PASS
    else res=FAIL; fi
    echo
    echo "@@TIME $name $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}")"
    echo "@@RESULT $name $res $rc"
done </tests/tests.list

echo "@@TAINT $(cat /proc/sys/kernel/tainted)"
sync
echo "@@DONE"
sleep 2 # let the serial port drain before the machine goes
poweroff -f
# poweroff should not return; make sure the machine stops anyway.
echo o >/proc/sysrq-trigger
sleep 5
