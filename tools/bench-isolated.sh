#!/usr/bin/env bash
# The server CPU of an isolated unary call, as a benchmark (never a test): $CONNS [5000] HTTP/2
# connections each sending one small unary call a second (h2load -c $CONNS -m 1 --rps 1), the
# pattern of clusters heartbeating, against our server binaries (grpc.health.v1.Health/Check,
# or with CALL=heartbeat ClusterService/Heartbeat of one cluster registered first, every
# connection reporting it) and the peers of ../shared/bench in the same run: the C++ gRPC server (ClusterPoolService/Get
# of acme/pool-0042) and nghttpd serving that reply as a static file (the HTTP/2 floor). Prints
# calls/s and the server's CPU per call from /proc/PID/stat, user and system apart, over $SECS
# seconds after $SETTLE seconds (connections made, first calls answered).
#
#   tools/bench-isolated.sh OURS [OURS2 ...]     rounds alternate which server goes first
#
# Environment (defaults in brackets): CALL [health] (or heartbeat), CONNS [5000], SECS [10], SETTLE [5], ROUNDS [2],
# PEERS [cpp nghttpd], SERVER_CPUS [1], H2LOAD_CPUS [0], SERVER_ARGS (extra flags of ours),
# BENCH_DIR [.build-benchpeers/bench] (a writable copy of ../shared/bench whose C++ peer is
# built: its setup.sh), RESULTS [results/bench-isolated-<UTC timestamp>].
set -euo pipefail
cd "$(dirname "$0")/.."
CALL="${CALL:-health}" CONNS="${CONNS:-5000}" SECS="${SECS:-10}" SETTLE="${SETTLE:-5}" ROUNDS="${ROUNDS:-2}"
SERVER_CPUS="${SERVER_CPUS:-1}" H2LOAD_CPUS="${H2LOAD_CPUS:-0}"
read -r -a peers <<<"${PEERS:-cpp nghttpd}"
bench="${BENCH_DIR:-.build-benchpeers/bench}"
RESULTS="${RESULTS:-results/bench-isolated-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$RESULTS"; RESULTS="$(cd "$RESULTS" && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 SERVER_BINARY [...]" >&2; exit 2; }
ours=("$@")
for s in "${ours[@]}"; do [ -x "$s" ] || { echo "not an executable: $s" >&2; exit 2; }; done
for p in "${peers[@]}"; do
  [ "$p" != cpp ] || [ -x "$bench/cpp-peer/build/clusterpool_server" ] \
    || { echo "no C++ peer in $bench (run its setup.sh)" >&2; exit 2; }
done
clk=$(getconf CLK_TCK)
printf '\0\0\0\0\0' >"$RESULTS/health-check.bin"  # an empty HealthCheckRequest, gRPC-framed
# CreateClusterRequest{cluster_id{name "hb-0"}} and HeartbeatRequest{cluster_id{name "hb-0"}}
printf '\0\0\0\0\x08\x0a\x06\x12\x04hb-0' >"$RESULTS/create-cluster.bin"
printf '\0\0\0\0\x08\x0a\x06\x12\x04hb-0' >"$RESULTS/heartbeat.bin"

PID=""
cleanup() { [ -z "$PID" ] || kill "$PID" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
cpu() { awk '{print $14, $15}' "/proc/$1/stat"; }  # user and system ticks
# A free port for a peer (the peers' fixed ports may be taken by another run on the machine).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_port() {  # $1 port
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not listen on $1" >&2; return 1
}

start() {  # $1 server (a binary of ours, cpp or nghttpd) $2 run name; sets PID, PORT, URL, BODY
  case "$1" in
    cpp)
      PORT=$(free_port) BODY="$bench/data/get-pool-0042.bin"
      taskset -c "$SERVER_CPUS" "$bench/cpp-peer/build/clusterpool_server" "$PORT" >"$RESULTS/$2.log" 2>&1 &
      PID=$!; wait_port "$PORT"
      URL="http://127.0.0.1:$PORT/cloudidl.clusterpool.ClusterPoolService/Get" ;;
    nghttpd)
      PORT=$(free_port) BODY="$bench/data/get-pool-0042.bin"
      taskset -c "$SERVER_CPUS" nghttpd --no-tls -a 127.0.0.1 -n 1 -d "$bench/data/nghttpd-root" \
        --trailer 'grpc-status: 0' --no-content-length "$PORT" >"$RESULTS/$2.log" 2>&1 &
      PID=$!; wait_port "$PORT"
      URL="http://127.0.0.1:$PORT/cloudidl.clusterpool.ClusterPoolService/Get" ;;
    *)
      BODY="$RESULTS/health-check.bin"
      : >"$RESULTS/$2.out"
      taskset -c "$SERVER_CPUS" "$1" --host 127.0.0.1 --port 0 --log-level warning --database "$RESULTS/$2.db" \
        ${SERVER_ARGS:-} >"$RESULTS/$2.out" 2>"$RESULTS/$2.log" &
      PID=$! PORT=""
      for _ in $(seq 1 300); do
        PORT=$(sed -nE 's/^listening on [^ ]+:([0-9]+)$/\1/p' "$RESULTS/$2.out")
        [ -n "$PORT" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
      done
      [ -n "$PORT" ] || { echo "server $1 did not print 'listening on'; see $RESULTS/$2.log" >&2; return 1; }
      URL="http://127.0.0.1:$PORT/grpc.health.v1.Health/Check"
      if [ "$CALL" = heartbeat ]; then
        local service="http://127.0.0.1:$PORT/cloudidl.cluster.ClusterService"
        h2load -n 1 -c 1 -d "$RESULTS/create-cluster.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
          "$service/CreateCluster" >"$RESULTS/$2-create.txt" 2>&1
        BODY="$RESULTS/heartbeat.bin" URL="$service/Heartbeat"
      fi ;;
  esac
}

stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }

run() {  # $1 server $2 index (for the summary) $3 run name
  start "$1" "$3"
  taskset -c "$H2LOAD_CPUS" h2load -c "$CONNS" -m 1 --rps 1 -t 1 -D "$SECS" --warm-up-time="${SETTLE}s" \
    -d "$BODY" -H 'content-type: application/grpc' -H 'te: trailers' "$URL" >"$RESULTS/$3-h2load.txt" 2>&1 &
  local load=$!
  sleep "$SETTLE"
  local t0 c0 t1 c1
  t0=$(date +%s.%N) c0=$(cpu "$PID")
  sleep "$SECS"
  t1=$(date +%s.%N) c1=$(cpu "$PID")
  wait "$load" || true
  stop
  local ok
  ok=$(sed -nE 's/^requests: .* ([0-9]+) succeeded.*/\1/p' "$RESULTS/$3-h2load.txt")
  local line
  line=$(awk -v a="$c0" -v b="$c1" -v c="$clk" -v t0="$t0" -v t1="$t1" -v ok="${ok:-0}" -v secs="$SECS" 'BEGIN{
    split(a, x, " "); split(b, y, " "); u = (y[1] - x[1]) / c; s = (y[2] - x[2]) / c; rate = ok / secs
    n = rate * (t1 - t0)
    printf "%.0f %.1f %.1f %.1f %.1f", rate, 100 * (u + s) / (t1 - t0), (n > 0 ? 1e6 * (u + s) / n : 0),
      (n > 0 ? 1e6 * u / n : 0), (n > 0 ? 1e6 * s / n : 0) }')
  echo "$2 $line" >>"$RESULTS/summary.txt"
  read -r rate pct us user sys <<<"$line"
  echo "  $1: $rate calls/s, server CPU $pct % of a core, $us µs per call ($user user + $sys system)"
}

servers=("${ours[@]}" "${peers[@]}")
echo "$(nproc) cores, $(uname -sr), $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ours: $CALL; h2load -c $CONNS -m 1 --rps 1 on CPU $H2LOAD_CPUS, server on CPU $SERVER_CPUS; ${SECS}s measured after ${SETTLE}s"
: >"$RESULTS/summary.txt"
n=${#servers[@]}
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r"
  for i in $(seq 0 $((n - 1))); do
    k=$(((i + r - 1) % n))
    run "${servers[$k]}" "$k" "s$k-r$r"
  done
done
echo "medians over $ROUNDS rounds (µs per call: total = user + system):"
for k in $(seq 0 $((n - 1))); do
  awk -v k="$k" -v s="${servers[$k]}" '
    function median(list,   n, a, i, j, t) { n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    $1 == k { rate = rate " " $2; pct = pct " " $3; us = us " " $4; u = u " " $5; sy = sy " " $6 }
    END { printf "  %s: %.0f calls/s, %.1f %% of a core, %.1f = %.1f + %.1f µs per call\n", s, median(rate), median(pct), median(us), median(u), median(sy) }
  ' "$RESULTS/summary.txt"
done
echo "raw outputs: $RESULTS"
