"""Data and request bodies for `tools/bench reads` (tools/bench-reads.sh); never a test.

  bench-reads.py setup HOST:PORT OUT_DIR [--org acme]
      on a server seeded by bench-seed.py (pools pool-0000.. with clusters): creates the queue
      bench-queue in pool-0042 (routing to its member clusters) and writes the gRPC-framed
      request bodies OUT_DIR/<name>.bin listed by `bodies`
  bench-reads.py fill DATABASE --pools N [--clusters N] [--queues N] [--org acme]
      with the server stopped, copies the row of <org>/pool-0000 in the SQLite file as
      pool-0000 ... pool-<N-1> (names as bench-seed.py gives them; existing rows kept): one
      INSERT ... SELECT, seconds for 100,000 pools where gRPC Creates would take minutes; the
      row of cluster pool-0042-cluster-0 as c-000000 ... (into pool-0001, so that the pools
      and the queue the Gets read keep their members), and the row of the queue bench-queue
      as q-000000 ...
  bench-reads.py bodies
      prints the bodies' names and what each asks, one per line

The List bodies ask one page of 100 of acme's pools with a name filter: `sparse` matches the
last 100 names of 100,000 (CONTAINS pool-999), so a page needs every name looked at; `dense`
matches one name in ten (ENDS_WITH 7), `ci` is CONTAINS_CASE_INSENSITIVE POOL-999, `nofilter`
the first page without a filter. The ListClusters and ListQueues bodies ask a page of 100 of
the copied clusters (queues) the same way: `sparse` is CONTAINS c-0999 (q-0999), the last 100
names of 100,000, `nofilter` the first page.
"""
import argparse
import pathlib
import sqlite3
import struct
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "Tests" / "interop"))

BODIES = {
    "get-pool": "/cloudidl.clusterpool.ClusterPoolService/Get  acme/pool-0042",
    "get-cluster": "/cloudidl.cluster.ClusterService/GetCluster  acme/pool-0042-cluster-0",
    "get-queue": "/cloudidl.queue.QueueService/GetQueue  acme/bench-queue (pool-0042, its members)",
    "list-sparse": "/cloudidl.clusterpool.ClusterPoolService/List  CONTAINS name pool-999, limit 100",
    "list-ci": "/cloudidl.clusterpool.ClusterPoolService/List  CONTAINS_CASE_INSENSITIVE name POOL-999, limit 100",
    "list-dense": "/cloudidl.clusterpool.ClusterPoolService/List  ENDS_WITH name 7, limit 100",
    "list-nofilter": "/cloudidl.clusterpool.ClusterPoolService/List  no filter, limit 100",
    "clusters-sparse": "/cloudidl.cluster.ClusterService/ListClusters  CONTAINS name c-0999, limit 100",
    "clusters-nofilter": "/cloudidl.cluster.ClusterService/ListClusters  no filter, limit 100",
    "queues-sparse": "/cloudidl.queue.QueueService/ListQueues  CONTAINS name q-0999, limit 100",
    "queues-nofilter": "/cloudidl.queue.QueueService/ListQueues  no filter, limit 100",
}


def frame(message: bytes) -> bytes:
    return struct.pack(">BI", 0, len(message)) + message


def setup(target: str, out: pathlib.Path, org: str) -> None:
    import grpc
    import protogen
    protogen.generate(pathlib.Path(tempfile.mkdtemp(prefix="bench-reads-")), skip=("grpc/",))
    from cloudidl.clusterpool import clusterpool_pb2 as cp
    from cloudidl.cluster import cluster_pb2 as cl
    from cloudidl.common import common_pb2 as cm, list_pb2 as lm
    from cloudidl.queue import queue_pb2 as qu, queue_pb2_grpc as qu_grpc

    with grpc.insecure_channel(target) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        queues = qu_grpc.QueueServiceStub(channel)
        try:
            queues.CreateQueue(qu.CreateQueueRequest(
                id=cm.QueueIdentifier(organization=org, name="bench-queue"),
                spec=qu.QueueSpec(run_concurrency=10, action_concurrency=100, cluster_pool_name="pool-0042"),
                state=qu.QUEUE_STATE_ACTIVE), timeout=30)
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.ALREADY_EXISTS:
                raise

    def page(function, value):
        filters = [] if function is None else [lm.Filter(function=function, field="name", values=[value])]
        return lm.ListRequest(limit=100, filters=filters)

    def listing(function, value):
        return cp.ListRequest(organization=org, request=page(function, value))

    messages = {
        "get-pool": cp.GetRequest(id=cm.ClusterPoolIdentifier(organization=org, name="pool-0042")),
        "get-cluster": cl.GetRequest(cluster_id=cm.ClusterIdentifier(organization=org, name="pool-0042-cluster-0")),
        "get-queue": qu.GetQueueRequest(id=cm.QueueIdentifier(organization=org, name="bench-queue")),
        "list-sparse": listing(lm.Filter.CONTAINS, "pool-999"),
        "list-ci": listing(lm.Filter.CONTAINS_CASE_INSENSITIVE, "POOL-999"),
        "list-dense": listing(lm.Filter.ENDS_WITH, "7"),
        "list-nofilter": listing(None, ""),
        "clusters-sparse": cl.ListRequest(organization=org, request=page(lm.Filter.CONTAINS, "c-0999")),
        "clusters-nofilter": cl.ListRequest(organization=org, request=page(None, "")),
        "queues-sparse": qu.ListQueuesRequest(organization=org, request=page(lm.Filter.CONTAINS, "q-0999")),
        "queues-nofilter": qu.ListQueuesRequest(organization=org, request=page(None, "")),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, message in messages.items():
        (out / f"{name}.bin").write_bytes(frame(message.SerializeToString()))
    print(f"bench-queue in pool-0042; {len(messages)} request bodies in {out}")


def copies(db, table: str, org: str, template: str, count: int, pattern: str, replaced: dict) -> int:
    """Copies the row `template` of `table` as `count` rows named by `pattern` (printf), with
    `replaced` columns set to SQL expressions; returns the rows added."""
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    if not db.execute(f"SELECT 1 FROM {table} WHERE organization = ? AND name = ?", (org, template)).fetchone():
        sys.exit(f"no {table} row {org}/{template} to copy: seed it first")
    values = ["n.name" if c == "name" else replaced.get(c, f"t.{c}") for c in columns]
    before = db.execute(f"SELECT count(*) FROM {table} WHERE organization = ?", (org,)).fetchone()[0]
    with db:
        db.execute(
            f"""WITH RECURSIVE i(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM i WHERE v + 1 < ?),
                n(name) AS (SELECT printf(?, v) FROM i)
                INSERT OR IGNORE INTO {table} ({", ".join(columns)})
                SELECT {", ".join(values)} FROM n, {table} t
                WHERE t.organization = ? AND t.name = ?""", (count, pattern, org, template))
    return db.execute(f"SELECT count(*) FROM {table} WHERE organization = ?", (org,)).fetchone()[0] - before


def fill(database: str, pools: int, org: str, clusters: int = 0, queues: int = 0) -> None:
    db = sqlite3.connect(database)
    if clusters:
        added = copies(db, "clusters", org, "pool-0042-cluster-0", clusters, "c-%06d", {"pool_name": "'pool-50000'"})
        print(f"{database}: {added} clusters c-... copied from pool-0042-cluster-0 into pool-50000")
    if queues:
        added = copies(db, "queues", org, "bench-queue", queues, "q-%06d", {})
        print(f"{database}: {added} queues q-... copied from bench-queue")
    columns = [row[1] for row in db.execute("PRAGMA table_info(cluster_pools)")]
    if not db.execute("SELECT 1 FROM cluster_pools WHERE organization = ? AND name = 'pool-0000'", (org,)).fetchone():
        sys.exit(f"{database} has no pool {org}/pool-0000 to copy: seed it with bench-seed.py first")
    # every column as pool-0000's, but the name and the names inside its config
    values = []
    for column in columns:
        if column == "name":
            values.append("n.name")
        elif column in ("object_store_uri", "secret_store_locator"):
            values.append(f"replace(t.{column}, 'pool-0000', n.name)")
        else:
            values.append(f"t.{column}")
    before = db.execute("SELECT count(*) FROM cluster_pools WHERE organization = ?", (org,)).fetchone()[0]
    with db:
        db.execute(
            f"""WITH RECURSIVE i(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM i WHERE v + 1 < ?),
                n(name) AS (SELECT printf('pool-%04d', v) FROM i)
                INSERT OR IGNORE INTO cluster_pools ({", ".join(columns)})
                SELECT {", ".join(values)} FROM n, cluster_pools t
                WHERE t.organization = ? AND t.name = 'pool-0000'""", (pools, org))
    after = db.execute("SELECT count(*) FROM cluster_pools WHERE organization = ?", (org,)).fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"{database}: {org} has {after} pools ({after - before} copied from pool-0000)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    s.add_argument("target")
    s.add_argument("out", type=pathlib.Path)
    s.add_argument("--org", default="acme")
    f = sub.add_parser("fill")
    f.add_argument("database")
    f.add_argument("--pools", type=int, required=True)
    f.add_argument("--clusters", type=int, default=0)
    f.add_argument("--queues", type=int, default=0)
    f.add_argument("--org", default="acme")
    sub.add_parser("bodies")
    a = ap.parse_args()
    if a.cmd == "setup":
        setup(a.target, a.out, a.org)
    elif a.cmd == "fill":
        fill(a.database, a.pools, a.org, a.clusters, a.queues)
    else:
        for name, what in BODIES.items():
            print(f"{name}\t{what}")


if __name__ == "__main__":
    main()
