#!/bin/bash
# tables.sh BENCH.tsv SCALING.tsv - the markdown tables of one run (see
# run.sh for the columns); "-" where a row has no such number.
set -u
bench=$1
scaling=$2

echo "### Programs (times: this run; counts do not depend on the host)"
echo
echo "| program | row | total s | cpu s | cpu vs boehm-full | max pause ms | mean pause ms (n) | cycles | discovery ms/cycle | dirty pages/cycle | traps | entries read | heap MiB | check |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' '
function dash(v, f) { return (v == "" || v < 0) ? "-" : sprintf(f, v) }
{ lines[NR] = $0; if ($2 == "boehm-full" && $3 != "n/a") base[$1] = $17; if ($2 == "boehm-full") ref[$1] = $16 }
END {
	for (i = 1; i <= NR; i++) {
		split(lines[i], f, "\t")
		if (f[3] == "n/a") {
			printf "| %s | %s | n/a | | | | | | | | | | | |\n", f[1], f[2]
			continue
		}
		ratio = (f[1] in base && base[f[1]] > 0) ? sprintf("%.2fx", f[17] / base[f[1]]) : "-"
		per = (f[7] > 0 && f[8] >= 0) ? sprintf("%.2f", f[8] / f[7]) : "-"
		dpc = (f[7] > 0 && f[9] >= 0) ? sprintf("%.0f", f[9] / f[7]) : "-"
		ok = (f[1] in ref) ? (f[16] == ref[f[1]] ? "same" : "DIFFERS") : "?"
		printf "| %s | %s | %.2f | %.2f | %s | %.1f | %.3f (%d) | %s | %s | %s | %s | %s | %s | %s |\n",
			f[1], f[2], f[3], f[17], ratio, f[5], f[6], f[4], dash(f[7], "%d"), per, dpc,
			dash(f[12], "%d"), dash(f[11], "%d"), dash(f[14], "%.0f"), ok
	}
}' "$bench"
echo
echo "### Dirty-page discovery against heap size (per cycle: start + collect + stop; D pages written)"
echo
echo "| tracker | heap MiB | pages | D | start us | collect us | stop us | discovery us | per 1000 pages us | first write us/page | traps/cycle | entries read/cycle | mprotect calls/cycle | host exits per start |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' '
{
	if ($4 == "n/a") { printf "| %s | %s | n/a | | | | | | | | | | | |\n", $2, $3; next }
	host = $16 < 0 ? "-" : sprintf("%.0f", $16)
	printf "| %s | %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f | %.0f | %.1f | %s |\n",
		$2, $3, $4, $6, $7, $8, $9, $10, $10 / $4 * 1000, $11, $13, $14, $15, host
}' "$scaling"
echo
echo "### The host's floor, this run (64 MiB heap)"
echo
awk -F'\t' '
$3 == 64 && $4 != "n/a" { w[$2] = $11; d[$2] = $10 }
END {
	for (t in w)
		printf "- %s: a first write after the tracker started costs %.2f us; discovery %.1f us per cycle\n", t, w[t], d[t]
	if (("dune" in w) && ("mprotect" in w) && w["mprotect"] > 0)
		printf "- dune first write / mprotect fault round trip: %.1fx\n", w["dune"] / w["mprotect"]
}' "$scaling"
