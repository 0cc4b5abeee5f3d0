#!/usr/bin/env bash
# startup.sh - what dunebox's outer layer (the jail) costs at start-up:
# /bin/true natively, under dunebox --inner-only (the monitor alone), under
# dunebox (monitor and jail), under the test build's --jail-native (the jail
# alone, no monitor; if given) and under gVisor (runsc do), in rounds that
# take turns, so every runner sees the same machine. Prints the medians of
# the rounds' means, ratios to native, and the date. Not a test.
#   startup.sh DUNEBOX [DUNEBOX_TEST] [ROUNDS] [RUNS_PER_ROUND]
set -u
dunebox=$(realpath "${1:?usage: startup.sh DUNEBOX [DUNEBOX_TEST] [ROUNDS] [RUNS]}")
dtest=${2:+$(realpath "$2")}
rounds=${3:-5}
runs=${4:-10}
here=$(cd "$(dirname "$0")" && pwd)
spawn=${SPAWNLOOP:-$here/../../build/boxbench/spawnloop}
work=$(mktemp -d /var/tmp/startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

declare -A cmd
names=(native inner-only jail+monitor)
cmd[native]=""
cmd[inner-only]="$dunebox --inner-only --rw $work --"
cmd[jail+monitor]="$dunebox --rw $work --"
if [ -n "$dtest" ]; then
	names+=(jail-only)
	cmd[jail-only]="$dtest --jail-native --rw $work --"
fi
runsc_flags=""
if command -v runsc >/dev/null; then
	for f in "--rootless --network=none" "--network=none"; do
		# shellcheck disable=SC2086
		runsc $f do /bin/true >/dev/null 2>&1 && { runsc_flags=$f; break; }
	done
	[ -n "$runsc_flags" ] && { names+=(gvisor); cmd[gvisor]="runsc $runsc_flags do"; }
fi

declare -A samples
for ((r = 0; r < rounds; r++)); do
	for n in "${names[@]}"; do
		# shellcheck disable=SC2086
		out=$("$spawn" "$runs" 120 ${cmd[$n]} /bin/true 2>&1) || { echo "$n: failed: $out" | head -3; continue; }
		mean=$(awk '$1 == "mean_ns" {print $2}' <<<"$out")
		samples[$n]+="$mean "
	done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
echo "start-up of /bin/true, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $rounds rounds of $runs runs each (rounds take turns)"
base=$(median <<<"${samples[native]}")
printf '%-14s %12s %10s\n' runner "ms" "x native"
for n in "${names[@]}"; do
	m=$(median <<<"${samples[$n]:-}")
	[ -n "$m" ] || { printf '%-14s %12s\n' "$n" failed; continue; }
	awk -v n="$n" -v m="$m" -v b="$base" 'BEGIN { printf "%-14s %12.3f %10.1f\n", n, m / 1e6, m / b }'
done
j=$(median <<<"${samples[jail+monitor]:-}") i=$(median <<<"${samples[inner-only]:-}")
[ -n "$j" ] && [ -n "$i" ] && awk -v j="$j" -v i="$i" \
	'BEGIN { printf "the jail adds %.2f ms to a dunebox start (%.2fx the monitor alone)\n", (j - i) / 1e6, j / i }'
