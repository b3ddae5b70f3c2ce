"""Benchmarks server replicas on one PostgreSQL database (a benchmark, never a test).

  CLUSTERPOOL_TEST_POSTGRES_URL=postgres://... SERVER_BIN=.build/release/clusterpool-server \\
    .venv/bin/python tools/bench-replicas.py [--seconds 10] [--concurrency 64]

Each scenario starts its servers on a fresh database (tools/postgres's instance) and measures:
  propagation  a watcher on replica B, CreateCluster calls one at a time on replica A: the time
               from A's reply (durable) to B's watch message, p50/p99/max
  creates      durable pool Creates/s from `--concurrency` concurrent calls (grpc.aio, one
               channel per replica): 1 replica; 3 replicas of one organization; two
               organizations, on one replica vs on two (each replica its default organization)
"""
import argparse
import asyncio
import os
import pathlib
import statistics
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))

import grpc  # noqa: E402
import protogen  # noqa: E402
from postgres_process import FreshDatabase  # noqa: E402
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


def start(binary, url, orgs, workdir):
    return [ServerProcess(binary, ["--database", url, "--default-organization", org, "--default-identity", "bench"],
                          workdir / f"server-{i}.log") for i, org in enumerate(orgs)]


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


def scenario(m, binary, admin, workdir, orgs, seconds, concurrency, label):
    db = FreshDatabase(admin)
    servers = start(binary, db.url, orgs, workdir)
    try:
        asyncio.run(creates(m, [s.target for s in servers], seconds, concurrency, label))
    finally:
        for s in servers:
            s.stop()
        db.drop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--only", choices=["propagation", "creates", "orgs"])
    args = ap.parse_args()
    admin = os.environ["CLUSTERPOOL_TEST_POSTGRES_URL"]
    binary = pathlib.Path(os.environ.get("SERVER_BIN", ROOT / ".build/release/clusterpool-server"))
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="bench-replicas-logs-"))
    m = modules()
    if args.only != "creates":
        propagation(m, binary, admin, workdir)
    c, s = args.concurrency, args.seconds
    if args.only == "orgs":
        scenario(m, binary, admin, workdir, ["acme", "globex"], s, c, "2 replicas, 2 orgs (one each)")
    elif args.only != "propagation":
        scenario(m, binary, admin, workdir, ["acme"], s, c, "1 replica, 1 org")
        scenario(m, binary, admin, workdir, ["acme"] * 3, s, c, "3 replicas, 1 org")
        scenario(m, binary, admin, workdir, ["acme"], s, c, "1 replica, 1 org (baseline for 2 orgs)")
        scenario(m, binary, admin, workdir, ["acme", "globex"], s, c, "2 replicas, 2 orgs (one each)")


if __name__ == "__main__":
    main()
