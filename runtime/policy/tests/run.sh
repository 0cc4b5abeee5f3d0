#!/bin/sh
# run.sh TEST... - runs the cmocka programs, shows their output, and ends
# with one summary line over all of them. Fails if any test did.
run=0
ok=0
bad=""
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	r=$(printf '%s\n' "$out" | grep -c '^\[ RUN      \]')
	o=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
	run=$((run + r))
	ok=$((ok + o))
	[ $rc -ne 0 ] || [ "$r" -ne "$o" ] && bad="$bad $(basename "$t")"
done
echo "policy tests: $run run, $ok passed, $((run - ok)) failed in $# programs${bad:+ (failing:$bad)}"
[ -z "$bad" ]
