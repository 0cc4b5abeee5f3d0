#!/bin/sh
# Runs last: the kernel log must show no BUG, Oops, WARNING or similar.
log=$(dmesg)
echo "t_console: $(echo "$log" | grep -c 'dune:') lines from dune in dmesg"
bad=$(echo "$log" | grep -E 'BUG:|Oops|WARNING:|general protection|Call Trace|RIP: 0010|kernel BUG|soft lockup|hard LOCKUP|refcount_t|list_del corruption|Bad page')
if [ -n "$bad" ]; then
    echo "t_console: FAIL: the kernel log shows:"
    echo "$bad" | head -n 40
    exit 1
fi
echo "t_console: ok (no BUG/Oops/WARNING in dmesg)"
