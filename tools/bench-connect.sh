# tools/bench's Connect mode (sourced by tools/bench after its helpers; never a test):
#
#   tools/bench connect    ClusterPoolService/Get of acme/pool-0042 over gRPC and over Connect
#                          unary (content-type application/proto, bare body), the same release
#                          server and data, rounds alternating; h2load on $H2LOAD_CPUS
#
# Seeds $POOLS [1000] pools with 3 clusters each (tools/bench-seed.py). Connect's errors are
# non-200 answers, so h2load's own success count is the check during the load; before and
# after it, one call per protocol must return the same reply bytes. Environment as tools/bench
# (SECS, CONNS, STREAMS, ROUNDS, LATENCY, WARMUP, SERVER_CPUS, H2LOAD_CPUS, SCRATCH, RESULTS).

connect_check() {  # $1 suffix -> verdict: the Connect reply is the gRPC reply without its prefix
  local out="$RESULTS/check-connect$1.txt"
  nghttp -v -d "$RESULTS/get-connect.bin" -H 'content-type: application/proto' \
    -H 'connect-protocol-version: 1' "http://127.0.0.1:$PORT$RPC" >"$out" 2>&1 || true
  nghttp -d "$RESULTS/get-connect.bin" -H 'content-type: application/proto' \
    -H 'connect-protocol-version: 1' "http://127.0.0.1:$PORT$RPC" >"$out.body" 2>/dev/null || true
  if grep -aq ':status: 200' "$out" && grep -aq 'content-type: application/proto' "$out" \
     && cmp -s "$out.body" <(tail -c +6 "$RESULTS/response.bin"); then echo connect-OK; else echo FAIL; fi
}

bench_connect() {
  local rows=() r proto ctype body f res c0 c1 t0 t1 cpu cost lat verdict
  SERVER_ARGS="${SERVER_ARGS:-} --database $RESULTS/connect.db --log-level warning"
  start_server
  echo "== seeding ${POOLS:-1000} pools (3 clusters each)"
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --pools "${POOLS:-1000}" --clusters-per-pool 3 \
    >"$RESULTS/seed.txt" 2>&1 || { cat "$RESULTS/seed.txt" >&2; return 1; }
  tail -2 "$RESULTS/seed.txt" | sed 's/^/  /'
  RPC=/cloudidl.clusterpool.ClusterPoolService/Get
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --request-body "$RESULTS/get-grpc.bin"
  tail -c +6 "$RESULTS/get-grpc.bin" >"$RESULTS/get-connect.bin"
  BODY="$RESULTS/get-grpc.bin"
  verdict="$(check server "")/$(connect_check "")"
  echo "  check: $verdict ($(stat -c %s "$RESULTS/response.bin")-byte gRPC reply)"
  for r in $(seq 1 "$ROUNDS"); do
    for proto in grpc connect; do
      if [ "$proto" = grpc ]; then ctype=application/grpc body="$RESULTS/get-grpc.bin"
      else ctype=application/proto body="$RESULTS/get-connect.bin"; fi
      f="$RESULTS/load-$proto-r$r.txt"
      t0=$(date +%s.%N); c0=$(ticks "$PID")
      CONTENT_TYPE=$ctype tools/bench-load "127.0.0.1:$PORT" "$RPC" "$body" "$SECS" "$CONNS" "$STREAMS" \
        "$RESULTS" "$proto-r$r" >"$f"
      c1=$(ticks "$PID"); t1=$(date +%s.%N)
      echo "=== $proto round $r ($ctype)"; sed 's/^/  /' "$f"
      res=$(grep '^RESULT' "$f")
      cpu=$(awk -v a="$c0" -v b="$c1" -v c="$clk" -v t0="$t0" -v t1="$t1" 'BEGIN{printf "%.0f", 100 * (b - a) / (c * (t1 - t0))}')
      # server CPU per request, steadier than req/s on a shared machine (warm-up taken at the measured rate)
      cost=$(awk -v a="$c0" -v b="$c1" -v c="$clk" -v t0="$t0" -v t1="$t1" -v r="$(field "$res" rps)" \
        'BEGIN{ if (r > 0) printf "%.1f", 1e6 * (b - a) / c / (r * (t1 - t0)); else print "NA" }')
      lat="RESULT rps=NA p50_ms=NA p99_ms=NA"
      if [ "${LATENCY:-1}" != 0 ] && [ "$r" = 1 ]; then
        CONTENT_TYPE=$ctype tools/bench-load "127.0.0.1:$PORT" "$RPC" "$body" "$SECS" 1 1 "$RESULTS" \
          "$proto-latency" >"$RESULTS/load-$proto-latency.txt"
        sed 's/^/  /' "$RESULTS/load-$proto-latency.txt"; lat=$(grep '^RESULT' "$RESULTS/load-$proto-latency.txt")
      fi
      rows+=("| $proto | $ctype | $r | $(num "$(field "$res" rps)") | $(field "$res" p50_ms) | $(field "$res" p99_ms) | $(field "$res" failed)/$(field "$res" errored) ($(field "$res" non2xx)) | $(num "$(field "$lat" rps)") | $(field "$lat" p50_ms) | $(field "$lat" p99_ms) | $cpu | $cost |")
    done
  done
  local after; after="$(check server "-after")/$(connect_check "-after")"
  echo "  check after load: $after"
  kill "$PID"; local code=0; wait "$PID" || code=$?; PID=""
  {
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -sr), $(date -u +%FT%TZ)"
    echo "unary $RPC (acme/pool-0042 of ${POOLS:-1000} pools); server on CPU $SERVER_CPUS, h2load on CPU $H2LOAD_CPUS; ${SECS}s measured after $WARMUP warm-up; checks $verdict, after load $after, server exit $code"
    echo
    echo "| protocol | content-type | round | req/s (-c$CONNS -m$STREAMS) | p50 ms | p99 ms | failed/errored (non-2xx) | req/s (-c1 -m1) | p50 ms | p99 ms | server CPU % | server CPU µs/req |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
  } | tee "$RESULTS/table.md"
}
