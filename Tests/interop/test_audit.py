"""The audit log (issue 12 point 5) with --auth on over TLS: every write appears once, with the
app that made it; refused calls are recorded too (UNAUTHENTICATED, PERMISSION_DENIED, a rule's
rejection); List filters and pages, Watch streams new records; `clusterpool-server audit
verify` passes, then names a record edited in the database; a flood of 10,000
unauthenticated calls leaves the table bounded, every call counted."""
import json
import sqlite3
import subprocess
import time
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import grpc
import pytest

import protogen
from test_authz import api_key, as_key
from test_cli import flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)
from test_clusterpool import make_pool
from test_clusters import code_of
from test_official_cli import dev_certs  # noqa: F401  (fixture)

S = grpc.StatusCode
POOLS = "/cloudidl.clusterpool.ClusterPoolService/"


@pytest.fixture(scope="module")
def m(pb):
    g = lambda path: protogen.module(path, grpc=True)  # noqa: E731
    return SimpleNamespace(
        app=protogen.module("cloudidl/identity/app.proto"), pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"), common=protogen.module("cloudidl/common/common.proto"),
        audit=protogen.module("clusterpool/audit/v1/audit.proto"),
        apps=g("cloudidl/identity/app.proto").AppsServiceStub, pools=g("cloudidl/clusterpool/clusterpool.proto").ClusterPoolServiceStub,
        clusters=g("cloudidl/cluster/cluster.proto").ClusterServiceStub, log=g("clusterpool/audit/v1/audit.proto").AuditServiceStub)


def start_secured(start_server, database, dev_certs, tmp_path, *extra):  # noqa: F811
    boot = tmp_path / "admin-key"
    srv = start_server("--tls-cert", str(dev_certs.cert), "--tls-key", str(dev_certs.key), "--default-organization", "acme",
                       "--bootstrap-credentials", str(boot), "--auth", "on", "--database", database("audit.db"), *extra,
                       test_service=False)
    creds = grpc.ssl_channel_credentials(root_certificates=dev_certs.ca.read_bytes())
    return srv, creds, boot.read_text().strip()


def records(m, log, admin, **filters):
    got, token = [], ""
    while True:
        page = log.List(m.audit.ListRequest(token=token, limit=3, **filters), timeout=10, metadata=as_key(admin))
        got += page.records
        token = page.next_token
        if not token:
            return got


def canonical_hash(r) -> str:
    """A record's hash recomputed from the encoding AuditRecord+Canonical.swift documents."""
    import hashlib
    import struct
    text = lambda v: struct.pack(">I", len(v.encode())) + v.encode()  # noqa: E731
    kind = {1: "user", 2: "app"}.get(r.identity.kind, "")
    data = (b"clusterpool-audit-v1" + struct.pack(">Qq", r.sequence, r.time.seconds * 1_000_000_000 + r.time.nanos)
            + b"".join(text(v) for v in (r.organization, kind, r.identity.subject, r.method, r.target.kind, r.target.name))
            + struct.pack(">i", r.outcome.code) + b"".join(text(v) for v in (r.outcome.message, r.request_id, r.peer))
            + struct.pack(">Q", r.count) + bytes.fromhex(r.previous_hash))
    return hashlib.sha256(data).hexdigest()


def edit(database, sql):
    """Runs `sql` on the test's audit.db behind the server's back."""
    if database.backend == "sqlite":
        with sqlite3.connect(database("audit.db")) as db:
            db.execute(sql)
    else:
        database.query("audit.db", sql)


def verify(server_bin, database):
    return subprocess.run([str(server_bin), "audit", "verify", "--database", database("audit.db")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_writes_and_refusals_recorded_listed_watched_and_verified(start_server, server_bin, database, dev_certs, m, tmp_path):  # noqa: F811
    srv, creds, admin = start_secured(start_server, database, dev_certs, tmp_path)
    with grpc.secure_channel(f"localhost:{srv.port}", creds) as ch:
        apps, pools, clusters, log = m.apps(ch), m.pools(ch), m.clusters(ch), m.log(ch)
        secret = apps.Create(m.app.CreateAppRequest(client_id="ci", client_name="ci"), timeout=10,
                             metadata=as_key(admin) + [("x-request-id", "req-make-ci")]).app.client_secret
        ci = api_key("ci", secret)
        start = records(m, log, admin)[-1].sequence
        # Watch from here, then the writes of the flow
        watched, ready = [], threading.Event()

        def watch():
            stream = log.Watch(m.audit.WatchRequest(after_sequence=start), timeout=30, metadata=as_key(admin))
            ready.set()
            for message in stream:
                watched.extend(message.records)
                if len([r for r in watched if r.outcome.code == 0]) >= 2:
                    stream.cancel()
                    return
        watcher = threading.Thread(target=watch)
        watcher.start()
        assert ready.wait(10)
        pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10, metadata=as_key(ci))
        clusters.CreateCluster(m.cluster.CreateClusterRequest(cluster_id=m.common.ClusterIdentifier(name="c1"),
                                                              cluster_pool_name="prod"), timeout=10, metadata=as_key(ci))
        watcher.join(30)
        assert not watcher.is_alive()
        assert [(r.method.rsplit("/", 1)[1], r.identity.subject, r.target.name) for r in watched if r.outcome.code == 0] == \
            [("Create", "ci", "prod"), ("CreateCluster", "ci", "c1")], watched
        # refusals: none credentials, a rule's rejection, an action the app lacks (contributor: no audit)
        assert code_of(lambda: pools.List(m.pool.ListRequest(), timeout=10))[0] == S.UNAUTHENTICATED
        assert code_of(lambda: pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "prod")), timeout=10,
                                            metadata=as_key(ci)))[0] == S.ALREADY_EXISTS
        assert code_of(lambda: log.List(m.audit.ListRequest(), timeout=10, metadata=as_key(ci)))[0] == S.PERMISSION_DENIED
        # refused calls are written in the background: wait for the three
        deadline = time.monotonic() + 20
        while len([r for r in records(m, log, admin) if r.outcome.code != 0]) < 3:
            assert time.monotonic() < deadline, records(m, log, admin)
            time.sleep(0.1)
        got = records(m, log, admin)
        # every write once, with the identity that made it; sequence numbers without gaps
        assert [r.sequence for r in got] == list(range(1, len(got) + 1))
        writes = [(r.method, r.identity.kind, r.identity.subject, r.target.kind, r.target.name) for r in got if r.outcome.code == 0]
        A = m.audit.IdentityKind.Value("IDENTITY_KIND_APP")
        assert writes == [
            ("clusterpool-server/bootstrap", 0, "", "app", "bootstrap-admin"),
            ("/cloudidl.identity.AppsService/Create", A, "bootstrap-admin", "app", "ci"),
            (POOLS + "Create", A, "ci", "pool", "prod"),
            ("/cloudidl.cluster.ClusterService/CreateCluster", A, "ci", "cluster", "c1"),
        ], got
        assert got[1].request_id == "req-make-ci" and len(got[2].request_id) == 32 and got[2].peer.startswith("127.0.0.1:")
        failed = {(r.method.rsplit("/", 1)[1], r.outcome.code, r.identity.subject) for r in got if r.outcome.code != 0}
        assert failed == {("List", 16, ""), ("Create", 6, "ci"), ("List", 7, "ci")}, got
        assert all(r.previous_hash == p.hash for p, r in zip(got, got[1:])) and got[0].previous_hash == "0" * 64
        assert [canonical_hash(r) for r in got] == [r.hash for r in got]
        # filters
        assert [r.target.name for r in records(m, log, admin, subject="ci", outcome=m.audit.OutcomeFilter.Value("OUTCOME_FILTER_SUCCESS"))] == ["prod", "c1"]
        assert [r.target.name for r in records(m, log, admin, method="CreateCluster")] == ["c1"]
        assert [r.outcome.code for r in records(m, log, admin, outcome=m.audit.OutcomeFilter.Value("OUTCOME_FILTER_CODE"), outcome_code=7)] == [7]
        assert [r.target.name for r in records(m, log, admin, target=m.audit.Target(kind="pool"))] == ["prod"]
        # another organization's log: PERMISSION_DENIED
        assert code_of(lambda: log.List(m.audit.ListRequest(organization="beta"), timeout=10, metadata=as_key(admin)))[0] == \
            S.PERMISSION_DENIED

    ok = verify(server_bin, database)  # while the server runs
    assert ok.returncode == 0 and "audit log verified" in ok.stdout, ok.stdout + ok.stderr
    assert srv.stop() == 0
    edit(database, "UPDATE audit_records SET identity_subject = 'mallory' WHERE sequence = 2")  # ci's CreateApp
    bad = verify(server_bin, database)
    assert bad.returncode == 1 and "audit record 2 of organization acme" in bad.stdout and "edited" in bad.stdout, \
        bad.stdout + bad.stderr


def test_a_flood_of_unauthenticated_calls_leaves_the_table_bounded(start_server, server_bin, database, dev_certs, m, tmp_path):  # noqa: F811
    srv, creds, admin = start_secured(start_server, database, dev_certs, tmp_path, "--audit-flood-window", "1")
    calls = 10_000
    channels = [grpc.secure_channel(f"localhost:{srv.port}", creds) for _ in range(4)]
    try:
        def burst(index):
            stub = m.pools(channels[index % len(channels)])
            futures = [stub.List.future(m.pool.ListRequest(), timeout=30) for _ in range(calls // 8)]
            return sum(1 for f in futures if f.exception() is not None and f.exception().code() == S.UNAUTHENTICATED)
        with ThreadPoolExecutor(8) as pool:
            refused = sum(pool.map(burst, range(8)))
        assert refused == calls
    finally:
        for channel in channels:
            channel.close()
    assert srv.stop() == 0  # the recorder writes what it still holds at shutdown
    rows = database.query("audit.db", "SELECT count(*), sum(count) FROM audit_records WHERE outcome_code = 16")
    stored, counted = int(rows[0][0]), int(rows[0][1])
    print(f"flood: {calls} calls, {stored} records")
    assert counted == calls, rows  # every call counted, ...
    assert stored <= 200, rows     # ... in a bounded number of records (5 + 1 per second of flood)
    ok = verify(server_bin, database)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_flyte_get_audit_log(flyte, pool_server, tmp_path):  # noqa: F811
    # with --auth off, changes are recorded as made by the server's default identity
    flyte("create", "api-key", "--name", "ci")
    (tmp_path / "role.yaml").write_text("name: ops\nactions: [ACTION_MANAGE_CLUSTER]\n")
    flyte("create", "role", "ops", "--file", str(tmp_path / "role.yaml"))
    assert "ALREADY_EXISTS" in flyte("create", "role", "ops", "--file", str(tmp_path / "role.yaml"), ok=False).stderr
    got = json.loads(flyte("get", "audit-log", "--since", "1h", "-of", "json").stdout)
    assert [(r["method"].rsplit("/", 1)[1], r["target"], r["outcome"]["code"]) for r in got if r["outcome"]["code"] == 0] == [
        ("Create", {"kind": "app", "name": "ci"}, 0), ("CreateRole", {"kind": "role", "name": "ops"}, 0)], got
    assert all(r["identity"]["subject"] for r in got) and got[1]["previous_hash"] == got[0]["hash"]
    # the rejected create is written in the background
    deadline = time.monotonic() + 20
    while not json.loads(flyte("get", "audit-log", "--failed", "-of", "json").stdout):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert [r["outcome"]["code"] for r in json.loads(flyte("get", "audit-log", "--method", "CreateRole", "-of", "json").stdout)] == [0, 6]
    subject = got[0]["identity"]["subject"]
    assert len(json.loads(flyte("get", "audit-log", "--subject", subject, "-of", "json").stdout)) == 3
    assert json.loads(flyte("get", "audit-log", "--subject", "nobody", "-of", "json").stdout) == []
    table = flyte("get", "audit-log", "--since", "2020-01-01T00:00:00Z").stdout
    assert table.splitlines()[0].split()[:4] == ["SEQ", "TIME", "IDENTITY", "METHOD"] and "CreateRole" in table, table
    assert "--since" in flyte("get", "audit-log", "--since", "yesterday", ok=False).stderr


def test_replicas_chain_one_log_and_watch_each_others_records(start_server, server_bin, postgres_database, m):
    servers = [start_server("--database", postgres_database, "--default-organization", "acme", "--default-identity", "py",
                            test_service=False) for _ in range(2)]
    channels = [grpc.insecure_channel(s.target) for s in servers]
    try:
        pools = [m.pools(ch) for ch in channels]
        pools[0].Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "before")), timeout=10)
        after = m.log(channels[0]).List(m.audit.ListRequest(), timeout=10).records[-1].sequence
        watched, ready = [], threading.Event()

        def watch():  # on replica B: records written through A arrive by its periodic read
            stream = m.log(channels[1]).Watch(m.audit.WatchRequest(after_sequence=after), timeout=60)
            ready.set()
            for message in stream:
                watched.extend(message.records)
                if any(r.target.name == "from-a" for r in watched):
                    stream.cancel()
                    return
        watcher = threading.Thread(target=watch)
        watcher.start()
        assert ready.wait(10)
        pools[0].Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "from-a")), timeout=10)
        watcher.join(30)
        assert not watcher.is_alive() and [r.target.name for r in watched] == ["from-a"], watched
        # concurrent writes through both replicas: one chain, no gap, verified
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: pools[i % 2].Create(m.pool.CreateRequest(cluster_pool=make_pool(m, f"p{i}")), timeout=30),
                          range(40)))
        got = m.log(channels[0]).List(m.audit.ListRequest(limit=1000), timeout=10).records
        assert [r.sequence for r in got] == list(range(1, 43)) and len({r.peer for r in got}) >= 2
    finally:
        for ch in channels:
            ch.close()
    ok = subprocess.run([str(server_bin), "audit", "verify", "--database", postgres_database],
                        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert ok.returncode == 0 and "42 records in 1 organizations" in ok.stdout, ok.stdout + ok.stderr


def test_cross_organization_denials_recorded_once(start_server, database, dev_certs, m, tmp_path):  # noqa: F811
    """A request naming another organization, refused inside the handler (CallScope), is recorded
    once in the caller's log with its identity, method and target, and its message tells nothing
    of the other organization's objects; the gate's refusals already were."""
    from test_clusterpool import pid
    srv, creds, admin = start_secured(start_server, database, dev_certs, tmp_path)
    with grpc.secure_channel(f"localhost:{srv.port}", creds) as ch:
        pools, log = m.pools(ch), m.log(ch)
        read = code_of(lambda: pools.Get(m.pool.GetRequest(id=pid(m, "betas-secret", org="beta")), timeout=10,
                                         metadata=as_key(admin) + [("x-request-id", "req-cross-read")]))
        write = code_of(lambda: pools.Create(m.pool.CreateRequest(cluster_pool=make_pool(m, "betas-plan", org="beta")),
                                             timeout=10, metadata=as_key(admin) + [("x-request-id", "req-cross-write")]))
        listed = code_of(lambda: log.List(m.audit.ListRequest(organization="beta"), timeout=10,
                                          metadata=as_key(admin) + [("x-request-id", "req-cross-log")]))
        assert read[0] == write[0] == listed[0] == S.PERMISSION_DENIED, (read, write, listed)
        deadline = time.monotonic() + 20
        while len([r for r in records(m, log, admin) if r.outcome.code == 7]) < 3:
            assert time.monotonic() < deadline, [(r.method, r.outcome.code, r.target) for r in records(m, log, admin)]
            time.sleep(0.1)
        time.sleep(0.5)  # a second record of the same call would be written with the first (one flush)
        denied = [r for r in records(m, log, admin) if r.outcome.code == 7]
        A = m.audit.IdentityKind.Value("IDENTITY_KIND_APP")
        assert sorted((r.request_id, r.method, r.organization, r.identity.kind, r.identity.subject, r.target.kind, r.target.name)
                      for r in denied) == [
            ("req-cross-log", "/clusterpool.audit.v1.AuditService/List", "acme", A, "bootstrap-admin", "", ""),
            ("req-cross-read", POOLS + "Get", "acme", A, "bootstrap-admin", "pool", "betas-secret"),
            ("req-cross-write", POOLS + "Create", "acme", A, "bootstrap-admin", "pool", "betas-plan"),
        ], denied
        for r in denied:
            assert "organization beta" in r.outcome.message and "betas-" not in r.outcome.message, r
        assert not [r for r in records(m, log, admin) if r.organization != "acme"]
