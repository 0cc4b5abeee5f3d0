# plot.gp - the chart of one run (run.sh passes bench, scaling, out):
# left, each program's CPU time per row relative to Boehm's full
# collector; right, dirty-page discovery per cycle against heap size.
set terminal pngcairo size 1400,560 font "sans,10"
set output out
set multiplot layout 1,2

matrix = bench . ".matrix"
ncols = int(system("head -n1 " . matrix . " | wc -w"))
set title "CPU time relative to boehm-full (lower is better)"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y 2
set yrange [0.25:16]
set ylabel "CPU time / boehm-full"
set key top left font ",8"
set xtics nomirror
set grid ytics
plot for [c=2:ncols] matrix using c:xtic(1) title columnhead(c)

unset logscale
set autoscale y
set style data linespoints
set title "dirty-page discovery per cycle (start + collect + stop)"
set logscale xy
set xlabel "heap (MiB)"
set ylabel "microseconds per cycle"
set key top left
plot "< awk -F'\t' '$2==\"dune\" && $4!=\"n/a\"' ".scaling using 3:10 title "dune (pgroot dirty bits)" lw 2, \
     "< awk -F'\t' '$2==\"mprotect\" && $4!=\"n/a\"' ".scaling using 3:10 title "mprotect" lw 2, \
     "< awk -F'\t' '$2==\"softdirty\" && $4!=\"n/a\"' ".scaling using 3:10 title "soft-dirty" lw 2
unset multiplot
