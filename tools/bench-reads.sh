# tools/bench's reads mode (sourced by tools/bench after its helpers; never a test):
#
#   tools/bench reads   List with a name filter over an organization of $POOLS [100000] pools,
#                       ListClusters over $CLUSTERS [100000] clusters and ListQueues over
#                       $QUEUES [100000] queues of their own (and the clusters' implicit ones)
#                       (latency, -c1 -m1: p50/p99 and server CPU per call) and GetCluster,
#                       GetQueue and pool Get throughput (-c$CONNS -m$STREAMS: req/s and server
#                       CPU per call), on the release server and, when BASE_BIN names another
#                       server binary (e.g. a copy of the release build before a change), on that
#                       one too: each round runs both, base first, on copies of one database
#
# The database: a server seeds 100 pools with 3 clusters each over gRPC (tools/bench-seed.py)
# and the queue bench-queue in pool-0042 (tools/bench-reads.py setup, which writes the request
# bodies), stops, and tools/bench-reads.py fill copies pool-0000's row up to $POOLS pools in the
# SQLite file, and the clusters and queues likewise. Before the load every reply is fetched once with grpcio from each server: grpc-
# status OK, and the replies of the two servers must be the same bytes (a List's pools and
# token included), or the row says DIFFERS. Environment as tools/bench (SECS, CONNS, STREAMS,
# WARMUP, SERVER_CPUS, H2LOAD_CPUS, SCRATCH, RESULTS); READS_ROUNDS [2] rounds, LIST_SECS
# [SECS] per List run.

reads_start() {  # $1 name $2 binary $3 database; sets PID and PORT
  : >"$RESULTS/server-$1.out"
  taskset -c "$SERVER_CPUS" "$2" --host 127.0.0.1 --port 0 --log-level warning --database "$3" \
    >"$RESULTS/server-$1.out" 2>"$RESULTS/server-$1.log" &
  PID=$! PORT=""
  for _ in $(seq 1 600); do
    PORT=$(sed -nE 's/^listening on [^ ]+:([0-9]+)$/\1/p' "$RESULTS/server-$1.out")
    [ -n "$PORT" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $1 did not print 'listening on'; see $RESULTS/server-$1.log" >&2; return 1
}

reads_stop() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=""
}

reads_rpc() {  # body name -> RPC path
  "$py" tools/bench-reads.py bodies | awk -v n="$1" -F'\t' '$1 == n { split($2, a, " "); print a[1] }'
}

bench_reads() {
  local pools="${POOLS:-100000}" rounds="${READS_ROUNDS:-2}" list_secs="${LIST_SECS:-$SECS}"
  local clusters="${CLUSTERS:-100000}" queues="${QUEUES:-100000}"
  local lists="list-sparse list-ci list-dense list-nofilter clusters-sparse clusters-nofilter queues-sparse queues-nofilter"
  local gets="get-pool get-cluster get-queue"
  if [ -z "${SERVER_BIN:-}" ]; then
    local scratch="${SCRATCH:-.build}"
    echo "== swift build -c release --product clusterpool-server --scratch-path $scratch"
    swift build -c release --product clusterpool-server --scratch-path "$scratch"
    SERVER_BIN="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/clusterpool-server"
  fi
  local peers=(new) ; declare -A bin=([new]="$SERVER_BIN")
  if [ -n "${BASE_BIN:-}" ]; then peers=(base new); bin[base]="$BASE_BIN"; fi

  echo "== seeding 100 pools (3 clusters each) and bench-queue, then $pools pools in the file"
  reads_start seed "$SERVER_BIN" "$RESULTS/reads.db"
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --pools 100 --clusters-per-pool 3 >"$RESULTS/seed.txt" 2>&1 \
    || { cat "$RESULTS/seed.txt" >&2; return 1; }
  "$py" tools/bench-reads.py setup "127.0.0.1:$PORT" "$RESULTS/bodies" | sed 's/^/  /'
  reads_stop
  "$py" tools/bench-reads.py fill "$RESULTS/reads.db" --pools "$pools" --clusters "$clusters" --queues "$queues" | sed 's/^/  /'
  "$py" tools/bench-reads.py bodies | sed 's/^/  /'

  local p r b f res c0 c1 done cpu_us rows=() rpc
  declare -A vals
  for r in $(seq 1 "$rounds"); do
    for p in "${peers[@]}"; do
      cp "$RESULTS/reads.db" "$RESULTS/reads-$p.db"
      local t0; t0=$(date +%s.%N)
      reads_start "$p-r$r" "${bin[$p]}" "$RESULTS/reads-$p.db"
      echo "=== round $r: $p (${bin[$p]}), started in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}') s, RSS $(mib "$(rss_kb "$PID")") MiB"
      for b in $lists $gets; do
        rpc=$(reads_rpc "$b")
        if taskset -c "$H2LOAD_CPUS" "$py" tools/bench-grpc.py check "127.0.0.1:$PORT" "$rpc" "$RESULTS/bodies/$b.bin" \
             --save-response "$RESULTS/reply-$p-$b.bin" >"$RESULTS/check-$p-r$r-$b.txt" 2>&1; then :; else
          echo "  $b: $(cat "$RESULTS/check-$p-r$r-$b.txt")"; vals[$p,$b,check]=FAIL; fi
      done
      for b in $lists; do
        rpc=$(reads_rpc "$b"); f="$RESULTS/load-$p-r$r-$b.txt"
        c0=$(ticks "$PID")
        tools/bench-load "127.0.0.1:$PORT" "$rpc" "$RESULTS/bodies/$b.bin" "$list_secs" 1 1 "$RESULTS" "$p-r$r-$b" >"$f"
        c1=$(ticks "$PID"); res=$(grep '^RESULT' "$f"); done=$(field "$res" done)
        cpu_us=$(awk -v a="$c0" -v b="$c1" -v c="$clk" -v n="$done" 'BEGIN{ printf "%.0f", (n > 0) ? 1e6 * (b - a) / c / n : 0 }')
        vals[$p,$b,r$r]="$(field "$res" p50_ms) $(field "$res" p99_ms) $cpu_us $(field "$res" rps)"
        echo "  $b: p50 $(field "$res" p50_ms) ms, p99 $(field "$res" p99_ms) ms, $cpu_us us server CPU per call ($done calls)"
      done
      for b in $gets; do
        rpc=$(reads_rpc "$b"); f="$RESULTS/load-$p-r$r-$b.txt"
        c0=$(ticks "$PID")
        tools/bench-load "127.0.0.1:$PORT" "$rpc" "$RESULTS/bodies/$b.bin" "$SECS" "$CONNS" "$STREAMS" "$RESULTS" "$p-r$r-$b" >"$f"
        c1=$(ticks "$PID"); res=$(grep '^RESULT' "$f"); done=$(field "$res" done)
        cpu_us=$(awk -v a="$c0" -v b="$c1" -v c="$clk" -v n="$done" 'BEGIN{ printf "%.2f", (n > 0) ? 1e6 * (b - a) / c / n : 0 }')
        vals[$p,$b,r$r]="$(num "$(field "$res" rps)") $(field "$res" p99_ms) $cpu_us $(field "$res" failed)/$(field "$res" errored)"
        echo "  $b: $(num "$(field "$res" rps)") req/s, p99 $(field "$res" p99_ms) ms, $cpu_us us server CPU per call (warm-up included), failed/errored $(field "$res" failed)/$(field "$res" errored)"
      done
      reads_stop
    done
  done

  local same
  {
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -sr), $(date -u +%FT%TZ)"
    echo "$pools pools in acme; server on CPU $SERVER_CPUS, h2load on CPU $H2LOAD_CPUS; List: -c1 -m1 ${list_secs}s; Gets: -c$CONNS -m$STREAMS ${SECS}s; $rounds round(s), each value per round (r1 / r2 ...)"
    echo
    echo "| peer | call | check | p50 ms | p99 ms | server CPU us/call | req/s |"
    echo "|---|---|---|---|---|---|---|"
    for b in $lists $gets; do
      for p in "${peers[@]}"; do
        same=grpc-OK
        [ -n "${vals[$p,$b,check]:-}" ] && same=FAIL
        if [ "${#peers[@]}" = 2 ] && ! cmp -s "$RESULTS/reply-base-$b.bin" "$RESULTS/reply-new-$b.bin"; then same="$same DIFFERS"; fi
        local col1="" col2="" col3="" col4=""
        for r in $(seq 1 "$rounds"); do
          read -r a1 a2 a3 a4 <<<"${vals[$p,$b,r$r]:-NA NA NA NA}"
          local sep=""; [ "$r" -gt 1 ] && sep=" / "
          col1+="$sep$a1"; col2+="$sep$a2"; col3+="$sep$a3"; col4+="$sep$a4"
        done
        case "$b" in
          list-* | clusters-* | queues-*) echo "| $p | $b | $same | $col1 | $col2 | $col3 | $col4 |" ;;
          *) echo "| $p | $b | $same | | $col2 | $col3 | $col1 |" ;;
        esac
      done
    done
  } | tee "$RESULTS/table.md"
}
