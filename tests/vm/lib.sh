# Shared helpers for the tests/vm scripts.  Sourced, not executed.
# shellcheck shell=bash

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The repository root: git if available, else two levels above tests/vm.
if REPO_ROOT=$(git -C "$VM_DIR" rev-parse --show-toplevel 2>/dev/null); then :; else
    REPO_ROOT=$(cd "$VM_DIR/../.." && pwd)
fi
BUILD_DIR=${VM_BUILD_DIR:-$REPO_ROOT/build}
VM_CACHE=${VM_CACHE:-$BUILD_DIR/vm-cache}

vm_log() { printf '[vm] %s\n' "$*" >&2; }
vm_die() { printf '[vm] ERROR: %s\n' "$*" >&2; exit 2; }

# need_tool TOOL PACKAGE [PATH-TO-CHECK-INSTEAD]
# Exits with a message naming the Debian package if TOOL is not available.
need_tool() {
    local tool=$1 pkg=$2
    if [ "${tool#/}" != "$tool" ]; then
        [ -e "$tool" ] && return 0
    elif command -v "$tool" >/dev/null 2>&1; then
        return 0
    fi
    printf '[vm] ERROR: %s not found; it comes from the Debian package %s.\n' "$tool" "$pkg" >&2
    printf '[vm]        Fix: apt-get install -y %s\n' "$pkg" >&2
    exit 3
}

# Kill a process group / process started by us (by PID only), then reap it.
kill_pid_tree() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# wait_console LOG PID LIMIT_SECONDS
# Waits until PID exits, LOG shows @@DONE or a kernel panic, or LIMIT seconds
# pass.  Sets WAIT_STATUS to exited|done|panic|timeout, WAIT_SECONDS (total)
# BOOT_SECONDS (until /init printed @@BOOTED; empty if it never did) and
# KERNEL_SECONDS (until the console's first byte: firmware, boot loader, decompression).
wait_console() {
    local log=$1 pid=$2 limit=$3 start now
    start=$(date +%s)
    WAIT_STATUS=timeout
    BOOT_SECONDS=
    KERNEL_SECONDS=
    while :; do
        now=$(date +%s)
        WAIT_SECONDS=$((now - start))
        if [ -z "$KERNEL_SECONDS" ] && [ -s "$log" ]; then KERNEL_SECONDS=$WAIT_SECONDS; fi
        if [ -z "$BOOT_SECONDS" ] && [ -f "$log" ] && grep -q '@@BOOTED' "$log" 2>/dev/null; then
            BOOT_SECONDS=$WAIT_SECONDS
        fi
        if [ -f "$log" ] && grep -q '^@@DONE' "$log" 2>/dev/null; then WAIT_STATUS="done"; break; fi
        if [ -f "$log" ] && grep -q 'Kernel panic' "$log" 2>/dev/null; then WAIT_STATUS=panic; break; fi
        if ! kill -0 "$pid" 2>/dev/null; then WAIT_STATUS=exited; break; fi
        if [ "$WAIT_SECONDS" -ge "$limit" ]; then WAIT_STATUS=timeout; break; fi
        sleep 1
    done
}

# wait_exit PID SECONDS: give a process time to exit by itself (0 if it did).
wait_exit() {
    local pid=$1 n=$(( $2 * 5 ))
    while [ $n -gt 0 ]; do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
        n=$((n - 1))
    done
    return 1
}

# Kernel command line shared by both machines: serial console, warnings and
# worse on the console (loglevel=5 keeps WARN output visible), timestamps
# (parse-log.sh relies on them), reboot at once on panic. Speculation
# mitigations are off unless VM_MITIGATIONS says otherwise (auto: the
# kernel's defaults, which dune.ko's entry/exit hardening follows).
VM_CMDLINE_BASE="console=ttyS0,115200 loglevel=5 printk.time=1 panic=-1 mitigations=${VM_MITIGATIONS:-off}"

# vm_kernel_env: the chosen kernel's VM_KERNEL_* lines into this shell
# (VM_KERNEL_META / VM_KERNEL_VERSION select it, see fetch-kernel.sh), and
# VM_KERNEL_VERSION exported so later scripts take the same one.
vm_kernel_env() {
    local env
    env=$("$VM_DIR/fetch-kernel.sh") || exit $?
    eval "$env"
    export VM_KERNEL_VERSION
}

# await_machine NAME PID LIMIT DONE_GRACE PANIC_GRACE CONSOLE
# Waits for the machine's console to finish, gives it DONE_GRACE (or
# PANIC_GRACE) seconds to stop by itself, then kills whatever is left.
# Sets WAIT_STATUS like wait_console.
await_machine() {
    local name=$1 pid=$2 limit=$3 done_grace=$4 panic_grace=$5 console=$6
    wait_console "$console" "$pid" "$limit"
    case $WAIT_STATUS in
        done)  wait_exit "$pid" "$done_grace" || vm_log "$name: machine did not power off after @@DONE; killing it" ;;
        panic) wait_exit "$pid" "$panic_grace" || true ;;
        timeout) vm_log "$name: *** machine did not finish within ${limit}s; killing it" ;;
    esac
    kill_pid_tree "$pid"
}
