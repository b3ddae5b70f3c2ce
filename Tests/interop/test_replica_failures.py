"""Three replicas on one PostgreSQL database when things go wrong (issue 11 point 4): a write
through A read at once through B with A's `clusterpool-min-revision` (grpcio and our `flyte`);
a replica SIGKILLed under concurrent writes through all three loses no acknowledged write (and
leaves none half written), and catches up when started again; PostgreSQL restarted under load:
writes fail fast with UNAVAILABLE naming the database, reads go on from memory, and afterwards
every replica writes again and they all converge, with nothing acknowledged lost.

Writes here are CreateCluster calls into one pool: each writes a cluster row and its implicit
queue row in one transaction, so "never half" is checked in the database (every cluster row has
its queue row) and on the replicas (a pool's members are the clusters in the database)."""
import re
import subprocess
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest

from postgres_process import PostgresInstance, psql
from test_cli import SEED_MANIFEST, Flyte, flyte_bin  # noqa: F401 (fixture)
from test_clusters import cid, code_of
from test_replicas import pool_message

REV, MIN_REV = "clusterpool-revision", "clusterpool-min-revision"


def start_replicas(start_server, url, cl, count=3):  # noqa: F811
    """`count` servers on the database of `url`, each as SimpleNamespace(server, channel, clusters, pools)."""
    replicas = []
    for _ in range(count):
        replicas.append(connect(start_server("--database", url, "--default-organization", "acme",
                                             "--default-identity", "py-tester", test_service=False), cl))
    return replicas


def connect(server, cl):  # noqa: F811
    channel = grpc.insecure_channel(server.target)
    grpc.channel_ready_future(channel).result(timeout=10)
    return SimpleNamespace(server=server, channel=channel, clusters=cl.grpc.ClusterServiceStub(channel),
                           pools=cl.pool_grpc.ClusterPoolServiceStub(channel))


def revision_of(call) -> int:
    return int(dict(call.initial_metadata())[REV])


def create_cluster(replica, cl, name, timeout=10.0):  # noqa: F811
    """CreateCluster `name` into prod through `replica`; the revision its answer carried."""
    _, call = replica.clusters.CreateCluster.with_call(
        cl.cluster.CreateClusterRequest(cluster_id=cid(cl, name), cluster_pool_name="prod"), timeout=timeout)
    return revision_of(call)


def members_at(replica, cl, revision, pool="prod"):  # noqa: F811
    """prod's members read through `replica` once it has applied `revision` (no polling: the
    replica waits for it, bounded by the call's deadline)."""
    got = replica.pools.Get(cl.pool.GetRequest(id=cl.common.ClusterPoolIdentifier(name=pool)), timeout=20,
                            metadata=[(MIN_REV, str(revision))])
    return {m.name for m in got.cluster_pool.member_clusters}


def database_state(url):
    """(clusters, clusters with an implicit queue row, the store's revision) in the database."""
    clusters = set(psql(url, "SELECT name FROM clusters WHERE organization = 'acme'").split())
    queues = set(psql(url, "SELECT name FROM queues WHERE organization = 'acme' AND cluster_managed").split())
    revision = int(psql(url, "SELECT value FROM store_info WHERE key = 'revision'").strip())
    return clusters, queues, revision


class Writers:
    """Threads writing CreateCluster calls, `per_replica` per replica, each its own names, until
    stopped; every call's outcome kept: acknowledged (with its revision) or failed (code,
    message, seconds taken)."""

    def __init__(self, replicas, cl, per_replica=2, timeout=10.0, pause_after_failure=0.02):  # noqa: F811
        self.replicas, self.cl, self.timeout = replicas, cl, timeout
        self.pause_after_failure = pause_after_failure
        self.lock = threading.Lock()
        self.acked: dict[str, int] = {}
        self.acked_at: dict[str, float] = {}
        self.failed: dict[str, tuple] = {}
        self.by_replica: dict[int, list] = {i: [] for i in range(len(replicas))}
        self.progress = threading.Condition(self.lock)
        self.halt = threading.Event()
        self.retired: set[int] = set()  # replicas no longer written to (killed)
        self.threads = [threading.Thread(target=self.run, args=(i % len(replicas), i), daemon=True)
                        for i in range(per_replica * len(replicas))]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def run(self, replica_index, thread):
        replica = self.replicas[replica_index]
        n = 0
        while not self.halt.is_set() and replica_index not in self.retired:
            name = f"w{thread}-{n}"
            n += 1
            started = time.monotonic()
            try:
                revision = create_cluster(replica, self.cl, name, timeout=self.timeout)
                outcome = ("ok", revision)
            except grpc.RpcError as e:
                outcome = ("failed", (e.code(), e.details(), time.monotonic() - started))
            with self.progress:
                if outcome[0] == "ok":
                    self.acked[name] = outcome[1]
                    self.acked_at[name] = time.monotonic()
                else:
                    self.failed[name] = outcome[1]
                self.by_replica[replica_index].append((name, outcome, time.monotonic()))
                self.progress.notify_all()
            if outcome[0] == "failed":
                self.halt.wait(self.pause_after_failure)  # pacing while the database is away

    def wait_for(self, what, condition, timeout=60.0):
        with self.progress:
            assert self.progress.wait_for(condition, timeout), f"timed out waiting: {what}; last outcomes: " + "; ".join(
                f"{'ABC'[i]}: {calls[-1][1] if calls else None}" for i, calls in self.by_replica.items())

    def acked_through(self, index):
        return sum(1 for _, outcome, _ in self.by_replica[index] if outcome[0] == "ok")

    def stop(self):
        self.halt.set()
        for t in self.threads:
            t.join(30)
            assert not t.is_alive(), "a writer thread hung"


@pytest.fixture
def replicas(start_server, postgres_database, cl):  # noqa: F811
    replicas = start_replicas(start_server, postgres_database, cl)
    replicas[0].pools.Create(cl.pool.CreateRequest(cluster_pool=pool_message(cl, "prod")), timeout=10)
    yield replicas
    for r in replicas:
        r.channel.close()


def test_a_write_through_a_is_read_at_once_through_b_with_its_revision(replicas, cl, flyte_bin, tmp_path):  # noqa: F811
    a, b, c = replicas
    for i in range(20):  # each time a new write, read at once (no polling) through another replica
        writer, reader = replicas[i % 3], replicas[(i + 1) % 3]
        revision = create_cluster(writer, cl, f"c{i}")
        assert f"c{i}" in members_at(reader, cl, revision), f"round {i}: revision {revision}"

    # our flyte: -v prints the revision a command's answers carried, --min-revision sends it
    configs = {}
    for name, replica in (("a", a), ("b", b)):
        configs[name] = tmp_path / f"{name}.yaml"
        configs[name].write_text(f"admin:\n  endpoint: dns:///{replica.server.target}\n  insecure: true\n")
    (tmp_path / "home").mkdir()
    manifest = tmp_path / "staging.yaml"
    manifest.write_text(SEED_MANIFEST.replace("name: prod", "name: staging"))
    on_a, on_b = (Flyte(tmp_path / "home", configs[n], tmp_path) for n in ("a", "b"))
    created = on_a("-v", "create", "cluster-pool", "staging", "--file", str(manifest))
    revision = int(re.search(r"^revision: (\d+) ", created.stderr, re.M).group(1))
    shown = on_b("--min-revision", str(revision), "get", "cluster-pool", "staging", "-o", "json-raw")
    assert "my-prod-bucket" in shown.stdout, shown.stdout


def test_a_replica_killed_under_concurrent_writes_loses_no_acknowledged_write(
        replicas, cl, start_server, postgres_database):  # noqa: F811
    a, b, c = replicas
    writers = Writers(replicas, cl).start()
    try:
        writers.wait_for("30 writes acknowledged, some through C",
                         lambda: len(writers.acked) >= 30 and writers.acked_through(2) >= 3)
        c.server.signal(9)  # SIGKILL, mid-stream: C's writers have calls in flight
        assert c.server.proc.wait(10) == -9
        killed_at = time.monotonic()
        writers.retired.add(2)
        before = (writers.acked_through(0), writers.acked_through(1))
        writers.wait_for("A and B acknowledge 15 writes each after the kill",
                         lambda: writers.acked_through(0) >= before[0] + 15 and writers.acked_through(1) >= before[1] + 15)
    finally:
        writers.stop()
    # the killed server's exit is this test's doing, not a failure of its shutdown
    start_server.started.remove(c.server)
    c.server.stop()
    c.channel.close()

    clusters, queues, revision = database_state(postgres_database)
    assert clusters == queues, f"half-written: clusters without queue row {clusters - queues}, queues without cluster {queues - clusters}"
    lost = set(writers.acked) - clusters
    assert not lost, f"acknowledged writes missing from the database: {sorted(lost)}"
    for name, (code, details, _) in writers.failed.items():
        # only C's calls in flight when it died may fail; either outcome is allowed for them
        assert name.startswith(("w2-", "w5-")), f"{name} failed through a survivor: {code} {details}"
    assert set(writers.acked) | set(writers.failed) >= clusters, "the database holds a write nobody made"
    for survivor in (a, b):
        assert members_at(survivor, cl, revision) == clusters, "a survivor differs from the database"

    # C started again on the same database: loads everything, then follows new writes
    restarted = connect(start_server("--database", postgres_database, "--default-organization", "acme",
                                     "--default-identity", "py-tester", test_service=False), cl)
    try:
        assert members_at(restarted, cl, revision) == clusters
        later = create_cluster(a, cl, "after-restart")
        assert members_at(restarted, cl, later) == clusters | {"after-restart"}
        assert time.monotonic() - killed_at < 60
    finally:
        restarted.channel.close()


@pytest.fixture
def private_postgres(start_server):
    """A PostgreSQL instance of this test's own (it is stopped and started again): its URL and
    the instance; servers on it are stopped before it goes."""
    instance = PostgresInstance()
    try:
        yield instance
    finally:
        try:
            instance.up()  # when the test failed while it was down: servers stop with their database
        except RuntimeError:
            pass  # it was running
        for srv in start_server.started:
            try:
                srv.stop()
            except AssertionError:
                pass  # reported by start_server's teardown
        instance.stop()


def test_postgres_restarted_under_load(private_postgres, start_server, cl):  # noqa: F811
    url = private_postgres.url
    replicas = start_replicas(start_server, url, cl)
    replicas[0].pools.Create(cl.pool.CreateRequest(cluster_pool=pool_message(cl, "prod")), timeout=10)
    endpoint = re.search(r"@(127\.0\.0\.1:\d+/\w+)", url).group(1)
    deadline = 5.0
    writers = Writers(replicas, cl, timeout=deadline).start()
    try:
        writers.wait_for("30 writes acknowledged", lambda: len(writers.acked) >= 30)
        private_postgres.down()
        down_at = time.monotonic()
        # every replica answers writes with UNAVAILABLE naming the database, within the deadline
        writers.wait_for("a write failed through every replica while the database is down", lambda: all(
            any(o[0] == "failed" and t > down_at for _, o, t in writers.by_replica[i]) for i in range(3)))
        # reads go on from memory on every replica (each has at least the writes it acknowledged)
        for i, replica in enumerate(replicas):
            got = replica.pools.Get(cl.pool.GetRequest(id=cl.common.ClusterPoolIdentifier(name="prod")), timeout=5)
            with writers.lock:
                mine = {n for n, o, _ in writers.by_replica[i] if o[0] == "ok"}
            assert mine <= {m.name for m in got.cluster_pool.member_clusters}
        private_postgres.up()
        up_at = time.monotonic()
        marks = {i: len(writers.by_replica[i]) for i in range(3)}
        writers.wait_for("every replica acknowledges writes again", lambda: all(
            any(o[0] == "ok" for _, o, _ in writers.by_replica[i][marks[i]:]) for i in range(3)))
        back = {i: next(t for _, o, t in writers.by_replica[i][marks[i]:] if o[0] == "ok") - up_at for i in range(3)}
        writers.wait_for("10 writes acknowledged after the restart", lambda: sum(
            1 for i in range(3) for _, o, _ in writers.by_replica[i][marks[i]:] if o[0] == "ok") >= 10)
    finally:
        writers.stop()

    during = [(n, o, t) for i in range(3) for n, o, t in writers.by_replica[i] if o[0] == "failed"]
    assert during, "no write failed while the database was down"
    for name, (_, (code, details, took)), _ in during:
        assert code == grpc.StatusCode.UNAVAILABLE, f"{name}: {code} {details}"
        assert endpoint in details, f"{name}: the error names no database: {details}"
        assert took < deadline, f"{name} took {took:.2f}s, its deadline was {deadline}s"
    slowest = max(took for _, (_, (_, _, took)), _ in during)

    clusters, queues, revision = database_state(url)
    assert clusters == queues, f"half-written: {clusters ^ queues}"
    lost = set(writers.acked) - clusters
    assert not lost, f"acknowledged writes missing after the restart: {sorted(lost)}"
    for replica in replicas:
        assert members_at(replica, cl, revision) == clusters, "a replica did not converge"
    # a write on A after the restart is seen through B (B's follower reconnected)
    later = create_cluster(replicas[0], cl, "after-restart")
    assert "after-restart" in members_at(replicas[1], cl, later)
    for replica in replicas:
        assert replica.server.proc.poll() is None, "a replica exited while the database was down"
        replica.channel.close()
    print(f"\nPostgreSQL restart: {len(during)} writes failed while down (slowest answer {slowest:.3f}s); "
          f"first acknowledged write after `up` per replica: "
          + ", ".join(f"{'ABC'[i]} {back[i]:.3f}s" for i in range(3)))


def test_a_drift_report_to_one_replica_is_seen_on_every_replica_and_survives_restarts(
        replicas, cl, start_server, postgres_database):  # noqa: F811
    """Drift (a reported data plane differing from the pool's) is reported to A only: B and C
    read the cluster UNHEALTHY with the same reasons, and so does a replica started later,
    after A has stopped; a later report matching the pool heals it everywhere."""
    a, b, c = replicas
    common = cl.common
    created = create_cluster(a, cl, "c1")

    def report(replica, uri):
        data = cl.cluster.OperatorClusterData(
            metadata_object_store_ref=common.ObjectStoreRef(uri=uri), secret_store=common.SecretStore(type=1))
        replica.clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(
            cluster_id=cid(cl, "c1"), status=cl.cluster.Status(operator_cluster_data=data)), timeout=10)

    def status(replica):
        return replica.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, "c1")), timeout=10,
                                           metadata=[(MIN_REV, str(created))]).cluster.status

    def eventually(what, condition, timeout=20.0):
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"timed out waiting: {what}"
            time.sleep(0.02)

    drift = ["object store s3://elsewhere differs from pool prod's s3://prod-bucket"]
    report(a, "s3://elsewhere")
    assert list(status(a).unhealthy_reasons) == drift
    for name, replica in (("B", b), ("C", c)):
        eventually(f"{name} reads A's drift", lambda: list(status(replica).unhealthy_reasons) == drift)
        assert status(replica).health == cl.cluster.Status.UNHEALTHY
    # a heartbeat through B (newer, without a data plane) keeps the drift on every replica
    b.clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
    for replica in (a, b, c):
        assert list(status(replica).unhealthy_reasons) == drift
    # A stops (saving health at shutdown); a replica started afterwards reads the drift
    a.channel.close()
    assert a.server.stop() == 0
    late = connect(start_server("--database", postgres_database, "--default-organization", "acme",
                                "--default-identity", "py-tester", test_service=False), cl)
    try:
        assert list(status(late).unhealthy_reasons) == drift
        report(c, "s3://prod-bucket")  # healed, reported to C
        for name, replica in (("B", b), ("late", late)):
            eventually(f"{name} reads the cluster healed", lambda: status(replica).health == cl.cluster.Status.HEALTHY)
    finally:
        late.channel.close()
