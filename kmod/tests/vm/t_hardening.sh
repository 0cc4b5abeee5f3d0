#!/bin/sh
# dune.ko's entry/exit hardening follows what the running kernel decided
# (kmod/README.md, Hardening): the `hardening` parameter against the
# kernel's own report in /sys/devices/system/cpu/vulnerabilities and
# /proc/cmdline, then a guest run must show the paths taken in
# `hardening_counts` (VERW on every entry, L1D flushes when asked).
set -u
fail() { echo "t_hardening: FAIL: $*"; exit 1; }
P=/sys/module/dune/parameters
V=/sys/devices/system/cpu/vulnerabilities
[ -r $P/hardening ] || fail "no $P/hardening"
h=$(cat $P/hardening)
echo "t_hardening: dune: $h"
for f in mds tsx_async_abort mmio_stale_data reg_file_data_sampling l1tf spectre_v2 vmscape; do
    [ -r $V/$f ] && echo "t_hardening: kernel: $f: $(cat $V/$f)"
done
vuln() { cat $V/$1 2>/dev/null; }
field() { echo "$h" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
expect() {  # NAME WANTED...
    n=$1; shift; got=$(field "$n")
    for w in "$@"; do [ "$got" = "$w" ] && return 0; done
    fail "$n=$got, expected $* from the kernel's report"
}
cmdline=$(cat /proc/cmdline)
off=
case " $cmdline " in *" mitigations=off "*) off=1 ;; esac

# CPU buffers (MDS, TAA, RFDS: before every entry; MMIO stale data: with host MMIO)
if vuln mds | grep -q 'Clear CPU buffers' || vuln tsx_async_abort | grep -q 'Clear CPU buffers' ||
   vuln reg_file_data_sampling | grep -q 'Clear Register File'; then
    expect verw always
elif vuln mmio_stale_data | grep -q 'Clear CPU buffers'; then
    expect verw always if-mmio
else
    expect verw off
fi

# L1TF: the kernel's l1tf= choice
l1tf=$(vuln l1tf)
case $l1tf in
    ''|'Not affected'*) expect l1d_flush off ;;
    *)
        if [ -n "$off" ] || echo " $cmdline " | grep -q ' l1tf=off '; then expect l1d_flush off
        elif echo " $cmdline " | grep -q ' l1tf=full'; then expect l1d_flush always/sw always/msr
        else expect l1d_flush cond/sw cond/msr
        fi ;;
esac

# RSB: retpolines or IBRS fill it on every VM exit; eIBRS with PBRSB needs one entry
s2=$(vuln spectre_v2)
case $s2 in
    *Retpolines*|*'Mitigation: IBRS'*) expect rsb full ;;
    *'PBRSB-eIBRS: SW sequence'*) expect rsb one ;;
    *) expect rsb off ;;
esac
case $s2 in *'KVM: SW loop'*) expect bhb_clear on ;; *) expect bhb_clear off ;; esac
case $(vuln vmscape) in *'IBPB before exit to userspace'*) expect ibpb_exit_to_user on ;;
    *) expect ibpb_exit_to_user off ;; esac
if grep -qw ospke /proc/cpuinfo; then expect pkru switch; else expect pkru off; fi
if grep -qwE 'ibrs|ssbd|spec_ctrl|virt_ssbd' /proc/cpuinfo; then
    expect spec_ctrl switch switch/kernel-ibrs
else
    expect spec_ctrl off
fi

# the paths run: counts move with a guest run
count() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" $P/hardening_counts; }
e0=$(count entries) v0=$(count verw) l0=$(count l1d_flush)
/tests/t_basic >/dev/null || fail "t_basic"
e1=$(count entries) v1=$(count verw) l1=$(count l1d_flush)
echo "t_hardening: one t_basic: $((e1 - e0)) entries, $((v1 - v0)) VERW, $((l1 - l0)) L1D flushes"
[ $((e1 - e0)) -gt 0 ] || fail "no entries counted"
case $(field verw) in
    always) [ $((v1 - v0)) -eq $((e1 - e0)) ] || fail "VERW on $((v1 - v0)) of $((e1 - e0)) entries" ;;
    off) [ $((v1 - v0)) -eq 0 ] || fail "VERW counted with verw=off" ;;
esac
case $(field l1d_flush) in
    cond*) [ $((l1 - l0)) -gt 0 ] && [ $((l1 - l0)) -le $((e1 - e0)) ] ||
        fail "$((l1 - l0)) conditional L1D flushes for $((e1 - e0)) entries" ;;
    always*) [ $((l1 - l0)) -eq $((e1 - e0)) ] || fail "L1D flushed on $((l1 - l0)) of $((e1 - e0)) entries" ;;
    off) [ $((l1 - l0)) -eq 0 ] || fail "L1D flushes counted with l1d_flush=off" ;;
esac
echo "t_hardening: ok"
