#!/usr/bin/env bash
# run-svm.sh: run a test list inside QEMU TCG with an AMD EPYC CPU that has
# SVM and nested paging; kvm-amd inside gives a real SVM+NPT /dev/kvm.
#
# Usage: tests/vm/run-svm.sh [LISTFILE...]
# Env:   VM_SVM_TIMEOUT  hard wall-clock limit for the machine in seconds (300)
#        VM_SVM_MEM      guest memory in MiB (1024)
#        VM_SVM_SMP      guest CPUs (1; 2 runs peer_apic's IPIs between vCPUs on
#                        two CPUs, but stalls the machine on a loaded host)
#        VM_CMDLINE_EXTRA  appended to the kernel command line
#        plus everything mkinitramfs.sh reads (VM_MODULES, VM_KVM_MODULES, ...)
# Output: build/vm/svm/console.log (serial console), build/vm/svm/qemu.log;
#         PASS/FAIL lines and `N passed, N failed`; exit 1 if anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-} in -h|--help) echo "usage: $0 [LISTFILE...]" >&2; exit 2 ;; esac
limit=${VM_SVM_TIMEOUT:-300}
need_tool qemu-system-x86_64 qemu-system-x86
need_tool timeout coreutils
need_tool setsid util-linux

out=$BUILD_DIR/vm/${VM_RUN_NAME:-svm}
mkdir -p "$out"
rm -f "$out/console.log" "$out/qemu.log"
t_start=$(date +%s)
vm_kernel_env
"$VM_DIR/mkinitramfs.sh" svm "$out/initrd.cpio.zst" "$@"
t_built=$(date +%s)

cmdline="$VM_CMDLINE_BASE ${VM_CMDLINE_EXTRA:-}"
vm_log "svm: booting $VM_KERNEL_VERSION under QEMU TCG (-cpu EPYC,+svm,+npt), limit ${limit}s"
# setsid: the emulator gets its own process group, so it (and only it) can be
# killed as a whole; timeout(1) is a second guard should this script die.
setsid timeout -k 5 $((limit + 30)) qemu-system-x86_64 \
    -accel tcg -cpu EPYC,+svm,+npt -smp "${VM_SVM_SMP:-1}" -m "${VM_SVM_MEM:-1024}" \
    -nodefaults -no-user-config -display none -monitor none -net none \
    -serial "file:$out/console.log" -no-reboot \
    -kernel "$VM_KERNEL_IMAGE" -initrd "$out/initrd.cpio.zst" -append "$cmdline" \
    </dev/null >"$out/qemu.log" 2>&1 &
pid=$!
trap 'kill_pid_tree "$pid"' EXIT
trap 'kill_pid_tree "$pid"; exit 143' INT TERM

await_machine svm "$pid" "$limit" 15 5 "$out/console.log"
status=$WAIT_STATUS
trap - EXIT INT TERM
t_end=$(date +%s)
if [ "$status" = exited ] && [ -s "$out/qemu.log" ]; then
    vm_log "svm: QEMU exited early:"; sed 's/^/[vm]   /' "$out/qemu.log" >&2
fi
boot_txt=never; [ -z "$BOOT_SECONDS" ] || boot_txt=${BOOT_SECONDS}s
vm_log "svm: initramfs $((t_built - t_start))s, boot to /init $boot_txt, machine total ${WAIT_SECONDS}s, status $status; console log: $out/console.log"
echo "== svm machine ($VM_KERNEL_VERSION): $* ($((t_end - t_start))s) =="
"$VM_DIR/parse-log.sh" "$out/console.log" "$status" "$@"
