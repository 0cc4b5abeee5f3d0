#!/usr/bin/env bash
# parse-log.sh: turn a machine's serial console log into PASS/FAIL lines.
#
# Usage: tests/vm/parse-log.sh LOG [STATUS [LISTFILE...]]
#   STATUS    how the emulator run ended: done (reached @@DONE), timeout,
#             panic or exited; empty: taken from the log.
#   LISTFILE  the test lists the initramfs was built from; listed tests that
#             have no @@RESULT are reported as failures.
#
# Prints `PASS name` / `FAIL name` per test (and per boot module that failed to
# load), the output of every failing test, every kernel BUG/Oops/WARNING/panic/
# general protection fault line, then exactly one line `N passed, N failed`.
# Warnings listed in known-boot-warnings (emulator quirks) are only noted when
# they come before /init runs; the taint they leave is then not held against
# the tests.
# Exit status: 0 if nothing failed, 1 otherwise.
set -euo pipefail
log=${1:?usage: parse-log.sh LOG [STATUS [LISTFILE...]]}
status=${2:-}
shift $(( $# < 2 ? $# : 2 ))
[ -f "$log" ] || { echo "FAIL machine (no console log $log)"; echo "0 passed, 1 failed"; exit 1; }

expected=
for list in "$@"; do
    [ -f "$list" ] || continue
    expected="$expected $(awk '$1 != "" && $1 !~ /^#/ { print $1 }' "$list" | tr '\n' ' ')"
done

known=$(grep -v -e '^#' -e '^$' "$(dirname "$0")/known-boot-warnings" 2>/dev/null | paste -sd'|' || true)

tr -d '\r' <"$log" | awk -v expected="$expected" -v status="$status" -v known="$known" \
    -v maxlines="${VM_FAIL_OUTPUT_LINES:-150}" '
BEGIN {
    nexp = split(expected, want, " ")
    passed = 0; failed = 0; cur = ""; done = 0; booted = 0
}
{
    line = $0
    # Kernel trouble: a printk timestamp followed (anywhere later) by a marker.
    # User-space faults ("traps: prog[pid] general protection fault ...") are
    # the test'"'"'s own business and are not kernel errors.
    if (line ~ /\[ *[0-9]+\.[0-9]+\].*(BUG:|kernel BUG at|Oops|WARNING: CPU|WARNING: at|Kernel panic|general protection fault|Unable to handle kernel)/ &&
        line !~ /traps: .*\[[0-9]+\] general protection fault/) {
        if (!booted && known != "" && line ~ known) quirk[++nquirk] = line
        else { kern[++nkern] = line; kernin[nkern] = cur }
    }
    if (match(line, /@@BOOTED [0-9.]+/)) { booted = 1; boot_at = substr(line, RSTART + 9, RLENGTH - 9) }
    if (match(line, /@@BOOT_TAINT [0-9]+/)) { boot_taint = substr(line, RSTART + 13, RLENGTH - 13) + 0; next }
    if (match(line, /@@MODULE [^ ]+ [A-Z]+ -?[0-9]+/)) {
        split(substr(line, RSTART, RLENGTH), f, " ")
        if (f[3] != "OK") { modfail[++nmodfail] = f[2] " (insmod rc=" f[4] ")" }
        next
    }
    if (match(line, /@@BEGIN [^ ]+/)) {
        cur = substr(line, RSTART + 8, RLENGTH - 8)
        nout[cur] = 0; started[cur] = 1
        next
    }
    if (match(line, /@@TIME [^ ]+ [0-9.]+/)) {
        split(substr(line, RSTART, RLENGTH), f, " "); secs[f[2]] = f[3]; next
    }
    if (match(line, /@@RESULT [^ ]+ [A-Z]+ -?[0-9]+/)) {
        split(substr(line, RSTART, RLENGTH), f, " ")
        res[f[2]] = f[3]; rc[f[2]] = f[4]; order[++nres] = f[2]
        cur = ""
        next
    }
    if (match(line, /@@TAINT [0-9]+/)) { taint = substr(line, RSTART + 8, RLENGTH - 8) + 0; next }
    if (line ~ /^@@DONE/) { done = 1; cur = ""; next }
    if (cur != "") { out[cur, ++nout[cur]] = line }
}
function show_output(name,    i, from) {
    from = 1
    if (nout[name] > maxlines) {
        from = nout[name] - maxlines + 1
        printf "    | ... (%d earlier lines in the log)\n", from - 1
    }
    for (i = from; i <= nout[name]; i++) printf "    | %s\n", out[name, i]
}
END {
    if (status == "") status = done ? "done" : "unknown"
    for (i = 1; i <= nmodfail; i++) { printf "FAIL insmod:%s\n", modfail[i]; failed++ }
    for (i = 1; i <= nres; i++) {
        n = order[i]; t = (n in secs) ? sprintf(" (%ss)", secs[n]) : ""
        if (res[n] == "PASS") { printf "PASS %s%s\n", n, t; passed++ }
        else {
            why = (res[n] == "TIMEOUT") ? "timed out, killed" : "exit status " rc[n]
            printf "FAIL %s%s: %s\n", n, t, why; failed++
            show_output(n)
        }
    }
    # Listed tests that never reported a result.
    for (i = 1; i <= nexp; i++) {
        n = want[i]
        if (n in res) continue
        if (n in started) {
            printf "FAIL %s: started but no result (the machine stopped: %s)\n", n, status
            show_output(n)
        } else {
            printf "FAIL %s: did not run (the machine stopped: %s)\n", n, status
        }
        failed++
    }
    if (nkern > 0) {
        printf "FAIL kernel: %d BUG/Oops/WARNING/panic/GPF line(s) on the console:\n", nkern
        for (i = 1; i <= nkern && i <= 40; i++)
            printf "    ! %s%s\n", kern[i], (kernin[i] != "" ? "   (during test " kernin[i] ")" : "")
        failed++
    }
    for (i = 1; i <= nquirk; i++) printf "note: known emulator warning at boot: %s\n", quirk[i]
    # Taint flags that mean the kernel complained: B(32) D(128) W(512) L(16384) M(16);
    # those already set at boot by known warnings only do not count.
    if (taint != "" && nquirk > 0) {
        new = 0
        for (bit = 1; bit <= taint; bit *= 2)
            if (int(taint / bit) % 2 && !(int(boot_taint / bit) % 2)) new += bit
        taint = new
    }
    if (taint != "" && nkern == 0 && (int(taint / 16) % 2 || int(taint / 32) % 2 || int(taint / 128) % 2 ||
                        int(taint / 512) % 2 || int(taint / 16384) % 2)) {
        printf "FAIL kernel: tainted=%d (a WARNING, Oops, bad page, soft lockup or machine check happened; see the log)\n", taint
        failed++
    }
    if (!booted) { printf "FAIL machine: never reached /init (status: %s)\n", status; failed++ }
    else if (!done) { printf "FAIL machine: did not reach @@DONE (status: %s)\n", status; failed++ }
    printf "%d passed, %d failed\n", passed, failed
    exit failed ? 1 : 0
}'
