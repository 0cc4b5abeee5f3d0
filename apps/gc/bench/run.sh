#!/bin/bash
# run.sh BIN_DIR OUT_DIR - the collector's benchmarks, one run: every row
# of every program, then discovery cost against heap size, then the tables
# (printed, markdown) and OUT_DIR/gc-pvm.png. Raw lines go to
# OUT_DIR/gc-bench.tsv and OUT_DIR/gc-scaling.tsv.
#
# Rows: ours-stw (no tracker, every cycle stops the world), ours-stw-dune
# (the same inside dune mode: what dune mode costs by itself), ours-dune,
# ours-mprotect, ours-softdirty (trackers), boehm-full, boehm-inc
# (GC_enable_incremental), malloc (programs that can free). Boehm runs with
# one marker thread (GC_MARKERS=1), as ours marks on one thread.
#
# Env: BM_SCALE (iteration scale, 1), BM_PROGRAMS (which), BM_SIZES (MiB list for the scaling),
# BM_ROW_TIMEOUT (seconds a row may take, 900).
set -u
bin=${1:?usage: run.sh BIN_DIR OUT_DIR}
out=${2:?usage: run.sh BIN_DIR OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
sizes=${BM_SIZES:-"1 4 16 64 256 1024 4096"}
limit=${BM_ROW_TIMEOUT:-900}
mkdir -p "$out"
tsv=$out/gc-bench.tsv
scal=$out/gc-scaling.tsv
: >"$tsv"
: >"$scal"

echo "== gc benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs," \
	"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# row NAME ENV... -- PROGRAM ARGS...
run_row() {
	local name=$1 bench=$2
	shift 2
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local line
	line=$(env BM_ROW="$name" "${envs[@]}" timeout "$limit" "$@" 2>/dev/null | grep -P "^$bench\t" | tail -n1)
	if [ -z "$line" ]; then
		line=$(printf '%s\t%s\tn/a' "$bench" "$name")
	fi
	printf '%s\n' "$line" >>"$tsv"
	printf '   %s\n' "$line"
}

for bench in ${BM_PROGRAMS:-gcbench binarytrees hashmap lisp}; do
	args=()
	[ $bench = lisp ] && args=("$here/workload.scm")
	echo "-- $bench"
	run_row ours-stw $bench GC_TRACKER=none -- "$bin/$bench-ours" "${args[@]}"
	run_row ours-stw-dune $bench GC_TRACKER=none BM_DUNE_MODE=1 -- "$bin/$bench-ours" "${args[@]}"
	run_row ours-dune $bench GC_TRACKER=dune -- "$bin/$bench-ours" "${args[@]}"
	run_row ours-mprotect $bench GC_TRACKER=mprotect -- "$bin/$bench-ours" "${args[@]}"
	run_row ours-softdirty $bench GC_TRACKER=softdirty -- "$bin/$bench-ours" "${args[@]}"
	run_row boehm-full $bench GC_MARKERS=1 -- "$bin/$bench-boehm" "${args[@]}"
	run_row boehm-inc $bench GC_MARKERS=1 BM_BOEHM_INCREMENTAL=1 -- "$bin/$bench-boehm" "${args[@]}"
	[ -x "$bin/$bench-malloc" ] && run_row malloc $bench -- "$bin/$bench-malloc" "${args[@]}"
done

echo "-- discovery cost against heap size"
for tracker in dune mprotect softdirty; do
	for mib in $sizes; do
		line=$(GC_TRACKER=$tracker timeout "$limit" "$bin/scaling" "$mib" 2>/dev/null | grep -P '^scale\t' | tail -n1)
		[ -z "$line" ] && line=$(printf 'scale\t%s\t%s\tn/a' "$tracker" "$mib")
		printf '%s\n' "$line" >>"$scal"
		printf '   %s\n' "$line"
	done
done
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

"$here/tables.sh" "$tsv" "$scal"
# programs x rows, CPU time relative to boehm-full, for the chart
awk -F'\t' -v rows="ours-stw ours-stw-dune ours-dune ours-mprotect ours-softdirty boehm-full boehm-inc malloc" '
$3 != "n/a" { t[$1, $2] = $17; has[$2] = 1; if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 } }
END {
	n = split(rows, all, " ")
	for (i = 1; i <= n; i++) if (all[i] in has) r[++k] = all[i] # rows this run has
	printf "program"; for (i = 1; i <= k; i++) printf "\t%s", r[i]; print ""
	for (j = 1; j <= m; j++) {
		b = order[j]; printf "%s", b
		for (i = 1; i <= k; i++)
			printf "\t%s", ((b, r[i]) in t && (b, "boehm-full") in t) ? t[b, r[i]] / t[b, "boehm-full"] : "NaN"
		print ""
	}
}' "$tsv" >"$tsv.matrix"
if command -v gnuplot >/dev/null; then
	gnuplot -e "bench='$tsv'; scaling='$scal'; out='$out/gc-pvm.png'" "$here/plot.gp" &&
		echo "chart: $out/gc-pvm.png"
else
	echo "no gnuplot: no chart (apt-get install gnuplot-nox)"
fi
