"""Benchmarks server replicas on one PostgreSQL database (a benchmark, never a test).

  tools/bench-replicas [--seconds 10] [--concurrency 64] [--only SCENARIO] [--profile]
  (builds the release binaries, starts a PostgreSQL with fsync on, runs this script), or:
  CLUSTERPOOL_TEST_POSTGRES_URL=postgres://... SERVER_BIN=.build/release/clusterpool-server \\
    LOAD_BIN=.build/release/clusterpool-load .venv/bin/python tools/bench-replicas.py [...]

Each scenario starts its servers on a fresh database of that instance and measures:
  gets         pool Get req/s on one server (h2load through tools/bench-load, -c 16 -m 32),
               PostgreSQL vs an SQLite file, both seeded alike (tools/bench-seed.py: 1,000 pools
               with 3 member clusters each), median of 5 rounds alternating which goes first;
               reads are served from memory on both
  creates      durable pool Creates/s from `--concurrency` concurrent calls (grpc.aio, one
               channel per replica): 1 replica; 3 replicas of one organization; two
               organizations, on one replica vs on two (each replica its default organization);
               each with the servers' CPU per Create (/proc/PID/stat utime+stime over the run)
  replicas     the Creates scenario of 3 replicas of one organization alone (for A/B runs)
  propagation  a watcher on replica B, CreateCluster calls one at a time on replica A: the time
               from A's reply (durable) to B's watch message, p50/p99/max
  heartbeats   5,000 clusters (clusterpool-load) heartbeating once a second, a third of them
               to each of 3 replicas: the database's row writes and commits per second
               (pg_stat_user_tables, pg_stat_database deltas) and each server's CPU
               (/proc/PID/stat utime+stime deltas)
--profile: servers log at debug level and each Creates scenario adds where a commit's time goes
(rows, statements, lock wait, time under the organization's lock, the rows' statement, COMMIT).
"""
import argparse
import asyncio
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))

import grpc  # noqa: E402
import protogen  # noqa: E402
from postgres_process import FreshDatabase, psql  # noqa: E402
from server_process import ServerProcess  # noqa: E402


def modules():
    protogen.generate(pathlib.Path(tempfile.mkdtemp(prefix="bench-replicas-")), skip=("grpc/",))
    return dict(cluster=protogen.module("cloudidl/cluster/cluster.proto"),
                pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
                common=protogen.module("cloudidl/common/common.proto"),
                grpc=protogen.module("cloudidl/cluster/cluster.proto", grpc=True),
                pool_grpc=protogen.module("cloudidl/clusterpool/clusterpool.proto", grpc=True))


def pool_message(m, name):
    c = m["common"]
    return m["pool"].ClusterPool(id=c.ClusterPoolIdentifier(name=name), config=c.ClusterPoolConfig(
        object_store_ref=c.ObjectStoreRef(uri=f"s3://{name}-bucket"), secret_store=c.SecretStore(type=1)))


EXTRA_ARGS = []  # --log-level debug with --profile


def start(binary, url, orgs, workdir):
    start.run = getattr(start, "run", 0) + 1
    return [ServerProcess(binary, ["--database", url, "--default-organization", org, "--default-identity", "bench",
                                   *EXTRA_ARGS], workdir / f"run{start.run}-server-{i}.log") for i, org in enumerate(orgs)]


def profile(servers, label):
    """Sums the servers' debug lines of each commit (PostgresTransaction: rows, statements,
    lock wait, time under the lock, commit time): where a batch's time goes."""
    import re
    batches = []
    for s in servers:
        for line in pathlib.Path(s.log_path).read_text(errors="replace").splitlines():
            if " committed " not in line and not line.rstrip().endswith("committed"):
                continue
            fields = dict(re.findall(r"(\w+)=([0-9.\-]+)", line))
            if "statements" in fields:
                batches.append(fields)
    if not batches:
        print(f"  {label}: no commit lines (is the server's log level debug?)")
        return

    def mean(k):
        values = [float(b[k]) for b in batches if b.get(k, "-") != "-"]
        return sum(values) / len(values) if values else float("nan")
    print(f"  profile {label}: {len(batches)} commits; per commit: {mean('rows'):.1f} rows, {mean('statements'):.1f} statements, "
          f"lock wait {mean('lock_wait_ms'):.2f} ms, under the lock {mean('locked_ms'):.2f} ms (rows' statement "
          f"{mean('write_ms'):.2f} ms, COMMIT {mean('commit_ms'):.2f} ms)")


def propagation(m, binary, admin, workdir, count=300):
    db = FreshDatabase(admin)
    servers = start(binary, db.url, ["acme", "acme"], workdir)
    try:
        a_ch, b_ch = (grpc.insecure_channel(s.target) for s in servers)
        a = m["grpc"].ClusterServiceStub(a_ch)
        m["pool_grpc"].ClusterPoolServiceStub(a_ch).Create(m["pool"].CreateRequest(cluster_pool=pool_message(m, "prod")),
                                                           timeout=10)
        stream = m["grpc"].ClusterServiceStub(b_ch).WatchClusters(m["cluster"].WatchClustersRequest(), timeout=600)
        next(stream)
        arrived = {}

        def watch():
            try:
                for message in stream:
                    for cluster in message.clusters:
                        arrived.setdefault(cluster.id.name, time.perf_counter())
            except grpc.RpcError:
                pass  # cancelled at the end
        threading.Thread(target=watch, daemon=True).start()
        replied = {}
        for i in range(count):
            name = f"c{i}"
            a.CreateCluster(m["cluster"].CreateClusterRequest(cluster_id=m["common"].ClusterIdentifier(name=name),
                                                              cluster_pool_name="prod"), timeout=10)
            replied[name] = time.perf_counter()
            time.sleep(0.01)
        deadline = time.monotonic() + 10
        while len(arrived) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        stream.cancel()
        lat = sorted((arrived[n] - replied[n]) * 1000 for n in replied if n in arrived)
        print(f"propagation A->B: {len(lat)}/{count} seen; p50 {statistics.median(lat):.1f} ms, "
              f"p99 {lat[int(len(lat) * 0.99) - 1]:.1f} ms, max {lat[-1]:.1f} ms (from A's reply to B's message)")
    finally:
        for s in servers:
            s.stop()
        db.drop()


async def creates(m, targets, seconds, concurrency, label):
    channels = [grpc.aio.insecure_channel(t) for t in targets]
    stubs = [m["pool_grpc"].ClusterPoolServiceStub(ch) for ch in channels]
    done = 0
    errors = 0
    end = time.perf_counter() + seconds

    async def worker(w):
        nonlocal done, errors
        stub = stubs[w % len(stubs)]
        i = 0
        while time.perf_counter() < end:
            try:
                await stub.Create(m["pool"].CreateRequest(cluster_pool=pool_message(m, f"w{w}-{i}")), timeout=30)
                done += 1
            except grpc.aio.AioRpcError:
                errors += 1
            i += 1
    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    elapsed = time.perf_counter() - started
    for ch in channels:
        await ch.close()
    print(f"{label}: {done / elapsed:.0f} Creates/s ({done} in {elapsed:.1f} s, {errors} errors, {concurrency} concurrent)")
    return done


def scenario(m, binary, admin, workdir, orgs, seconds, concurrency, label):
    db = FreshDatabase(admin)
    servers = start(binary, db.url, orgs, workdir)
    try:
        before = [ticks(s.pid) for s in servers]
        done = asyncio.run(creates(m, [s.target for s in servers], seconds, concurrency, label))
        per = [1000 * (ticks(s.pid) - b) / os.sysconf("SC_CLK_TCK") / max(done, 1) for s, b in zip(servers, before)]
        print(f"  server CPU per Create: {sum(per):.3f} ms (" + ", ".join(f"{p:.3f}" for p in per) +
              f" per server; /proc/PID/stat utime+stime over the run), load average {os.getloadavg()[0]:.1f}")
        if EXTRA_ARGS:
            for s in servers:
                s.stop()
            profile(servers, label)
    finally:
        for s in servers:
            s.stop()
        db.drop()


def bench_load(target, rpc, body, seconds, workdir, tag):
    """One h2load run through tools/bench-load; its RESULT fields."""
    out = subprocess.run([str(ROOT / "tools/bench-load"), target, rpc, str(body), str(int(seconds)), "16", "32",
                          str(workdir), tag], capture_output=True, text=True, check=True,
                         env={**os.environ, "H2LOAD_CPUS": os.environ.get("H2LOAD_CPUS", "")})
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    return dict(f.split("=", 1) for f in line.split()[1:])


def gets(binary, admin, workdir, seconds, rounds=5):
    """Pool Get req/s on one server, PostgreSQL vs SQLite, the same data seeded through each."""
    python = sys.executable
    body = workdir / "get.bin"
    subprocess.run([python, str(ROOT / "tools/bench-seed.py"), "x", "--request-body", str(body)], check=True)
    results = {"sqlite": [], "postgres": []}
    db = FreshDatabase(admin)
    try:
        for backend, database in (("sqlite", str(workdir / "gets.db")), ("postgres", db.url)):
            server = ServerProcess(binary, ["--database", database, "--default-identity", "bench"],
                                   workdir / f"gets-{backend}.log")
            try:
                seeded = subprocess.run([python, str(ROOT / "tools/bench-seed.py"), server.target, "--pools", "1000"],
                                        capture_output=True, text=True, check=True)
                print(f"  seeded {backend}: " + " / ".join(seeded.stdout.strip().splitlines()))
            finally:
                server.stop()
        for r in range(rounds):  # alternating (and which goes first), each on a server started afresh
            order = (("sqlite", str(workdir / "gets.db")), ("postgres", db.url))
            for backend, database in (order if r % 2 == 0 else order[::-1]):
                server = ServerProcess(binary, ["--database", database, "--default-identity", "bench",
                                                "--log-level", "warning"], workdir / f"gets-{backend}-{r}.log")
                try:
                    res = bench_load(server.target, "/cloudidl.clusterpool.ClusterPoolService/Get", body, seconds,
                                     workdir, f"get-{backend}-{r}")
                finally:
                    server.stop()
                results[backend].append(float(res["rps"]))
                print(f"  round {r + 1} {backend}: {float(res['rps']):.0f} req/s, p50 {res['p50_ms']} ms, "
                      f"p99 {res['p99_ms']} ms, failed {res['failed']}")
    finally:
        db.drop()
    sq, pg = (statistics.median(results[k]) for k in ("sqlite", "postgres"))
    print(f"pool Get, one server (h2load -c 16 -m 32, {seconds:.0f} s, median of {rounds}): SQLite {sq:.0f} req/s, "
          f"PostgreSQL {pg:.0f} req/s ({100 * (pg - sq) / sq:+.1f} %)")


def ticks(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def database_counters(url):
    """Row writes per table so far (pg_stat_user_tables: each session reports its own at most
    once a second, and up to 10 s late when idle), and, current at once, the transaction ids
    handed out (one per transaction that wrote) and the WAL position in bytes."""
    rows = psql(url, "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")
    tables = {name: int(n) for name, n in (line.split("|") for line in rows.splitlines() if line)}
    xid, wal = psql(url, "SELECT pg_current_xact_id()::text::bigint, pg_current_wal_lsn() - '0/0'").strip().split("|")
    return tables, int(xid), int(float(wal))


def heartbeats(binary, load_binary, admin, workdir, seconds, clusters=5000):
    """5,000 clusters heartbeating once a second over three replicas: database writes/s, server CPU."""
    db = FreshDatabase(admin)
    servers = start(binary, db.url, ["acme"] * 3, workdir)
    drivers = []
    try:
        share = [clusters // 3 + (1 if i < clusters % 3 else 0) for i in range(3)]
        settle = 12  # past the registrations' statistics (reported up to 10 s late), a health save, heartbeat exchanges
        duration = settle + int(seconds) + 10
        for i, (server, n) in enumerate(zip(servers, share)):
            log = open(workdir / f"heartbeats-driver-{i}.log", "w")
            drivers.append((subprocess.Popen([str(load_binary), "heartbeats", "--target", server.target, "--clusters", str(n),
                                              "--prefix", f"r{i}", "--duration", str(duration), "--slices", str(n)],
                                             stdout=log, stderr=subprocess.STDOUT), workdir / f"heartbeats-driver-{i}.log"))
        deadline = time.monotonic() + 120
        while not all("heartbeating" in path.read_text() for _, path in drivers):
            if time.monotonic() > deadline or any(p.poll() is not None for p, _ in drivers):
                raise RuntimeError("the heartbeat drivers did not start: " + " | ".join(x.read_text() for _, x in drivers))
            time.sleep(0.2)
        for _, path in drivers:
            print("  " + next(x for x in path.read_text().splitlines() if x.startswith("registered")))
        time.sleep(settle)
        t0, c0, (w0, x0, l0) = time.monotonic(), [ticks(s.pid) for s in servers], database_counters(db.url)
        time.sleep(seconds)
        t1, c1, (w1, x1, l1) = time.monotonic(), [ticks(s.pid) for s in servers], database_counters(db.url)
        elapsed = t1 - t0
        clk = os.sysconf("SC_CLK_TCK")
        cpu = [100 * (b - a) / clk / elapsed for a, b in zip(c0, c1)]
        writes = {t: (w1.get(t, 0) - w0.get(t, 0)) / elapsed for t in w1}
        busy = ", ".join(f"{t} {v:.0f}" for t, v in sorted(writes.items(), key=lambda kv: -kv[1]) if v >= 0.5)
        for p, _ in drivers:
            p.wait(timeout=duration + 60)
        results = [next((x for x in path.read_text().splitlines() if "RESULT" in x), "no RESULT") for _, path in drivers]
        rate = sum(float(dict(f.split("=", 1) for f in r.split() if "=" in f).get("rate", 0)) for r in results)
        print(f"heartbeats: {clusters} clusters over 3 replicas, {rate:.0f} heartbeats/s achieved; over {elapsed:.1f} s: "
              f"database: {(x1 - x0 - 1) / elapsed:.1f} write transactions/s, row writes {sum(writes.values()):.0f}/s ({busy}), "
              f"WAL {(l1 - l0) / elapsed / 1024:.0f} KiB/s; "
              f"server CPU " + " / ".join(f"{c:.1f} %" for c in cpu) + " of one core")
    finally:
        for p, _ in drivers:
            if p.poll() is None:
                p.kill()
        for s in servers:
            s.stop()
        db.drop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--only", choices=["gets", "creates", "replicas", "orgs", "propagation", "heartbeats"])
    ap.add_argument("--profile", action="store_true",
                    help="servers log at debug level; per Creates scenario, the mean commit's rows, statements and times")
    args = ap.parse_args()
    if args.profile:
        EXTRA_ARGS.extend(["--log-level", "debug"])
    admin = os.environ["CLUSTERPOOL_TEST_POSTGRES_URL"]
    binary = pathlib.Path(os.environ.get("SERVER_BIN", ROOT / ".build/release/clusterpool-server"))
    load_binary = pathlib.Path(os.environ.get("LOAD_BIN", ROOT / ".build/release/clusterpool-load"))
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="bench-replicas-logs-"))
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; PostgreSQL fsync "
          f"{psql(admin, 'SHOW fsync').strip()}, synchronous_commit {psql(admin, 'SHOW synchronous_commit').strip()}; "
          f"logs in {workdir}")
    m = modules()
    c, s = args.concurrency, args.seconds
    if args.only in (None, "gets"):
        gets(binary, admin, workdir, s)
    if args.only == "replicas":
        scenario(m, binary, admin, workdir, ["acme"] * 3, s, c, "3 replicas, 1 org")
    if args.only == "orgs":
        scenario(m, binary, admin, workdir, ["acme", "globex"], s, c, "2 replicas, 2 orgs (one each)")
    if args.only in (None, "creates"):
        scenario(m, binary, admin, workdir, ["acme"], s, c, "1 replica, 1 org")
        scenario(m, binary, admin, workdir, ["acme"] * 3, s, c, "3 replicas, 1 org")
        scenario(m, binary, admin, workdir, ["acme", "globex"], s, c, "2 replicas, 2 orgs (one each)")
    if args.only in (None, "propagation"):
        propagation(m, binary, admin, workdir)
    if args.only in (None, "heartbeats"):
        heartbeats(binary, load_binary, admin, workdir, s)


if __name__ == "__main__":
    main()
