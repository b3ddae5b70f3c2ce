#!/usr/bin/env bash
# Server CPU per pool Get, GetQueue and GetCluster (utime+stime of /proc/PID/stat over N calls
# each), release binaries alternated as listed, on the database and request bodies a
# `tools/bench reads` run left in its results folder (reads.db, bodies/): what GetQueue costs
# next to a pool Get, independent of the machine's load (unlike req/s). Never part of the tests.
#
#   tools/bench-reads-cpu.sh RESULTS N TAG=BINARY [TAG=BINARY ...]
#   e.g. tools/bench-reads-cpu.sh results/bench-X 200000 before=/tmp/a after=/tmp/b before=/tmp/a after=/tmp/b
#
# Each run: a copy of RESULTS/reads.db, the server pinned to CPU 1 (--log-level warning, as
# tools/bench reads), then per call 20,000 to warm up and N measured (h2load -c 8 -m 16 on CPU 0).
set -euo pipefail
cd "$(dirname "$0")/.."
results=$1 N=$2; shift 2
clk=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
calls="get-pool:/cloudidl.clusterpool.ClusterPoolService/Get get-queue:/cloudidl.queue.QueueService/GetQueue"
calls+=" get-cluster:/cloudidl.cluster.ClusterService/GetCluster"
for pair in "$@"; do
  tag=${pair%%=*}; bin=${pair#*=}
  db="$work/$tag.db"; cp "$results/reads.db" "$db"
  out="$work/$tag.out"; : >"$out"
  taskset -c 1 "$bin" --host 127.0.0.1 --port 0 --log-level warning --database "$db" >"$out" 2>"$work/server.err" & pid=$!
  for _ in $(seq 600); do grep -q 'listening on' "$out" && break; sleep 0.1; done
  port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out")
  line="$tag:"
  for call in $calls; do
    name=${call%%:*}; path=${call#*:}
    h2() { taskset -c 0 h2load -n "$1" -c 8 -m 16 -t 1 -d "$results/bodies/$name.bin" -H 'content-type: application/grpc' \
      -H 'te: trailers' "http://127.0.0.1:$port$path"; }
    h2 20000 >/dev/null
    t0=$(ticks $pid); res=$(h2 "$N"); t1=$(ticks $pid)
    ok=$(grep -o '[0-9]* succeeded' <<<"$res" | head -1 | cut -d' ' -f1)
    line+=" $name $(awk -v a="$t0" -v b="$t1" -v c="$clk" -v n="$N" 'BEGIN{printf "%.2f", (b-a)/c/n*1e6}') us ($ok of $N ok)"
  done
  echo "$line"
  kill -TERM $pid; wait $pid || true
  rm -f "$db"
done
