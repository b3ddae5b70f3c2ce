# tools/bench's memory mode (sourced by tools/bench after its helpers; never a test):
#
#   tools/bench memory    idle RSS of the release server, with an empty store and with the store
#                         tools/bench-peers seeds ($POOLS [1000] pools of acme with 3 clusters each
#                         and $EXTRA_POOLS [9000] of bulk), next to the C++ gRPC peer of
#                         ../shared/bench (its own 1,000 pools), in one run; then each one's RSS per
#                         idle HTTP/2 connection at $IDLE_CONNS [10000] connections that made one
#                         call each (tools/bench-idle-conns.py; $IDLE_CALLS [1] calls per connection;
#                         counted on top of $IDLE_WARM [16] opened first and kept open, so that pages
#                         a server maps once, e.g. code faulted back in, are not counted per connection);
#                         and the server's pool Get throughput and CPU per call (h2load, seeded)
#
# BASELINE_BIN=PATH measures that binary too (a copy of the server before a change), in rounds
# alternating with the one under test ($ROUNDS [1]). "Idle" RSS is VmRSS 1 s after one call (Get
# acme/pool-0042 when seeded, Health/Check when empty), as run-peers.sh reads it after its check;
# smaps-*.txt in $RESULTS attribute it by mapping. The open-file limit is raised to the hard limit
# (20,000 connections need it). Environment as tools/bench (SECS, CONNS, STREAMS, SERVER_CPUS,
# H2LOAD_CPUS, SCRATCH, RESULTS); BENCH_DIR [.build-benchpeers/bench] a writable copy of
# ../shared/bench, where the C++ peer is built when missing (LATENCY, PEERS unused).

memory_smaps() {  # $1 pid $2 out: RSS by mapping, largest first
  python3 - "$1" >"$2" <<'EOF'
import collections, re, sys
rss = collections.Counter(); anon = collections.Counter(); name = None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split()
        name = parts[5].rsplit("/", 1)[-1] if len(parts) > 5 else "[anonymous]"
    elif line.startswith("Rss:"):
        rss[name] += int(line.split()[1])
    elif line.startswith("Anonymous:"):
        anon[name] += int(line.split()[1])
print(f"{'mapping':44} {'RSS KiB':>8} {'of which anonymous':>18}")
for n, k in rss.most_common():
    if k: print(f"{n[:44]:44} {k:8} {anon[n]:18}")
print(f"{'total':44} {sum(rss.values()):8} {sum(anon.values()):18}")
EOF
}

memory_status() {  # $1 pid -> "rss anon file threads" in KiB
  awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} /^Threads/{t=$2} END{print r, a, f, t}' "/proc/$1/status"
}

memory_wait_port() {  # $1 port $2 pid
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# $1 label $2 binary (ours) or "cpp" $3 store: empty|seeded $4 idle connections (0: none)
# -> appends a row to MEMORY_ROWS; with $5 = load also measures pool Get under h2load
memory_measure() {
  local label=$1 bin=$2 store=$3 conns=$4 load=${5:-} db port rpc body out st verdict
  out="$RESULTS/$label-$store"
  port=$(free_port)
  if [ "$bin" = cpp ]; then
    taskset -c "$SERVER_CPUS" "$MEMORY_BENCH/cpp-peer/build/clusterpool_server" "$port" >"$out.log" 2>&1 &
    PID=$!
    rpc=/cloudidl.clusterpool.ClusterPoolService/Get body="$RESULTS/get.bin"
  else
    db="$out.db"; rm -f "$db" "$db-wal" "$db-shm"
    [ "$store" = seeded ] && cp "$RESULTS/seed.db" "$db"
    taskset -c "$SERVER_CPUS" "$bin" --host 127.0.0.1 --port "$port" --database "$db" \
      --log-level warning >"$out.log" 2>&1 &
    PID=$!
    if [ "$store" = seeded ]; then rpc=/cloudidl.clusterpool.ClusterPoolService/Get body="$RESULTS/get.bin"
    else rpc=/grpc.health.v1.Health/Check body="$RESULTS/health.bin"; fi
  fi
  memory_wait_port "$port" "$PID" || { echo "$label did not start; see $out.log" >&2; return 1; }
  PORT=$port
  if taskset -c "$H2LOAD_CPUS" "$py" tools/bench-grpc.py check "127.0.0.1:$port" "$rpc" "$body" >"$out.check" 2>&1
  then verdict=OK; else verdict=FAIL; fi
  sleep 1
  read -r rss anon file threads < <(memory_status "$PID")
  memory_smaps "$PID" "$RESULTS/smaps-$label-$store.txt"
  echo "  $label $store: check $verdict, RSS $(mib "$rss") MiB (anonymous $(mib "$anon"), files $(mib "$file")), $threads threads"
  local per=NA closed=NA at=NA rps=NA cost=NA
  if [ "$conns" -gt 0 ]; then
    taskset -c "$H2LOAD_CPUS" "$py" tools/bench-idle-conns.py "127.0.0.1:$port" --pid "$PID" \
      --connections "$conns" --steps "$((conns / 10))" --rpc "$rpc" --body "$body" \
      --calls "${IDLE_CALLS:-1}" --warm "${IDLE_WARM:-16}" >"$out.idle" 2>&1 || { cat "$out.idle" >&2; verdict="$verdict/idle:FAIL"; }
    sed 's/^/    /' "$out.idle" | grep -v RESULT
    st=$(grep "^RESULT connections=$conns " "$out.idle" || true)
    per=$(field "$st" per_conn_kib); at=$(mib "$(field "$st" rss_kib)")
    closed=$(mib "$(field "$(grep '^RESULT closed' "$out.idle" || true)" rss_kib)")
  fi
  if [ "$load" = load ]; then
    local f="$RESULTS/load-$label.txt" t0 t1 c0 c1 res
    t0=$(date +%s.%N); c0=$(ticks "$PID")
    tools/bench-load "127.0.0.1:$port" "$rpc" "$body" "$SECS" "$CONNS" "$STREAMS" "$RESULTS" "$label" >"$f"
    c1=$(ticks "$PID"); t1=$(date +%s.%N)
    res=$(grep '^RESULT' "$f"); rps=$(num "$(field "$res" rps)")
    cost=$(awk -v a="$c0" -v b="$c1" -v c="$clk" -v t0="$t0" -v t1="$t1" -v r="$(field "$res" rps)" \
      'BEGIN{ if (r > 0) printf "%.2f", 1e6 * (b - a) / c / (r * (t1 - t0)); else print "NA" }')
    echo "    pool Get -c$CONNS -m$STREAMS: $rps req/s, $cost µs server CPU per call ($(field "$res" failed) failed, $(field "$res" non2xx) non-2xx)"
  fi
  if taskset -c "$H2LOAD_CPUS" "$py" tools/bench-grpc.py check "127.0.0.1:$port" "$rpc" "$body" >"$out.check-after" 2>&1
  then :; else verdict="$verdict/after:FAIL"; fi
  kill "$PID" 2>/dev/null; for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$PID" 2>/dev/null && kill -9 "$PID"
  wait "$PID" 2>/dev/null || true; PID=""
  MEMORY_ROWS+=("| $label | $store | $verdict | $(mib "$rss") | $(mib "$anon") | $(mib "$file") | $threads | $at | $per | $closed | $rps | $cost |")
}

bench_memory() {
  local conns="${IDLE_CONNS:-10000}" r bins=() labels=() i
  ulimit -n "$(ulimit -Hn)"
  [ "$(ulimit -n)" -gt $((conns + 100)) ] || { echo "ulimit -n $(ulimit -n) is too low for $conns connections" >&2; return 1; }
  MEMORY_BENCH="${BENCH_DIR:-$(pwd)/.build-benchpeers/bench}"
  if [ ! -x "$MEMORY_BENCH/cpp-peer/build/clusterpool_server" ]; then
    [ -d "$MEMORY_BENCH" ] || { mkdir -p "$(dirname "$MEMORY_BENCH")"; cp -r ../shared/bench "$MEMORY_BENCH"; chmod -R u+w "$MEMORY_BENCH"; }
    "$MEMORY_BENCH/cpp-peer/build.sh"
  fi
  "$py" tools/bench-grpc.py health-body "$RESULTS/health.bin" "" >/dev/null
  echo "== seeding ${POOLS:-1000} pools of acme (3 clusters each) and ${EXTRA_POOLS:-9000} of bulk"
  SERVER_ARGS="--database $RESULTS/seed.db --log-level warning" start_server
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --pools "${POOLS:-1000}" --org acme >"$RESULTS/seed.txt" 2>&1
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --pools "${EXTRA_POOLS:-9000}" --org bulk \
    --clusters-per-pool 0 >>"$RESULTS/seed.txt" 2>&1
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --request-body "$RESULTS/get.bin" >/dev/null
  kill -TERM "$PID"; wait "$PID" || true; PID=""
  bins=("$SERVER_BIN"); labels=(ours)
  if [ -n "${BASELINE_BIN:-}" ]; then bins+=("$BASELINE_BIN"); labels+=(baseline); fi
  MEMORY_ROWS=()
  for r in $(seq 1 "$ROUNDS"); do
    echo "=== round $r"
    memory_measure "cpp-r$r" cpp seeded "$conns"
    for i in "${!bins[@]}"; do
      # baseline first in even rounds: neither binary always runs right after the C++ peer
      [ $((r % 2)) = 0 ] && i=$(( ${#bins[@]} - 1 - i ))
      memory_measure "${labels[$i]}-r$r" "${bins[$i]}" empty "$conns"
      memory_measure "${labels[$i]}-r$r" "${bins[$i]}" seeded 0 load
    done
  done
  {
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -sr), $(date -u +%FT%TZ), load average before: $LOAD_BEFORE"
    echo "ours: $SERVER_BIN${BASELINE_BIN:+; baseline: $BASELINE_BIN}; cpp: ../shared/bench's C++ gRPC peer; servers on CPU $SERVER_CPUS, clients on CPU $H2LOAD_CPUS"
    echo "RSS idle: VmRSS 1 s after one call; idle connections: $conns, each after ${IDLE_CALLS:-1} call(s), RSS once settled; pool Get: h2load -c$CONNS -m$STREAMS for ${SECS}s"
    echo
    echo "| server | store | check | RSS idle MiB | anonymous MiB | files MiB | threads | RSS with $conns idle conns MiB | KiB per idle conn | RSS after closing them MiB | pool Get req/s | server CPU µs per Get |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${MEMORY_ROWS[@]}"
  } | tee "$RESULTS/table.md"
}
