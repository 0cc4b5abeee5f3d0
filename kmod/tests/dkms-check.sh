#!/usr/bin/env bash
# dkms-check.sh: `dkms add`, `dkms build`, `dkms install` of kmod/ with its
# dkms.conf against Debian's 6.1 and 6.12 kernel headers (the packages
# tests/vm/fetch-kernel.sh extracts), in private trees under build/dkms/:
# nothing in /var/lib/dkms, /usr/src or /lib/modules changes. Then the
# refusals: dkms for a kernel dkms.conf excludes, kbuild (supported.mk) for
# headers of unsupported versions, each with one clear line.
#
# Usage: kmod/tests/dkms-check.sh      (from anywhere)
# Env:   DKMS_KERNELS  kernel metapackages (linux-image-amd64 linux-image-6.12-amd64)
# Prints PASS/FAIL lines and `N passed, N failed`; exit 1 if anything failed.
set -uo pipefail
kmod=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$kmod/.." && pwd)
build=${VM_BUILD_DIR:-$repo/build}
work=$build/dkms
pass=0 fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; shift; for l in "$@"; do echo "    | $l"; done; fail=$((fail + 1)); }

command -v dkms >/dev/null || { echo "FAIL dkms: not installed; Fix: apt-get install -y dkms"; echo "0 passed, 1 failed"; exit 1; }
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$kmod/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$kmod/dkms.conf")

rm -rf "$work"
mkdir -p "$work/tree" "$work/src" "$work/root/lib/modules"
dkms=(dkms --dkmstree "$work/tree" --sourcetree "$work/src" --installtree "$work/root/lib/modules")

if out=$("${dkms[@]}" add "$kmod" 2>&1); then ok "dkms-add"
else bad "dkms-add" "$out"; fi

first_kdir=
for meta in ${DKMS_KERNELS:-linux-image-amd64 linux-image-6.12-amd64}; do
    env=$(VM_KERNEL_META=$meta "$repo/tests/vm/fetch-kernel.sh" 2>"$work/fetch.log") ||
        { bad "dkms-$meta" "fetching the kernel headers failed:" "$(tail -n 5 "$work/fetch.log")"; continue; }
    kver=$(printf '%s\n' "$env" | sed -n 's/^VM_KERNEL_VERSION=//p')
    kdir=$(printf '%s\n' "$env" | sed -n 's/^VM_KDIR=//p')
    [ -n "$first_kdir" ] || first_kdir=$kdir
    mkdir -p "$work/root/lib/modules/$kver"

    log=$work/build-$kver.log
    if "${dkms[@]}" build -m "$name" -v "$ver" -k "$kver" --kernelsourcedir "$kdir" >"$log" 2>&1; then
        ko=$work/tree/$name/$ver/$kver/x86_64/module/$name.ko
        [ -f "$ko" ] || ko=$(ls "$ko".* 2>/dev/null | head -n1)
        magic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
        if [ "${magic%% *}" = "$kver" ]; then ok "dkms-build-$kver"
        else bad "dkms-build-$kver" "built module $ko has vermagic '$magic'"; fi
    else
        bad "dkms-build-$kver" "$(tail -n 20 "$log")" \
            "$(tail -n 20 "$work/tree/$name/$ver/build/make.log" 2>/dev/null)"
        continue
    fi

    # depmod runs below, on the private tree (dkms would run it on /lib/modules)
    log=$work/install-$kver.log
    if "${dkms[@]}" install --no-depmod -m "$name" -v "$ver" -k "$kver" --kernelsourcedir "$kdir" \
           >"$log" 2>&1 &&
       inst=$(ls "$work/root/lib/modules/$kver/updates/dkms/$name.ko"* 2>/dev/null | head -n1) &&
       [ -n "$inst" ] && depmod -b "$work/root" "$kver" 2>>"$log" &&
       grep -q "^updates/dkms/$name.ko" "$work/root/lib/modules/$kver/modules.dep"; then
        ok "dkms-install-$kver"
    else
        bad "dkms-install-$kver" "$(tail -n 20 "$log")"
    fi
    status=$("${dkms[@]}" status -m "$name" -v "$ver" -k "$kver" 2>&1)
    case $status in *installed*) ok "dkms-status-$kver" ;; *) bad "dkms-status-$kver" "$status" ;; esac
done

# refusals
if [ -n "$first_kdir" ]; then
    out=$("${dkms[@]}" build -m "$name" -v "$ver" -k 6.6.0-99-amd64 --kernelsourcedir "$first_kdir" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q 'BUILD_EXCLUSIVE'; then ok "dkms-refuses-6.6"
    else bad "dkms-refuses-6.6" "dkms build for 6.6 gave rc=$rc:" "$out"; fi
fi
kbuild_check() {  # NAME VERSION PATCHLEVEL SUBLEVEL WANT(ok|TEXT)
    local out
    out=$(make -s -f "$kmod/supported.mk" --eval 'supported: ; @echo supported' supported \
          VERSION=$2 PATCHLEVEL=$3 SUBLEVEL=$4 KERNELRELEASE=$2.$3.$4-test 2>&1)
    if [ "$5" = ok ]; then
        [ "$out" = supported ] && ok "$1" || bad "$1" "$out"
    elif printf '%s' "$out" | grep -q "$5" && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ]; then
        ok "$1"
    else
        bad "$1" "expected one line saying '$5':" "$out"
    fi
}
kbuild_check kbuild-accepts-6.1.192 6 1 192 ok
kbuild_check kbuild-accepts-6.12.118 6 12 118 ok
kbuild_check kbuild-refuses-6.6 6 6 0 'dune.ko supports Linux 6.1 (6.1.78 or later) and 6.12; these headers are 6.6.0-test'
kbuild_check kbuild-refuses-6.1.50 6 1 50 'lacks the FPU helpers'
kbuild_check kbuild-refuses-5.10 5 10 0 'dune.ko supports Linux 6.1'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
