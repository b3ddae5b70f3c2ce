# tools/bench's cluster modes (sourced by tools/bench after its helpers; never a test):
#
#   tools/bench watchers     GetCluster req/s and p99 with 0 vs $WATCHERS [500] WatchClusters
#                            watchers open (issue 4: < 20 % slower with them)
#   tools/bench heartbeats   $CLUSTERS [5000] simulated clusters heartbeating once per second:
#                            the server's CPU use (/proc/PID/stat) with heartbeats alone and
#                            with a concurrent GetCluster (-c1 -m1) run, its p99 next to the
#                            p99 without heartbeats, and the heartbeat rate achieved
#
# The drivers are `clusterpool-load` (Swift, our RPCClient over $LOAD_CONNS [8] HTTP/2
# connections) and h2load, both on $H2LOAD_CPUS; the server on $SERVER_CPUS. Environment as
# tools/bench (SECS, CONNS, STREAMS, ROUNDS, WARMUP, SCRATCH, RESULTS).

build_cluster_load() {  # sets LOAD_BIN (and SERVER_BIN unless given)
  local scratch="${SCRATCH:-.build}"
  echo "== swift build -c release --product clusterpool-load (and clusterpool-server) --scratch-path $scratch"
  swift build -c release --product clusterpool-load --scratch-path "$scratch"
  LOAD_BIN="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/clusterpool-load"
  if [ -z "${SERVER_BIN:-}" ]; then
    swift build -c release --product clusterpool-server --scratch-path "$scratch"
    SERVER_BIN="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/clusterpool-server"
  fi
}

load_driver() {  # $1 log file, rest: clusterpool-load arguments; sets DRIVER (its PID)
  local log=$1; shift
  taskset -c "$H2LOAD_CPUS" "$LOAD_BIN" "$@" --target "127.0.0.1:$PORT" --connections "${LOAD_CONNS:-8}" >"$log" 2>&1 &
  DRIVER=$!
}

wait_line() {  # $1 file $2 regex $3 PID: waits until the line appears (or the process ends)
  while ! grep -qE "$2" "$1" 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || { echo "driver ended early:" >&2; cat "$1" >&2; return 1; }
    sleep 0.05
  done
}

cpu_pct() {  # $1 ticks before $2 ticks after $3 t0 $4 t1 -> % of one core
  awk -v a="$1" -v b="$2" -v c="$clk" -v t0="$3" -v t1="$4" 'BEGIN{printf "%.1f", 100 * (b - a) / (c * (t1 - t0))}'
}

get_setup() {  # starts the server, registers the clusters the Get reads, writes BODY
  SERVER_ARGS="${SERVER_ARGS:-} --database $RESULTS/$1.db --log-level warning"
  start_server
  "$LOAD_BIN" heartbeats --target "127.0.0.1:$PORT" --clusters 10 --prefix get --duration 0 >"$RESULTS/register-get.txt"
  BODY="$RESULTS/get.bin"
  "$LOAD_BIN" get-body --name get-0 --out "$BODY" >/dev/null
  RPC=/cloudidl.cluster.ClusterService/GetCluster
  echo "  check: $(check server "")"
}

bench_watchers() {
  local watchers="${WATCHERS:-500}" rows=() r n f res t0 t1 c0 c1 lat
  build_cluster_load
  get_setup watchers
  for r in $(seq 1 "$ROUNDS"); do
    for n in 0 "$watchers"; do
      if [ "$n" != 0 ]; then
        load_driver "$RESULTS/watchers-r$r.txt" watchers --count "$n" --duration 3600
        wait_line "$RESULTS/watchers-r$r.txt" '^watchers ready' "$DRIVER"
        echo "  $(grep '^watchers ready' "$RESULTS/watchers-r$r.txt")"
      fi
      f="$RESULTS/load-watchers$n-r$r.txt"
      t0=$(date +%s.%N); c0=$(ticks "$PID")
      tools/bench-load "127.0.0.1:$PORT" "$RPC" "$BODY" "$SECS" "$CONNS" "$STREAMS" "$RESULTS" "watchers$n-r$r" >"$f"
      c1=$(ticks "$PID"); t1=$(date +%s.%N)
      res=$(grep '^RESULT' "$f")
      lat=$(tools/bench-load "127.0.0.1:$PORT" "$RPC" "$BODY" "$SECS" 1 1 "$RESULTS" "watchers$n-latency-r$r" | grep '^RESULT')
      echo "  round $r, $n watchers: $res | -c1 -m1: $lat"
      echo "$n $(field "$res" rps) $(field "$res" p99_ms) $(field "$lat" rps) $(field "$lat" p99_ms)" >>"$RESULTS/watchers-summary.txt"
      rows+=("| $r | $n | $(num "$(field "$res" rps)") | $(field "$res" p50_ms) | $(field "$res" p99_ms) | $(field "$res" failed)/$(field "$res" errored) | $(num "$(field "$lat" rps)") | $(field "$lat" p99_ms) | $(cpu_pct "$c0" "$c1" "$t0" "$t1") | $(mib "$(rss_kb "$PID")") |")
      if [ "$n" != 0 ]; then kill "$DRIVER"; wait "$DRIVER" || true; fi
    done
  done
  echo "  check after load: $(check server -after)"
  kill "$PID"; wait "$PID" || true; PID=""
  {
    echo "$(nproc) cores, $(uname -sr), $(date -u +%FT%TZ), load average before: $LOAD_BEFORE"
    echo "unary $RPC; server on CPU $SERVER_CPUS; h2load and $watchers idle WatchClusters streams (clusterpool-load, ${LOAD_CONNS:-8} connections) on CPU $H2LOAD_CPUS; ${SECS}s after $WARMUP warm-up"
    echo
    echo "| round | watchers | req/s (-c$CONNS -m$STREAMS) | p50 ms | p99 ms | failed/errored | req/s (-c1 -m1) | p99 ms | server CPU % | RSS MiB |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    # medians over the rounds, and how much slower the run with watchers is
    awk -v w="$watchers" '
      function median(list,   n, a, i, j, t) { n = split(list, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      { rps[$1] = rps[$1] " " $2; p99[$1] = p99[$1] " " $3; lrps[$1] = lrps[$1] " " $4; lp99[$1] = lp99[$1] " " $5 }
      END {
        r0 = median(rps[0]); rw = median(rps[w]); l0 = median(lrps[0]); lw = median(lrps[w])
        printf "medians: -c'"$CONNS"' -m'"$STREAMS"' %.0f req/s (p99 %.3f ms) with 0 watchers, %.0f req/s (p99 %.3f ms) with %d: %+.1f %%\n", r0, median(p99[0]), rw, median(p99[w]), w, 100 * (rw - r0) / r0
        printf "         -c1 -m1 %.0f req/s (p99 %.3f ms) with 0 watchers, %.0f req/s (p99 %.3f ms) with %d: %+.1f %%\n", l0, median(lp99[0]), lw, median(lp99[w]), w, 100 * (lw - l0) / l0
      }' "$RESULTS/watchers-summary.txt"
  } | tee "$RESULTS/table.md"
}

bench_heartbeats() {
  local clusters="${CLUSTERS:-5000}" f res base t0 t1 c0 c1 c2 t2 hb
  build_cluster_load
  get_setup heartbeats
  f="$RESULTS/load-get-alone.txt"
  tools/bench-load "127.0.0.1:$PORT" "$RPC" "$BODY" "$SECS" 1 1 "$RESULTS" get-alone >"$f"
  base=$(grep '^RESULT' "$f"); echo "  Get alone (-c1 -m1): $base"
  hb="$RESULTS/heartbeats.txt"
  # heartbeats for: settle 2 s + phase 1 (alone) + phase 2 (with Get, after its warm-up) + 2 s
  local warm=${WARMUP%s}; warm=${warm:-0}
  load_driver "$hb" heartbeats --clusters "$clusters" --prefix sim --duration $((2 + SECS + warm + SECS + 2))
  wait_line "$hb" '^heartbeating' "$DRIVER"
  echo "  $(grep '^registered' "$hb")"
  sleep 2
  t0=$(date +%s.%N); c0=$(ticks "$PID")
  sleep "$SECS"
  t1=$(date +%s.%N); c1=$(ticks "$PID")
  f="$RESULTS/load-get-with-heartbeats.txt"
  tools/bench-load "127.0.0.1:$PORT" "$RPC" "$BODY" "$SECS" 1 1 "$RESULTS" get-with-heartbeats >"$f"
  t2=$(date +%s.%N); c2=$(ticks "$PID")
  res=$(grep '^RESULT' "$f"); echo "  Get with heartbeats (-c1 -m1): $res"
  wait "$DRIVER" || true
  local result; result=$(grep '^RESULT' "$hb"); echo "  heartbeats: $result"
  echo "  check after load: $(check server -after)"
  local rss; rss=$(mib "$(rss_kb "$PID")")
  kill "$PID"; wait "$PID" || true; PID=""
  {
    echo "$(nproc) cores, $(uname -sr), $(date -u +%FT%TZ), load average before: $LOAD_BEFORE"
    echo "$clusters clusters (registered first), one Heartbeat each per second from clusterpool-load (${LOAD_CONNS:-8} connections) and h2load on CPU $H2LOAD_CPUS; server on CPU $SERVER_CPUS; ${SECS}s per phase"
    echo
    echo "| heartbeats/s achieved (sent/ok/failed) | driver CPU % | heartbeat p50 / p99 ms | server CPU % heartbeats alone | server CPU % heartbeats + Get | Get -c1 -m1 req/s alone / with | Get p50 ms alone / with | Get p99 ms alone / with | server RSS MiB after |"
    echo "|---|---:|---|---:|---:|---|---|---|---:|"
    echo "| $(field "$result" rate) ($(field "$result" sent)/$(field "$result" ok)/$(field "$result" failed)) | $(field "$result" driver_cpu_pct) | $(field "$result" p50_ms) / $(field "$result" p99_ms) | $(cpu_pct "$c0" "$c1" "$t0" "$t1") | $(cpu_pct "$c1" "$c2" "$t1" "$t2") | $(num "$(field "$base" rps)") / $(num "$(field "$res" rps)") | $(field "$base" p50_ms) / $(field "$res" p50_ms) | $(field "$base" p99_ms) / $(field "$res" p99_ms) | $rss |"
  } | tee "$RESULTS/table.md"
}
