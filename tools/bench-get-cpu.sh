#!/usr/bin/env bash
# Server CPU per pool Get (utime+stime of /proc/PID/stat over N calls), for A/B runs of release
# binaries in one sitting, alternated as listed: what a per-call change costs, independent of
# the machine's load (unlike req/s). Never part of the tests.
#
#   tools/bench-get-cpu.sh N TAG=BINARY [TAG=BINARY ...]
#   e.g. tools/bench-get-cpu.sh 200000 before=/tmp/a after=/tmp/b before=/tmp/a after=/tmp/b
#
# Each run: a fresh SQLite store in a temporary folder, the server pinned to CPU 1, 100 pools
# seeded (tools/bench-seed.py), 20,000 Gets of acme/pool-0042 to warm up, then N measured Gets
# (h2load -c 8 -m 16 on CPU 0; CONNS and STREAMS change -c and -m, e.g. CONNS=16 STREAMS=32).
# SERVER_ARGS: extra flags given to every binary (e.g. "--access-log off"). Needs .venv
# (Tests/interop/requirements.txt) and h2load.
set -euo pipefail
cd "$(dirname "$0")/.."
py="${PYTHON:-.venv/bin/python}"
clk=$(getconf CLK_TCK)
N=$1; shift
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
body="$work/get.bin"
"$py" tools/bench-seed.py x --request-body "$body"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for pair in "$@"; do
  tag=${pair%%=*}; bin=${pair#*=}
  out="$work/$tag.$RANDOM.out"; : >"$out"
  taskset -c 1 "$bin" --port 0 --database "$work/$tag.$RANDOM.db" ${SERVER_ARGS:-} >"$out" 2>"$work/server.err" & pid=$!
  for _ in $(seq 600); do grep -q 'listening on' "$out" && break; sleep 0.1; done
  port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out")
  "$py" tools/bench-seed.py "127.0.0.1:$port" --pools 100 --clusters-per-pool 3 >/dev/null
  h2() { taskset -c 0 h2load -n "$1" -c "${CONNS:-8}" -m "${STREAMS:-16}" -t 1 -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$port/cloudidl.clusterpool.ClusterPoolService/Get"; }
  h2 20000 >/dev/null
  t0=$(ticks $pid)
  res=$(h2 "$N")
  t1=$(ticks $pid)
  ok=$(grep -o '[0-9]* succeeded' <<<"$res" | head -1)
  awk -v a="$t0" -v b="$t1" -v c="$clk" -v n="$N" -v tag="$tag" -v ok="$ok" \
    'BEGIN{printf "%s: %.2f us server CPU/call (%d ticks; %s of %d)\n", tag, (b-a)/c/n*1e6, b-a, ok, n}'
  kill -TERM $pid; wait $pid || true
done
