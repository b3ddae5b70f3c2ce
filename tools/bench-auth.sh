# tools/bench's authentication mode (sourced by tools/bench after its helpers; never a test):
#
#   tools/bench auth    ClusterPoolService/Get of acme/pool-0042 over gRPC on two release
#                       servers of the same data: one --auth off, one --auth on called with the
#                       bootstrap admin's API key as the bearer and with a JWT its token endpoint
#                       issued, and POST /oauth2/token (client-credentials, Basic) issuances per
#                       second; each round runs off, off+key, api-key, off+jwt, jwt, token
#
# off+key and off+jwt send the API key's and the JWT's `authorization` header to the --auth off
# server, which ignores it: what carrying the header costs (h2load encodes it, as nghttp2 does
# every `authorization` field, as a never-indexed literal, Huffman-coded on every request, and
# the server decodes it), apart from what verifying it costs (api-key, jwt against them).
# cpp and cpp+jwt do the same to the C++ gRPC peer of ../shared/bench (which checks no
# credential) when its binary is there: CPP_PEER_BIN [.build-benchpeers/bench/cpp-peer/build/
# clusterpool_server, as tools/bench-peers builds it]; port CPP_PORT [50051].
#
# The --auth on server starts on an empty store (it writes the admin's FLYTE_API_KEY to
# bootstrap-credentials), is seeded with $POOLS [1000] pools of 3 clusters (tools/bench-seed.py
# with the key as bearer) and stopped; the --auth off server gets a copy of that file, so both
# serve the same rows. Concurrency and environment as tools/bench (SECS, CONNS, STREAMS, WARMUP,
# SERVER_CPUS, H2LOAD_CPUS, SCRATCH, RESULTS); AUTH_ROUNDS [3] rounds, TOKEN_STREAMS [4] streams
# per connection for the token endpoint. h2load sees HTTP status only and a refused gRPC call is
# HTTP 200: each run's response data bytes per call (the warm-up's included, so a little more)
# must be at least the reply's size (a refusal carries none), and grpcio checks every credential
# before and after.

auth_start() {  # $1 name, then server flags; sets AUTH_PID and AUTH_PORT
  local name=$1; shift
  : >"$RESULTS/server-$name.out"  # polled below before the server may have opened it
  taskset -c "$SERVER_CPUS" "$SERVER_BIN" --host 127.0.0.1 --port 0 --log-level warning "$@" \
    >"$RESULTS/server-$name.out" 2>"$RESULTS/server-$name.log" &
  AUTH_PID=$! AUTH_PORT=""
  for _ in $(seq 1 300); do
    AUTH_PORT=$(sed -nE 's/^listening on [^ ]+:([0-9]+)$/\1/p' "$RESULTS/server-$name.out")
    [ -n "$AUTH_PORT" ] && return 0
    kill -0 "$AUTH_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $name did not print 'listening on'; see $RESULTS/server-$name.log" >&2; return 1
}

auth_stop() {  # $1 pid: SIGTERM and wait; sets AUTH_EXIT to its exit status
  kill "$1" 2>/dev/null || true
  AUTH_EXIT=0; wait "$1" || AUTH_EXIT=$?
}

auth_check() {  # $1 port $2 bearer (or "") $3 suffix -> verdict
  local args=(); [ -n "$2" ] && args=(--bearer "$2")
  if taskset -c "$H2LOAD_CPUS" "$py" tools/bench-grpc.py check "127.0.0.1:$1" "$RPC" "$RESULTS/get-grpc.bin" \
       "${args[@]}" >"$RESULTS/check$3.txt" 2>&1; then echo OK; else echo "FAIL($(head -c 160 "$RESULTS/check$3.txt"))"; fi
}

bench_auth() {
  local rounds="${AUTH_ROUNDS:-3}" key id secret jwt basic
  RPC=/cloudidl.clusterpool.ClusterPoolService/Get
  auth_start on --database "$RESULTS/auth.db" --auth on --default-organization acme \
    --bootstrap-credentials "$RESULTS/admin-key"
  PID=$AUTH_PID PORT=$AUTH_PORT
  key=$(cat "$RESULTS/admin-key")
  read -r id secret < <("$py" -c 'import base64, sys; p = base64.b64decode(sys.argv[1]).decode().split(":"); print(p[-3], p[-2])' "$key")
  echo "== seeding ${POOLS:-1000} pools (3 clusters each) as app $id"
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --pools "${POOLS:-1000}" --clusters-per-pool 3 --bearer "$key" \
    >"$RESULTS/seed.txt" 2>&1 || { cat "$RESULTS/seed.txt" >&2; return 1; }
  tail -2 "$RESULTS/seed.txt" | sed 's/^/  /'
  "$py" tools/bench-seed.py "127.0.0.1:$PORT" --request-body "$RESULTS/get-grpc.bin"
  auth_stop "$PID"; PID=""
  [ "$AUTH_EXIT" = 0 ] || { echo "the seeded server exited $AUTH_EXIT" >&2; return 1; }
  cp "$RESULTS/auth.db" "$RESULTS/open.db"
  [ -f "$RESULTS/auth.db-wal" ] && cp "$RESULTS/auth.db-wal" "$RESULTS/open.db-wal"
  # globals: the trap below runs after this function returned
  auth_start on --database "$RESULTS/auth.db" --auth on --default-organization acme \
    --bootstrap-credentials "$RESULTS/admin-key"
  on_pid=$AUTH_PID on_port=$AUTH_PORT
  trap 'kill $on_pid 2>/dev/null || true' EXIT INT TERM
  auth_start off --database "$RESULTS/open.db" --auth off --default-organization acme
  off_pid=$AUTH_PID off_port=$AUTH_PORT
  trap 'kill $on_pid $off_pid 2>/dev/null || true' EXIT INT TERM
  basic="Basic $(printf '%s:%s' "$id" "$secret" | base64 -w0)"
  jwt=$(curl -s --max-time 10 -H "authorization: $basic" -d grant_type=client_credentials \
    "http://127.0.0.1:$on_port/oauth2/token" | "$py" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
  printf 'grant_type=client_credentials' >"$RESULTS/token-form.txt"
  local modes="off off+key api-key off+jwt jwt token" cpp_bin=${CPP_PEER_BIN:-.build-benchpeers/bench/cpp-peer/build/clusterpool_server}
  cpp_pid="" cpp_port=${CPP_PORT:-50051}
  if [ -x "$cpp_bin" ]; then
    taskset -c "$SERVER_CPUS" "$cpp_bin" "$cpp_port" >"$RESULTS/server-cpp.log" 2>&1 &
    cpp_pid=$!
    trap 'kill $on_pid $off_pid $cpp_pid 2>/dev/null || true' EXIT INT TERM
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$cpp_port") 2>/dev/null && break; sleep 0.1; done
    modes="$modes cpp cpp+jwt"
  else
    echo "  (no C++ peer at $cpp_bin: tools/bench-peers builds it; cpp modes skipped)"
  fi
  local verdict
  verdict="off:$(auth_check "$off_port" "" -off) api-key:$(auth_check "$on_port" "$key" -key) jwt:$(auth_check "$on_port" "$jwt" -jwt) none:$(auth_check "$on_port" "" -none)"
  echo "  check: $verdict (auth on without a credential must FAIL)"
  local reply; reply=$("$py" -c 'import sys; print(int(sys.argv[1].split(",")[1].split("-byte")[0]) + 5)' "$(cat "$RESULTS/check-off.txt")")

  local rows=() r mode port auth f res c0 c1 t0 t1 pid rps cost per
  declare -A base
  for r in $(seq 1 "$rounds"); do
    for mode in $modes; do
      case $mode in
        off) pid=$off_pid port=$off_port auth="" ;;
        off+key) pid=$off_pid port=$off_port auth="Bearer $key" ;;
        off+jwt) pid=$off_pid port=$off_port auth="Bearer $jwt" ;;
        api-key) pid=$on_pid port=$on_port auth="Bearer $key" ;;
        jwt) pid=$on_pid port=$on_port auth="Bearer $jwt" ;;
        token) pid=$on_pid port=$on_port auth="$basic" ;;
        cpp) pid=$cpp_pid port=$cpp_port auth="" ;;
        cpp+jwt) pid=$cpp_pid port=$cpp_port auth="Bearer $jwt" ;;
      esac
      f="$RESULTS/load-$mode-r$r.txt"
      t0=$(date +%s.%N); c0=$(ticks "$pid")
      if [ "$mode" = token ]; then
        AUTHORIZATION=$auth CONTENT_TYPE=application/x-www-form-urlencoded tools/bench-load "127.0.0.1:$port" \
          /oauth2/token "$RESULTS/token-form.txt" "$SECS" "$CONNS" "${TOKEN_STREAMS:-4}" "$RESULTS" "$mode-r$r" >"$f"
      else
        AUTHORIZATION=$auth tools/bench-load "127.0.0.1:$port" "$RPC" "$RESULTS/get-grpc.bin" "$SECS" "$CONNS" "$STREAMS" \
          "$RESULTS" "$mode-r$r" >"$f"
      fi
      c1=$(ticks "$pid"); t1=$(date +%s.%N)
      echo "=== $mode round $r"; sed 's/^/  /' "$f"
      res=$(grep '^RESULT' "$f"); rps=$(field "$res" rps)
      cost=$(awk -v a="$c0" -v b="$c1" -v c="$clk" -v t0="$t0" -v t1="$t1" -v r="$rps" \
        'BEGIN{ if (r > 0) printf "%.1f", 1e6 * (b - a) / c / (r * (t1 - t0)); else print "NA" }')
      per=$(awk -v d="$(field "$res" data_bytes)" -v n="$(field "$res" done)" 'BEGIN{ if (n > 0) printf "%.0f", d / n; else print 0 }')
      [ "$mode" = off ] && base[$r]=$rps
      rows+=("| $mode | $r | $(num "$rps") | $(awk -v a="$rps" -v b="${base[$r]}" 'BEGIN{printf "%.3f", a / b}') | $(field "$res" p50_ms) | $(field "$res" p99_ms) | $(field "$res" failed)/$(field "$res" errored) ($(field "$res" non2xx)) | $per | $cost | $(field "$res" h2load_cpu_pct) |")
      echo "$mode $rps $cost $per" >>"$RESULTS/rounds.txt"
    done
  done
  local after
  after="off:$(auth_check "$off_port" "" -off-after) api-key:$(auth_check "$on_port" "$key" -key-after) jwt:$(auth_check "$on_port" "$jwt" -jwt-after)"
  echo "  check after load: $after"
  local codes
  auth_stop "$on_pid"; codes="on:$AUTH_EXIT"
  auth_stop "$off_pid"; codes="$codes off:$AUTH_EXIT"
  [ -n "$cpp_pid" ] && { kill "$cpp_pid" 2>/dev/null; wait "$cpp_pid" 2>/dev/null || true; }
  {
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(uname -sr), $(date -u +%FT%TZ)"
    echo "unary $RPC (acme/pool-0042 of ${POOLS:-1000} pools, gRPC reply $reply bytes) and POST /oauth2/token; server on CPU $SERVER_CPUS, h2load on CPU $H2LOAD_CPUS; ${SECS}s measured after $WARMUP warm-up; checks $verdict, after load $after, server exits $codes"
    echo
    echo "| mode | round | req/s (-c$CONNS -m$STREAMS; token -m${TOKEN_STREAMS:-4}) | vs off | p50 ms | p99 ms | failed/errored (non-2xx) | data bytes/call | server CPU µs/req | h2load CPU % |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "medians over $rounds rounds (req/s, server CPU µs/req; vs off by req/s and by CPU):"
    awk '{ n[$1]++; r[$1, n[$1]] = $2; c[$1, n[$1]] = $3 }
      function med(a, m, k,   i, j, t, v) { for (i = 1; i <= k; i++) v[i] = a[m, i]
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
        return v[int((k + 1) / 2)] }
      END { ro = med(r, "off", n["off"]); co = med(c, "off", n["off"])
        split("off off+key api-key off+jwt jwt token cpp cpp+jwt", ms, " ")
        for (i = 1; i <= 8; i++) { m = ms[i]; if (!n[m]) continue
          printf "  %-8s %8.0f req/s %7.1f µs/req", m, med(r, m, n[m]), med(c, m, n[m])
          if (m != "token" && m != "off" && m !~ /^cpp/) printf "   req/s %.3f x off, CPU %.3f x off", med(r, m, n[m]) / ro, med(c, m, n[m]) / co
          if (m == "api-key" && n["off+key"]) printf "; vs off+key: req/s %.3f x, CPU %.3f x", med(r, m, n[m]) / med(r, "off+key", n["off+key"]), med(c, m, n[m]) / med(c, "off+key", n["off+key"])
          if (m == "cpp+jwt" && n["cpp"]) printf "; vs cpp: req/s %.3f x, CPU %.3f x", med(r, m, n[m]) / med(r, "cpp", n["cpp"]), med(c, m, n[m]) / med(c, "cpp", n["cpp"])
          if (m == "jwt" && n["off+jwt"]) printf "; vs off+jwt: req/s %.3f x, CPU %.3f x", med(r, m, n[m]) / med(r, "off+jwt", n["off+jwt"]), med(c, m, n[m]) / med(c, "off+jwt", n["off+jwt"])
          printf "\n" } }' "$RESULTS/rounds.txt"
  } | tee "$RESULTS/table.md"
  for mode in off off+key api-key off+jwt jwt; do
    awk -v m="$mode" -v want="$reply" '$1 == m && $4 < want { bad = 1 } END { exit bad }' "$RESULTS/rounds.txt" \
      || echo "WARNING: $mode runs got less than a $reply-byte reply per call: refused calls" >&2
  done
}
