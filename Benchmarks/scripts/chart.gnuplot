# Benchmarks/scripts/chart.gnuplot: draws results.csv (medians) as results/chart.png.
# Usage: gnuplot -e "csv='results.csv'; png='chart.png'" chart.gnuplot
set terminal pngcairo size 1600,1000 font "sans,11"
set output png
set datafile separator ","
set style fill solid 0.85 border -1
set boxwidth 0.26
set grid ytics
set logscale y
set xrange [-0.6:5.6]
set key outside right top vertical
set xtics rotate by -20 ("tillit-tls" 0, "tillit-plain" 1, "grpc-http2" 2, "grpc-inprocess" 3, "nio-echo" 4, "c-pingpong" 5)
set multiplot layout 2,2 title "RPC side by side: medians across rounds (log scale)"

do for [size in "100 65536"] {
    label = (size eq "100") ? "100 B" : "64 KiB"
    set title "Throughput, ".label." payload (calls/s)"
    plot csv using (column("size") == size ? column("impl_index") - 0.28 : 1/0):"tput_1" \
            with boxes title "1 in flight", \
         csv using (column("size") == size ? column("impl_index") : 1/0):"tput_32" \
            with boxes title "32 in flight", \
         csv using (column("size") == size ? column("impl_index") + 0.28 : 1/0):"tput_128" \
            with boxes title "128 in flight"
}
set boxwidth 0.4
do for [size in "100 65536"] {
    label = (size eq "100") ? "100 B" : "64 KiB"
    set title "Sequential latency, ".label." payload (µs)"
    plot csv using (column("size") == size ? column("impl_index") - 0.2 : 1/0):"seq_p50_us" \
            with boxes title "p50", \
         csv using (column("size") == size ? column("impl_index") + 0.2 : 1/0):"seq_p99_us" \
            with boxes title "p99"
}
unset multiplot
