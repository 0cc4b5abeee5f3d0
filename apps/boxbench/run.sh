#!/usr/bin/env bash
# run.sh - the same workloads natively, under dunebox and under gVisor (runsc),
# printed as one table. A runner that is slow or broken never stops the bench:
# its cell reads "failed: <reason>".
set -u
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${BOXBENCH_OUT:-$HERE/../../build/boxbench}
DUNEBOX=${DUNEBOX:-}
FLOORS=${FLOORS:-}      # apps/floors binary: this host's floors, before and after
RUNSC=${RUNSC-runsc}
REPS=${REPS:-3}
TIMEOUT=${TIMEOUT:-30}  # seconds for any one run
SLOW=${SLOW:-8}         # a run slower than this is not repeated
NOTES=${NOTES:-$HERE/notes.txt}
SYS_N=${SYS_N:-10000}
FAULT_MB=${FAULT_MB:-64}
FAULT_ROUNDS=${FAULT_ROUNDS:-4}
SQL_ROWS=${SQL_ROWS:-100000}
GZ_MB=${GZ_MB:-10}
START_N=${START_N:-20}

usage() {
	cat <<EOF
usage: run.sh [--dunebox PATH] [--floors PATH] [--runsc PATH|none] [--reps N] [--timeout S] [--quick]
environment (same meaning): DUNEBOX (empty: column skipped), FLOORS (the floors
  binary; empty: no floor column), RUNSC ("none": skipped),
  REPS=$REPS, TIMEOUT=$TIMEOUT s a run, SLOW=$SLOW s (a slower run is not repeated),
  BOXBENCH_OUT=build/boxbench, NOTES=apps/boxbench/notes.txt,
  sizes: SYS_N=$SYS_N FAULT_MB=$FAULT_MB FAULT_ROUNDS=$FAULT_ROUNDS SQL_ROWS=$SQL_ROWS GZ_MB=$GZ_MB START_N=$START_N
writes: \$BOXBENCH_OUT/results.tsv (medians), raw.tsv (every run), floors.tsv, boxbench.png
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--dunebox) DUNEBOX=$2; shift ;;
	--floors) FLOORS=$2; shift ;;
	--runsc) RUNSC=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--quick) REPS=1 SYS_N=2000 FAULT_ROUNDS=1 SQL_ROWS=20000 GZ_MB=2 START_N=5 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'; see run.sh --help" >&2; exit 2 ;;
	esac
	shift
done

mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
BIN=$OUT
if ! make -s -C "$HERE" O="$OUT" >&2; then
	echo "run.sh: building the workloads failed; run make -C $HERE and fix the error" >&2
	exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/boxbench.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

RUNNERS=(native dunebox gvisor)
declare -A TITLE=([native]=native [dunebox]=dunebox [gvisor]=gVisor)
declare -A STATE  # runner -> "" (usable) or "skipped: ..." / "failed: ..."
declare -A HOW    # runner -> how it is invoked, for the footnotes
RUNSC_CMD=()

# reason RC ERRFILE: one line saying why a run failed
reason() {
	local rc=$1 last
	last=$(grep -v '^[[:space:]]*$' "$2" 2>/dev/null | tail -n 1 | tr '\t' ' ' | cut -c1-160)
	case $rc in
	124 | 137) echo "timeout after ${TIMEOUT}s" ;;
	126 | 127) echo "cannot execute: $last" ;;
	*) if [ "$rc" -gt 128 ]; then echo "killed by signal $((rc - 128)) $last"; else echo "exit $rc: $last"; fi ;;
	esac
}

# run_cmd TAG STDIN CMD...: runs CMD under timeout(1);
# sets RUN_S (wall seconds), RUN_OUT (stdout file), RUN_FAIL (empty on success)
run_cmd() {
	local tag=$1 in=$2 t0 t1 rc
	shift 2
	RUN_OUT=$WORK/$tag.out
	t0=$EPOCHREALTIME
	timeout -k 5 "$TIMEOUT" "$@" <"$in" >"$RUN_OUT" 2>"$WORK/$tag.err"
	rc=$?
	t1=$EPOCHREALTIME
	RUN_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
	RUN_FAIL=
	[ "$rc" = 0 ] || RUN_FAIL=$(reason "$rc" "$WORK/$tag.err")
}

# prefix RUNNER: sets PFX, the words put in front of a program to run it there
prefix() {
	case $1 in
	native) PFX=() ;;
	dunebox) PFX=("$DUNEBOX" --rw "$WORK" --) ;;
	gvisor) PFX=("${RUNSC_CMD[@]}") ;;
	esac
}

# --- which runners work here ---------------------------------------------
HOW[native]="the program itself"
if [ -z "$DUNEBOX" ]; then
	STATE[dunebox]="skipped: DUNEBOX not set (make -C apps/boxbench bench DUNEBOX=/path/to/dunebox)"
elif [ ! -x "$DUNEBOX" ]; then
	STATE[dunebox]="failed: DUNEBOX=$DUNEBOX is not an executable file"
else
	HOW[dunebox]="$DUNEBOX --rw WORKDIR -- PROGRAM"
	run_cmd probe /dev/null "$DUNEBOX" --rw "$WORK" -- /bin/true
	[ -z "$RUN_FAIL" ] || STATE[dunebox]="failed: /bin/true: $RUN_FAIL"
fi

if [ -z "$RUNSC" ] || [ "$RUNSC" = none ]; then
	STATE[gvisor]="skipped: RUNSC=none"
elif ! command -v "$RUNSC" >/dev/null 2>&1; then
	STATE[gvisor]="skipped: $RUNSC not installed (apt-get install runsc)"
else
	# rootless first (as asked), then the fallbacks; the first that starts /bin/true wins
	first_fail=
	for flags in "--rootless --network=none" "--network=none" \
		"--rootless --network=none --platform=ptrace"; do
		read -r -a f <<<"$flags"
		run_cmd probe /dev/null "$RUNSC" "${f[@]}" do /bin/true
		if [ -z "$RUN_FAIL" ]; then
			RUNSC_CMD=("$RUNSC" "${f[@]}" do)
			HOW[gvisor]="${RUNSC_CMD[*]} PROGRAM"
			[ -z "$first_fail" ] || HOW[gvisor]+=" (--rootless failed: $first_fail)"
			break
		fi
		[ -n "$first_fail" ] || first_fail=$RUN_FAIL
	done
	[ ${#RUNSC_CMD[@]} -gt 0 ] || STATE[gvisor]="failed: runsc --rootless --network=none do /bin/true: $first_fail"
fi

# --- inputs, made the same way on every run ----------------------------------
"$BIN/gendata" $((GZ_MB << 20)) >"$WORK/data.txt"
awk -v n="$SQL_ROWS" 'BEGIN {
	print "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, s TEXT);"
	print "CREATE INDEX t_k ON t(k);"
	print "BEGIN;"
	x = 12345
	for (i = 1; i <= n; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		printf "INSERT INTO t(k, s) VALUES(%d, \047row-%d-%x\047);\n", x % 10007, i, x
	}
	print "COMMIT;"
	print "SELECT count(*), sum(k), max(length(s)) FROM t;"
	print "SELECT k % 7, count(*), avg(length(s)) FROM t GROUP BY 1 ORDER BY 1;"
}' >"$WORK/insert.sql"

# --- workloads: each records its rows for one runner and one repetition ------
RAW=$OUT/raw.tsv
printf 'runner\tworkload\trep\tvalue\tstatus\n' >"$RAW"
declare -A ROWS=(
	[syscall]="syscall.getppid syscall.devnull_write syscall.pipe_roundtrip syscall.total_wall"
	[pagefault]="pagefault.touch pagefault.total_wall"
	[sqlite]="sqlite.insert_query"
	[gzip]="gzip9"
	[start]="start.true_mean start.true_min"
)
declare -A REPS_OF=([start]=1)  # spawnloop repeats inside itself
declare -A EXPECT                # workload -> checksum of native's output
WORKLOADS=(syscall pagefault sqlite gzip start)

put() { printf '%s\t%s\t%s\t%s\tok\n' "$R" "$1" "$REP" "$2" >>"$RAW"; }
fail_all() { # WORKLOAD REASON
	local row
	for row in ${ROWS[$1]}; do
		printf '%s\t%s\t%s\tNA\tfailed: %s\n' "$R" "$row" "$REP" "$2" >>"$RAW"
	done
	return 1
}
key() { awk -v k="$1" '$1 == k { print $2; exit }' "$RUN_OUT"; }
# same_as_native WORKLOAD: the output must match native's, byte for byte
same_as_native() {
	local sum
	sum=$(cksum <"$RUN_OUT")
	[ -n "${EXPECT[$1]:-}" ] || { [ "$R" = native ] && EXPECT[$1]=$sum; return 0; }
	[ "$sum" = "${EXPECT[$1]}" ]
}

wl_syscall() {
	run_cmd sys /dev/null "${PFX[@]}" "$BIN/sysloop" "$SYS_N"
	[ -z "$RUN_FAIL" ] || { fail_all syscall "$RUN_FAIL"; return; }
	local g d p
	g=$(key getppid_ns) d=$(key devnull_write_ns) p=$(key pipe_rtt_ns)
	[ -n "$g" ] && [ -n "$d" ] && [ -n "$p" ] || { fail_all syscall "incomplete output"; return; }
	put syscall.getppid "$g"
	put syscall.devnull_write "$d"
	put syscall.pipe_roundtrip "$p"
	put syscall.total_wall "$RUN_S"
}

wl_pagefault() {
	run_cmd fault /dev/null "${PFX[@]}" "$BIN/faults" "$FAULT_MB" "$FAULT_ROUNDS"
	[ -z "$RUN_FAIL" ] || { fail_all pagefault "$RUN_FAIL"; return; }
	local f
	f=$(key fault_ns)
	[ -n "$f" ] && [ "$(key faults)" = $(((FAULT_MB << 20) / 4096 * FAULT_ROUNDS)) ] ||
		{ fail_all pagefault "incomplete output"; return; }
	put pagefault.touch "$f"
	put pagefault.total_wall "$RUN_S"
}

wl_sqlite() {
	rm -f "$WORK/bench.db" "$WORK/bench.db-journal"
	run_cmd sqlite "$WORK/insert.sql" "${PFX[@]}" sqlite3 -batch "$WORK/bench.db"
	[ -z "$RUN_FAIL" ] || { fail_all sqlite "$RUN_FAIL"; return; }
	same_as_native sqlite || { fail_all sqlite "query result differs from native"; return; }
	put sqlite.insert_query "$RUN_S"
}

wl_gzip() {
	run_cmd gzip /dev/null "${PFX[@]}" gzip -9 -n -c "$WORK/data.txt"
	[ -z "$RUN_FAIL" ] || { fail_all gzip "$RUN_FAIL"; return; }
	same_as_native gzip || { fail_all gzip "compressed output differs from native"; return; }
	put gzip9 "$RUN_S"
}

wl_start() {
	# spawnloop runs outside the sandbox and starts "runner /bin/true" each time
	run_cmd start /dev/null "$BIN/spawnloop" "$START_N" $((TIMEOUT / 2)) "${PFX[@]}" /bin/true
	[ -z "$RUN_FAIL" ] || { fail_all start "$RUN_FAIL"; return; }
	local mean min
	mean=$(key mean_ns) min=$(key min_ns)
	[ -n "$mean" ] && [ -n "$min" ] || { fail_all start "incomplete output"; return; }
	put start.true_mean "$(awk -v v="$mean" 'BEGIN { printf "%.4f", v / 1e6 }')"
	put start.true_min "$(awk -v v="$min" 'BEGIN { printf "%.4f", v / 1e6 }')"
}

# --- floors: before the workloads here, after them below ----------------------
# measure_floors FILE: "key ns exits" lines, or an empty file and a note
measure_floors() {
	: >"$1"
	[ -n "$FLOORS" ] || return 0
	if [ ! -x "$FLOORS" ]; then
		echo "run.sh: FLOORS=$FLOORS is not an executable file: no floor column" >&2
		return 0
	fi
	timeout -k 5 300 "$FLOORS" --tsv >"$1" 2>"$WORK/floors.err" ||
		{ echo "run.sh: floors failed: $(tail -n 1 "$WORK/floors.err"); no floor column" >&2; : >"$1"; }
}
measure_floors "$OUT/floors-before.tsv"

T0=$EPOCHREALTIME
declare -A STOP
for W in "${WORKLOADS[@]}"; do
	n=${REPS_OF[$W]:-$REPS}
	for ((REP = 1; REP <= n; REP++)); do
		line="$W rep $REP/$n:"
		for R in "${RUNNERS[@]}"; do
			if [ -n "${STATE[$R]:-}" ]; then
				[ "$REP" -gt 1 ] || { printf '%s\t%s\t1\tNA\t%s\n' "$R" "$W" "${STATE[$R]}" >>"$RAW"; }
				continue
			fi
			[ -z "${STOP[$W.$R]:-}" ] || continue
			prefix "$R"
			"wl_$W" || STOP[$W.$R]=1
			awk -v s="$RUN_S" -v m="$SLOW" 'BEGIN { exit !(s > m) }' && STOP[$W.$R]=1
			line+=" $R $(printf '%.2f' "$RUN_S")s${RUN_FAIL:+ (failed)}"
		done
		echo "$line" >&2
	done
done
ELAPSED=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
measure_floors "$OUT/floors-after.tsv"
# their mean, and how far apart the two were
awk -F'\t' -v OFS='\t' '
FNR == NR { a[$1] = $2; next }
($1 in a) { lo = a[$1] < $2 ? a[$1] : $2; hi = a[$1] < $2 ? $2 : a[$1]
	print $1, (a[$1] + $2) / 2, (lo > 0 ? hi / lo - 1 : 0) }' \
	"$OUT/floors-before.tsv" "$OUT/floors-after.tsv" >"$OUT/floors.tsv"
[ -s "$OUT/floors.tsv" ] || cp "$OUT/floors-before.tsv" "$OUT/floors.tsv" 2>/dev/null

# --- medians, ratios, notes -> results.tsv; table; chart ------------------
RES=$OUT/results.tsv
# row, unit, and the floors its dunebox path needs (apps/floors keys;
# "-": none stated): a system call the policy allows is one ring-3 syscall
# event and one trap round trip at most, a first touch one trap and the
# host's own fault
ROWSPEC="syscall.getppid ns/call syscall3+trap3
syscall.devnull_write ns/call syscall3+trap3
syscall.pipe_roundtrip ns/trip 2*syscall3+2*trap3
syscall.total_wall s -
pagefault.touch ns/fault trap3+firsttouch
pagefault.total_wall s -
sqlite.insert_query s -
gzip9 s -
start.true_mean ms -
start.true_min ms -"
[ -r "$NOTES" ] || NOTES=/dev/null
# whole-runner states are written once under the workload name; spread them to its rows
awk -F'\t' -v OFS='\t' -v spec="$ROWSPEC" '
# floor(formula, unit): "2*syscall3+trap3" in the row unit, or "NA"
function floor_of(fm, u,   t, n, i, k, c, ns) {
	if (fm == "-" || !nfloors) return "NA"
	n = split(fm, t, "+"); ns = 0
	for (i = 1; i <= n; i++) {
		c = 1; k = t[i]
		if (k ~ /\*/) { c = substr(k, 1, index(k, "*") - 1); k = substr(k, index(k, "*") + 1) }
		if (!(k in fl)) return "NA"
		ns += c * fl[k]
	}
	return u ~ /^ns/ ? ns : u == "us" ? ns / 1e3 : u == "ms" ? ns / 1e6 : ns / 1e9
}
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function ratio(a, b) { return (a != "NA" && b != "NA" && b > 0) ? sprintf("%.4g", a / b) : "NA" }
{
	if (FILENAME == floorsfile) { fl[$1] = $2; nfloors++; next }
	if (FILENAME == notesfile) {
		if ($0 ~ /^[ \t]*(#|$)/) next
		k = $0; sub(/[ \t].*/, "", k); v = $0; sub(/^[^ \t]+[ \t]+/, "", v)
		note[k] = v; next
	}
	if (FNR == 1) next
	r = $1; w = $2
	if ($5 != "ok") { if (!(r SUBSEP w in bad)) bad[r, w] = $5; next }
	vals[r, w] = vals[r, w] " " $4; cnt[r, w]++
}
END {
	n = split(spec, lines, "\n")
	print "workload", "unit", "native", "dunebox", "gvisor", "dunebox_over_native", "gvisor_over_native",
		"native_status", "dunebox_status", "gvisor_status", "why", "floor", "floor_terms",
		"dunebox_over_floor"
	split("native dunebox gvisor", rs, " ")
	for (i = 1; i <= n; i++) {
		split(lines[i], f, " "); w = f[1]; g = w; sub(/\..*/, "", g); if (g == "gzip9") g = "gzip"
		for (j = 1; j <= 3; j++) {
			r = rs[j]
			if ((r SUBSEP g) in bad) { val[r] = "NA"; st[r] = bad[r, g] }
			else if ((r SUBSEP w) in bad) { val[r] = "NA"; st[r] = bad[r, w] }
			else if ((r SUBSEP w) in vals) { val[r] = median(vals[r, w]); st[r] = "ok n=" cnt[r, w] }
			else { val[r] = "NA"; st[r] = "not run" }
		}
		fv = floor_of(f[3], f[2])
		print w, f[2], val["native"], val["dunebox"], val["gvisor"],
			ratio(val["dunebox"], val["native"]), ratio(val["gvisor"], val["native"]),
			st["native"], st["dunebox"], st["gvisor"], (w in note) ? note[w] : ((g in note) ? note[g] : ""),
			fv, f[3], ratio(val["dunebox"], fv)
	}
}' floorsfile="$OUT/floors.tsv" notesfile="$NOTES" "$OUT/floors.tsv" "$NOTES" "$RAW" >"$RES"

# the table: numbers to 3 significant digits, failures in words, notes last
awk -F'\t' '
function num(x) {
	if (x == "NA") return "-"
	x += 0
	return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : x >= 1 ? sprintf("%.2f", x) : sprintf("%.3f", x)
}
function cell(v, s, whole) {
	if (s ~ /^ok/) return num(v)
	if (s ~ /^skipped/) return "-"
	if (s == whole) return "failed (below)"
	return length(s) > 34 ? substr(s, 1, 33) "~" : s
}
function rat(x) { return x == "NA" ? "-" : num(x) "x" }
NR == 1 { c[0, 1] = "workload [unit]"; c[0, 2] = "native"; c[0, 3] = "dunebox"; c[0, 4] = "gVisor"
	c[0, 5] = "dunebox/nat"; c[0, 6] = "gVisor/nat"; c[0, 7] = "floor"; c[0, 8] = "dunebox/floor"
	c[0, 9] = "why"; next }
{
	i = NR - 1
	c[i, 1] = $1 " [" $2 "]"; c[i, 2] = cell($3, $8, wn); c[i, 3] = cell($4, $9, wd_); c[i, 4] = cell($5, $10, wg)
	c[i, 5] = rat($6); c[i, 6] = rat($7); c[i, 7] = $12 == "NA" ? "-" : num($12) " (" $13 ")"
	c[i, 8] = rat($14); c[i, 9] = $11
}
END {
	for (i = 0; i < NR; i++) for (j = 1; j <= 8; j++) if (length(c[i, j]) > wd[j]) wd[j] = length(c[i, j])
	for (i = 0; i < NR; i++) {
		printf "%-" wd[1] "s", c[i, 1]
		for (j = 2; j <= 8; j++) printf "  %" wd[j] "s", c[i, j]
		printf "  %s\n", c[i, 9]
		if (i == 0) { s = ""; for (j = 1; j <= 8; j++) s = s sprintf("%" (wd[j] + 2) "s", ""); gsub(/ /, "-", s); print s "-----" }
	}
}' wn="${STATE[native]:-}" wd_="${STATE[dunebox]:-}" wg="${STATE[gvisor]:-}" "$RES"

echo
for R in "${RUNNERS[@]}"; do
	printf '%-8s %s\n' "${TITLE[$R]}:" "${STATE[$R]:-${HOW[$R]}}"
done
echo "medians of up to $REPS runs (a run over ${SLOW}s is not repeated); timeout ${TIMEOUT}s a run; bench took ${ELAPSED}s"
if [ -s "$OUT/floors.tsv" ]; then
	echo "floors (apps/floors, mean of before and after the workloads; +- half their spread):"
	awk -F'\t' '{ printf "  %-10s %9.2f us +-%3.0f%%\n", $1, $2 / 1000, $3 * 50 }' "$OUT/floors.tsv" |
		grep -E '^  (syscall3|trap3|firsttouch|mmio) '
else
	echo "floors: not measured (FLOORS unset or failed): no floor column"
fi
echo "date: $(date "+%Y-%m-%d %H:%M"), host: $(uname -r), $(nproc) CPUs"
echo "results: $RES  raw: $RAW"

# the chart: every row in microseconds, one bar per runner, gaps where no value
if command -v gnuplot >/dev/null 2>&1; then
	awk -F'\t' -v OFS='\t' '
	function us(v, u) {
		if (v == "NA") return "NaN"
		return v * (u ~ /^ns/ ? 0.001 : u == "ms" ? 1000 : u == "s" ? 1e6 : 1)
	}
	NR == 1 { print "workload", "native", "dunebox", "gVisor"; next }
	{ print $1, us($3, $2), us($4, $2), us($5, $2) }' "$RES" >"$OUT/chart.dat"
	if gnuplot -e "datafile='$OUT/chart.dat'; outfile='$OUT/boxbench.png'" "$HERE/plot.gp" 2>"$WORK/gnuplot.err"; then
		echo "chart: $OUT/boxbench.png"
	else
		echo "chart: gnuplot failed: $(tail -n 1 "$WORK/gnuplot.err")"
	fi
else
	echo "chart: skipped, gnuplot not installed (apt-get install gnuplot-nox)"
fi
exit 0
