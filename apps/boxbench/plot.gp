# plot.gp - boxbench chart: a group of bars per workload, a color per runner.
# gnuplot -e "datafile='chart.dat'; outfile='boxbench.png'" plot.gp
# chart.dat: header line "workload native dunebox gVisor", times in us, NaN = missing
set terminal pngcairo size 1280,640 font "sans,10" noenhanced
set output outfile
set title "boxbench: time per workload (log scale; lower is better)"
set logscale y
set ytics ("100 ns" 0.1, "1 us" 1, "10 us" 10, "100 us" 100, "1 ms" 1e3, "10 ms" 1e4, \
           "100 ms" 1e5, "1 s" 1e6, "10 s" 1e7, "100 s" 1e8)
set grid ytics
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by 30 right nomirror
set key top left
set datafile missing "NaN"
set yrange [0.05:*]
plot datafile using 2:xtic(1) title columnheader(2) lc rgb "#4477aa", \
     ''       using 3 title columnheader(3) lc rgb "#228833", \
     ''       using 4 title columnheader(4) lc rgb "#ee6677"
