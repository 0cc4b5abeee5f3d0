#!/bin/sh
# Runs last: the kernel log since userspace started (boot-time messages are
# parse-log.sh's business) must show no BUG, Oops, WARNING or similar. The
# backtraces t_nmi asks for are expected: between its markers only their
# Call Trace and RIP lines are allowed.
log=$(dmesg | awk '/vm-init: userspace started/ { on = 1 } on')
[ -n "$log" ] || log=$(dmesg)
echo "t_console: $(echo "$log" | grep -c 'dune:') lines from dune in dmesg"
bad=$(echo "$log" | awk '
    /t_nmi: NMI backtraces requested/ { nmi = 1 }
    /t_nmi: NMI backtraces done/ { nmi = 0 }
    /BUG:|Oops|WARNING:|general protection|kernel BUG|soft lockup|hard LOCKUP|refcount_t|list_del corruption|Bad page/ { print; next }
    !nmi && /Call Trace|RIP: 0010/ { print }')
if [ -n "$bad" ]; then
    echo "t_console: FAIL: the kernel log shows:"
    echo "$bad" | head -n 40
    exit 1
fi
echo "t_console: ok (no BUG/Oops/WARNING in dmesg)"
