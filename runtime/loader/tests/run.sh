#!/bin/sh
# Runs each cmocka test program, then sums up their verdicts in one line.
# A test is counted as failed unless cmocka says it passed: a failing
# teardown shows up only as "[  ERROR   ]", a crash as no summary at all.
passed=0 failed=0 log=$(mktemp)
for t in "$@"; do
	"$t" >"$log" 2>&1
	status=$?
	cat "$log"
	ran=$(sed -n 's/.*\[==========\] \([0-9][0-9]*\) test(s) run\..*/\1/p' "$log" | head -n 1)
	want=$(sed -n 's/.*\[==========\] Running \([0-9][0-9]*\) test(s)\..*/\1/p' "$log" | head -n 1)
	p=$(sed -n 's/.*\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$log" | head -n 1)
	total=${want:-${ran:-1}}
	f=$((total - ${p:-0}))
	[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + ${p:-0})) failed=$((failed + f))
done
rm -f "$log"
echo "loader: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
