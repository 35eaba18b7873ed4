# bench/report.sh: the report of a bench/run, sourced by it once every measurement is in. It
# reads what bench/run measured ($RES, the results file, and the variables its scenarios set)
# and writes bench/results/<date>.md and .png, and docs/BENCHMARKS.md after a full run.
# Not runnable on its own.

# --- report --------------------------------------------------------------------------------
DATE=$(date -u +%Y-%m-%d)
mkdir -p bench/results
# A quick run writes a file of its own and leaves the published full-run results alone.
SUFFIX=$([ "$QUICK" = 1 ] && echo "-quick" || echo "")
OUT=bench/results/$DATE$SUFFIX.md
CHART=bench/results/$DATE$SUFFIX.png
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
spread() { sort -n | awk 'NR==1{min=$1} {max=$1} END {if (NR) printf "%.0f–%.0f", min, max}'; }
values() { awk -F'\t' -v s="$1" -v p="$2" '$1==s && $2==p {print $3}' "$RES"; }
fmt() { awk -v v="$1" 'BEGIN { if (v=="n/a") print v; else if (v>=100) printf "%.0f", v; else printf "%.2f", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a=="n/a" || b=="n/a" || b==0) print "n/a"; else printf "%.2f", a/b }'; }
many() { # loops, key: the median over that configuration's runs
  grep "^loops=$1 " "$WORK/many" | kv "$2" | median
}
loops() { # loops: the median CPU of its busiest loop, second busiest, ... (up to the 4 ManySessions prints)
  local i out=""
  for i in $(seq 1 $(($1 < 4 ? $1 : 4))); do out="$out${out:+ + }$(fmt "$(many "$1" "loop${i}_cpu")")"; done
  echo "$out"
}

{
  echo "# Benchmarks, $DATE"
  echo
  echo "Command: \`bench/run$([ "$QUICK" = 1 ] && echo " --quick")\` ($REPS repetitions, interleaved; medians, with min–max)."
  echo "Machine: $(nproc) cores, $(sed -n 's/model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(java -version 2>&1 | head -1);"
  echo "$(iperf3 --version | head -1 | cut -d' ' -f1-2), $(socat -V | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'), $(ssh -V 2>&1 | cut -d, -f1)."
  echo "Paths: **direct** loopback; **socat** one plain hop; **ssh** \`ssh -L\` to a local sshd; **reconnector** agent + one relay;"
  echo "**TLS** the same over TLS 1.3 with client certificates ($(sed -n 's/.*TLS on \([^ ]*\).*/\1/p' "$WORK/relayT.log" | head -1));"
  echo "**forwarded** agent -> the bench's TCP proxy (a load balancer's stand-in) -> relay B -> home relay A (a hop between nodes). All on 127.0.0.1."
  echo
  echo "| scenario | direct | socat | ssh -L | reconnector | TLS | forwarded | reconnector / ssh | TLS / ssh | reconnector / socat | reconnector / direct |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for s in "throughput up, 1 conn (Mbit/s)" "throughput down, 1 conn (Mbit/s)" $(for n in $PAR; do echo "throughput@up,@$n@conns@(Mbit/s)"; done) \
           "latency p50 (µs)" "latency p99 (µs)" "latency p99.9 (µs)" "connections per second (forward)"; do
    s=${s//@/ }
    row="| $s |"
    for p in "${PATHS[@]}"; do
      m=$(values "$s" "$p" | median); sp=$(values "$s" "$p" | spread)
      row="$row $(fmt "$m") ($sp) |"
    done
    rc=$(values "$s" reconnector | median); sh=$(values "$s" ssh | median); di=$(values "$s" direct | median)
    tl=$(values "$s" tls | median); so=$(values "$s" socat | median)
    echo "$row $(ratio "$rc" "$sh") | $(ratio "$tl" "$sh") | $(ratio "$rc" "$so") | $(ratio "$rc" "$di") |"
  done
  echo
  echo "| other | value |"
  echo "|---|---|"
  echo "| iperf3 runs that failed and were tried again (a second failure records 0) | $(wc -l < "$WORK/iperf-failures") |"
  sr=$(values "connections per second (SOCKS5)" reconnector | median); sd=$(values "connections per second (SOCKS5)" ssh | median)
  echo "| connections per second through SOCKS5: reconnector / ssh -D (ratio; reconnector / ssh -L's forward) | $(fmt "$sr") ($(values "connections per second (SOCKS5)" reconnector | spread)) / $(fmt "$sd") ($(values "connections per second (SOCKS5)" ssh | spread)) ($(ratio "$sr" "$sd"); $(ratio "$sr" "$(values "connections per second (forward)" ssh | median)")) |"
  cr=$(values "CPU per connection set up, both hops (µs)" reconnector | median); cs=$(values "CPU per connection set up, both hops (µs)" ssh | median)
  echo "| CPU per connection set up (connect, 1-byte echo, close), both hops: agent + relay / ssh + sshd (µs; ratio) | $(fmt "$cr") ($(values "CPU per connection set up, both hops (µs)" reconnector | spread)) / $(fmt "$cs") ($(values "CPU per connection set up, both hops (µs)" ssh | spread)) ($(ratio "$cr" "$cs")) |"
  up_on=$(values "throughput up, 1 conn (Mbit/s)" reconnector | median); up_off=$(values "throughput up, 1 conn (Mbit/s)" "replication off" | median)
  echo "| throughput up, replication on / off (Mbit/s) | $(fmt "$up_on") / $(fmt "$up_off") (ratio $(ratio "$up_on" "$up_off")) |"
  fw=$(values "throughput up, 1 conn (Mbit/s)" forwarded | median)
  px=$(values "throughput up, 1 conn (Mbit/s)" "straight through the proxy" | median)
  echo "| throughput through a forwarding node / straight to the home, both through the bench's TCP proxy (Mbit/s) | $(ratio "$fw" "$px") ($(fmt "$fw") / $(fmt "$px")) |"
  echo "| throughput through the proxy and a forwarding node / straight to the home without the proxy | $(ratio "$fw" "$up_on") |"
  echo "| relay resident memory growth per idle connection ($IDLE_N open) | $MEM_R bytes |"
  echo "| agent resident memory growth per idle connection ($IDLE_N open) | $MEM_A bytes |"
  echo "| relay live heap and pooled memory per idle connection ($IDLE_N open; target ≤ 10 KiB) | ${HEAP_IDLE:-n/a} bytes |"
  echo "| relay live heap and pooled memory under a no-ack client that reads nothing / reads and drops (budget $(mib "$HEAP_BUDGET"); target ≤ budget + 10 %) | $(mib "$HEAP_NOACK") / $(mib "$HEAP_NOACK_READ") |"
  echo "| heap allocated per MiB carried, agent and relay together (bytes; issue 12's before/after figure) | ${ALLOC:-n/a} |"
  echo "| many sessions: $MANY_N agents × 4 connections, 16 KiB echoes — throughput (MiB/s), relay on 1 / $LOOPS_N event loops | $(fmt "$(many 1 mib_per_second)") / $(fmt "$(many "$LOOPS_N" mib_per_second)") (ratio $(ratio "$(many "$LOOPS_N" mib_per_second)" "$(many 1 mib_per_second)")) |"
  echo "| many sessions: round trip p50 / p99 (µs), 1 event loop | $(many 1 p50_us) / $(many 1 p99_us) |"
  echo "| many sessions: round trip p50 / p99 (µs), $LOOPS_N event loops | $(many "$LOOPS_N" p50_us) / $(many "$LOOPS_N" p99_us) |"
  echo "| many sessions: relay CPU, cores busy (of $(nproc)), 1 / $LOOPS_N event loops | $(many 1 relay_cpu) / $(many "$LOOPS_N" relay_cpu) |"
  echo "| many sessions: relay CPU of each event loop, busiest first (cores), 1 / $LOOPS_N event loops | $(loops 1) / $(loops "$LOOPS_N") |"
  echo "| agent ready after launch, bin/reconnector (ms; target ≤ 400) | median $(echo $FOOT_READY | tr ' ' '\n' | median), all: $FOOT_READY |"
  echo "| agent resident memory when idle (MiB; target ≤ 64) | median $(echo $FOOT_RSS | tr ' ' '\n' | median | awk '{printf "%.1f", $1 / 1048576}') |"
  echo "| resume after a reset, cut to first byte (ms) | median $(echo "$RESET_MS" | median), all: $(echo $RESET_MS) |"
  echo "| resume after a silent blackhole, 1000 ms dead interval (ms) | median $(echo "$BLACK_MS" | median), all: $(echo $BLACK_MS) |"
  echo "| resume after a reset over TLS, cut to first byte (ms) | median $(echo "$RESET_TLS_MS" | median), all: $(echo $RESET_TLS_MS) |"
  echo
  echo "![throughput and latency relative to ssh -L]($DATE$SUFFIX.png)"
} > "$OUT"

# Chart: each path's median relative to ssh -L (higher is better for throughput and rate).
{
  for s in "throughput up, 1 conn (Mbit/s)" "throughput down, 1 conn (Mbit/s)" "connections per second (forward)"; do
    sh=$(values "$s" ssh | median)
    line="\"${s%% (*}\""
    for p in "${PATHS[@]}"; do line="$line $(ratio "$(values "$s" "$p" | median)" "$sh")"; done
    echo "$line"
  done
} > "$WORK/chart.dat"
gnuplot <<PLOT 2>/dev/null || true
set terminal png size 900,420
set output "$CHART"
set title "Relative to ssh -L (1.0 = ssh -L; higher is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:*]
set key outside right
set xtics noenhanced
plot "$WORK/chart.dat" using 2:xtic(1) title "direct", '' using 3 title "socat", '' using 4 title "ssh -L", '' using 5 title "reconnector", '' using 6 title "TLS", '' using 7 title "forwarded"
PLOT

if [ "$QUICK" = 0 ]; then
{
  echo "# Benchmarks"
  echo
  echo "The latest run of \`bench/run\` (see \`bench/results/\` for every run). Targets and what"
  echo "we know about the gaps: see the notes below the table."
  echo
  sed '1d' "$OUT" | sed "s|($DATE.png)|(../bench/results/$DATE.png)|"
  [ -f docs/BENCHMARKS.notes.md ] && { echo; cat docs/BENCHMARKS.notes.md; }
} > docs/BENCHMARKS.md
fi
cat "$OUT"
if [ "$QUICK" = 0 ]; then
  echo "bench: wrote $OUT, $CHART and docs/BENCHMARKS.md" >&2
else
  echo "bench: wrote $OUT and $CHART (a quick run leaves docs/BENCHMARKS.md alone)" >&2
fi
