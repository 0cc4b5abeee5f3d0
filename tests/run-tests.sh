#!/usr/bin/env bash
# run-tests.sh BIN... - runs each test program under a watchdog, prints
# PASS/FAIL per program (with the output of failures) and a summary line.
set -u
limit=${TEST_TIMEOUT:-180}
pass=0
fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	log=$(mktemp)
	timeout --kill-after=10 "$limit" "$bin" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		[ $rc -eq 124 ] && echo "(timed out after ${limit}s)" >>"$log"
		echo "FAIL $name (exit $rc)"
		sed 's/^/    /' "$log"
		fail=$((fail + 1))
	fi
	rm -f "$log"
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
