#!/bin/sh
# conform.sh [options] DUNEBOX STRESSORS - runs stress-ng's stressors one at a
# time natively and in dunebox, each under a watchdog, and prints a table:
# stressor, native result, box result, and for a difference its documented
# reason (known.tsv) or "UNEXPLAINED". The last line is `N passed, N failed`:
# a stressor passes when its box result is the native one, or the one
# known.tsv documents for it; a stressor that does not pass natively is
# listed and not counted.
#
#   STRESSORS   a file of names (one a line, # comments), or "all": every
#               stressor this stress-ng has, less those in exclude.tsv
#   -o FILE     also write the table as tab-separated lines to FILE
#   -l DIR      keep each run's output in DIR/NAME.native, DIR/NAME.box
#   -n FILE     native results from an earlier run's -o FILE (not re-run)
#
# Environment: STRESS_NG (stress-ng's path), CONFORM_SECONDS (each stressor's
# --timeout, 2), CONFORM_WATCHDOG (seconds before a run counts as a hang, 60),
# CONFORM_DIR (where the runs' working directories go, /var/tmp),
# CONFORM_POLICY (a policy file for dunebox; the default policy otherwise).
# Plain POSIX sh: it also runs under busybox in the emulated machines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out= logs= native_from=
while [ $# -gt 2 ]; do
	case "$1" in
	-o) out=$2; shift 2 ;;
	-l) logs=$2; shift 2 ;;
	-n) native_from=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ $# -ne 2 ]; then
	echo "usage: conform.sh [-o TABLE.tsv] [-l LOGDIR] [-n NATIVE.tsv] DUNEBOX STRESSORS|all" >&2
	exit 2
fi
box=$(realpath "$1")
list=$2
sng=${STRESS_NG:-$(command -v stress-ng)}
secs=${CONFORM_SECONDS:-2}
watchdog=${CONFORM_WATCHDOG:-60}
base=${CONFORM_DIR:-/var/tmp}
policy=${CONFORM_POLICY:-}
if [ -z "$sng" ] || [ ! -x "$sng" ]; then
	echo "conform.sh: stress-ng not found; install it (apt-get install stress-ng) or set STRESS_NG" >&2
	exit 2
fi
[ -x "$box" ] || { echo "conform.sh: $1 is not an executable dunebox" >&2; exit 2; }
mkdir -p "$base"
[ -z "$logs" ] || mkdir -p "$logs"
[ -z "$out" ] || : >"$out"

names() {
	if [ "$list" = all ]; then
		"$sng" --stressors | tr ' ' '\n' | grep -v '^$' |
			grep -vxF -f "$(excluded_names)"
	else
		sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$list" | grep -v '^$'
	fi
}

excluded_names() { # a file of the names exclude.tsv lists
	f=$base/conform-excluded.$$
	cut -f1 "$here/exclude.tsv" | grep -v '^#' >"$f"
	echo "$f"
}

# Every process a run left behind carries its marker in its environment.
sweep() { # marker
	for env in $(grep -lsF "CONFORM_RUN=$1" /proc/[0-9]*/environ); do
		pid=${env#/proc/}
		pid=${pid%/environ}
		[ "$pid" = "$$" ] || kill -KILL "$pid" 2>/dev/null
	done
}

# One run: prints its result word (classify) and leaves the output in $2.
run_one() { # name, output file, then the command prefix (empty or dunebox ...)
	name=$1 log=$2
	shift 2
	dir=$(mktemp -d "$base/conform.XXXXXX")
	marker="$name.$$.${1:-native}"
	(cd "$dir" && CONFORM_RUN="$marker" && export CONFORM_RUN &&
		exec timeout -k 5 "$watchdog" "$@" "$sng" "--$name" 1 --timeout "$secs") \
		>"$log" 2>&1 </dev/null
	rc=$?
	sweep "$marker"
	rm -rf "$dir"
	classify "$rc" "$log"
}

# The result of one run: pass, skip (stress-ng declined: not supported or no
# resource here), fail, hang (the watchdog ended it), crash (libdune or the
# monitor gave up: an error of ours, never the program's), or killed-SIGNAL.
classify() { # exit status, output file
	if grep -Eq '^libdune: |a bug in dunebox|running the guest failed' "$2"; then
		echo crash
	elif [ "$1" = 124 ] || [ "$1" = 137 ]; then
		echo hang
	elif grep -Eqi 'skipped|No stress workers invoked|not implemented|not supported' "$2" &&
		! grep -q 'fail:' "$2"; then
		echo skip
	elif [ "$1" = 0 ]; then
		echo pass
	elif [ "$1" = 3 ] || [ "$1" = 4 ]; then
		echo skip
	elif [ "$1" -gt 128 ]; then
		echo "killed-$(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128)))"
	else
		echo "fail($1)"
	fi
}

# The first lines of a run's output that say what went wrong.
symptom() { # output file
	{ grep -E '^libdune: |a bug in dunebox|ended with SIG' "$1"
	  grep -E 'fail: |error: ' "$1"
	  grep -E 'blocked|denied' "$1"
	  head -n2 "$1"; } | head -n2 | tr '\n' ' ' | cut -c1-200
}

# known.tsv: NAME <tab> BOX-RESULT <tab> KIND <tab> REASON
known() { # name -> "result<tab>kind<tab>reason" or nothing
	grep "^$1	" "$here/known.tsv" 2>/dev/null | cut -f2- | head -n1
}

box_cmd() {
	if [ -n "$policy" ]; then
		echo "$box --policy $policy --rw ."
	else
		echo "$box --rw ."
	fi
}

pass=0 fail=0 natfail=0
start=$(date +%s)
printf '%-18s %-10s %-10s %s\n' STRESSOR NATIVE BOX REASON
tmpout=$(mktemp "$base/conform-out.XXXXXX")
for name in $(names); do
	nlog=${logs:+$logs/$name.native}
	nlog=${nlog:-$tmpout.n}
	blog=${logs:+$logs/$name.box}
	blog=${blog:-$tmpout.b}
	nat=
	[ -z "$native_from" ] || nat=$(grep "^$name	" "$native_from" | cut -f2 | head -n1)
	[ -n "$nat" ] || nat=$(run_one "$name" "$nlog")
	if [ "$nat" != pass ]; then
		got=- why="not run: does not pass natively here"
		[ -z "$native_from" ] && [ -s "$nlog" ] && why="$why ($(symptom "$nlog" | cut -c1-100))"
		natfail=$((natfail + 1))
	else
		# shellcheck disable=SC2046
		got=$(run_one "$name" "$blog" $(box_cmd))
		k=$(known "$name")
		why=
		if [ "$got" = "$nat" ]; then
			pass=$((pass + 1))
			[ -z "$k" ] || why="(documented as ${k%%	*}, now as natively)"
		elif [ -n "$k" ] && [ "${k%%	*}" = "$got" ]; then
			pass=$((pass + 1))
			why=${k#*	}
			why="${why%%	*}: ${why#*	}"
		else
			fail=$((fail + 1))
			why="UNEXPLAINED: $(symptom "$blog")"
			[ -z "$k" ] || why="$why (documented: $k)"
		fi
	fi
	printf '%-18s %-10s %-10s %s\n' "$name" "$nat" "$got" "$why"
	[ -z "$out" ] || printf '%s\t%s\t%s\t%s\n' "$name" "$nat" "$got" "$why" >>"$out"
done
rm -f "$tmpout" "$tmpout.n" "$tmpout.b" "$base/conform-excluded.$$"
echo "($natfail not passing natively, not run in the box; $(($(date +%s) - start)) s)"
if [ $((pass + fail)) = 0 ]; then
	echo "conform.sh: no stressor passed natively: stress-ng cannot run here (see the reasons above)"
	fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
