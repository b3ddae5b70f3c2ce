"""Operator endpoints: GET /metrics (Prometheus text), /healthz and /readyz on the RPC port over
HTTP/1.1 and HTTP/2 and on --metrics-port; the store gauges against the store; /readyz 503 while
shutting down and while PostgreSQL is down."""
import http.client
import re
import signal
import time

import grpc
import pytest

import protogen
from clients import echo_stub
from postgres_process import PostgresInstance
from raw_h2 import RawH2Connection

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def get1(port: int, path: str) -> tuple[int, str, str]:
    """GET over HTTP/1.1: status, content-type, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("content-type") or "", resp.read().decode()
    finally:
        conn.close()


def get2(port: int, path: str) -> tuple[int, str, str]:
    """GET over HTTP/2 (prior knowledge): status, content-type, body."""
    with RawH2Connection(port) as h2:
        sid = h2.request([(":method", "GET"), (":scheme", "http"), (":path", path),
                          (":authority", f"127.0.0.1:{port}")])
        result = h2.wait_stream(sid, timeout=10)
        assert result.done, f"no complete answer to GET {path} over HTTP/2"
        return result.status, result.headers.get(b"content-type", b"").decode(), bytes(result.data).decode()


def samples(text: str) -> dict[tuple, float]:
    """{(name, frozenset of (label, value)): value} of every sample line."""
    found = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a Prometheus sample line: {line!r}"
        found[(m.group(1), frozenset(LABEL.findall(m.group(2) or "")))] = float(m.group(3))
    return found


def value(scraped: dict, name: str, **labels) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


def scrape(port: int, http2: bool = False) -> dict:
    status, content_type, body = (get2 if http2 else get1)(port, "/metrics")
    assert status == 200, f"/metrics answered {status}: {body[:300]}"
    assert content_type.startswith("text/plain; version=0.0.4"), content_type
    return samples(body)


@pytest.fixture
def metrics_server(start_server, database):
    return start_server("--database", database("metrics.db"), "--default-organization", "acme",
                        "--default-identity", "py-tester", "--metrics-port", "0")


def test_health_endpoints_on_both_ports_and_http_versions(metrics_server):
    srv = metrics_server
    assert srv.metrics_port and srv.metrics_port != srv.port
    for port in (srv.port, srv.metrics_port):
        for get in (get1, get2):
            assert get(port, "/healthz")[::2] == (200, "ok\n"), (port, get.__name__)
            assert get(port, "/readyz")[::2] == (200, "ok\n"), (port, get.__name__)
            status, _, body = get(port, "/metrics")
            assert status == 200 and "# TYPE clusterpool_pools gauge" in body, (port, get.__name__)
    # the metrics listener serves nothing else: no RPC method is there
    with grpc.insecure_channel(f"127.0.0.1:{srv.metrics_port}") as ch:
        with pytest.raises(grpc.RpcError) as err:
            ch.unary_unary("/grpc.health.v1.Health/Check")(b"", timeout=5)
        assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    # POST is not taken
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    conn.request("POST", "/healthz", body=b"")
    assert conn.getresponse().status == 405
    conn.close()


def test_store_gauges_follow_the_store(metrics_server, cl):
    srv = metrics_server
    with grpc.insecure_channel(srv.target) as ch:
        pools = cl.pool_grpc.ClusterPoolServiceStub(ch)
        clusters = cl.grpc.ClusterServiceStub(ch)
        c = cl.common
        for name in ("prod", "staging", "dev"):
            pools.Create(cl.pool.CreateRequest(cluster_pool=cl.pool.ClusterPool(
                id=c.ClusterPoolIdentifier(name=name),
                config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri=f"s3://{name}-bucket"),
                                           secret_store=c.SecretStore(type=1)))), timeout=10)
        pools.Delete(cl.pool.DeleteRequest(id=c.ClusterPoolIdentifier(name="dev")), timeout=10)
        for name in ("c1", "c2", "c3"):
            clusters.CreateCluster(cl.cluster.CreateClusterRequest(
                cluster_id=c.ClusterIdentifier(name=name), cluster_pool_name="prod"), timeout=10)
        clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=c.ClusterIdentifier(name="c1")), timeout=10)
        deleted = clusters.DeleteCluster(cl.cluster.DeleteRequest(cluster_id=c.ClusterIdentifier(name="c3")),
                                         timeout=10).cluster
        deleted_state = cl.cluster.ClusterState.Name(deleted.drain_status.overall_state).removeprefix("CLUSTER_STATE_")
        lst = protogen.module("cloudidl/common/list.proto")
        live = [p.id.name for p in pools.List(cl.pool.ListRequest(request=lst.ListRequest(limit=100)),
                                               timeout=10).cluster_pools]
        gone = [p.id.name for p in pools.List(cl.pool.ListRequest(request=lst.ListRequest(
            limit=100, filters=[lst.Filter(function=lst.Filter.EXISTS, field="deleted_at")])), timeout=10).cluster_pools]
        assert {"prod", "staging"} <= set(live) and gone == ["dev"]
        for http2 in (False, True):
            got = scrape(srv.port, http2)
            assert value(got, "clusterpool_pools", state="live") == len(live), live  # the stored default too
            assert value(got, "clusterpool_pools", state="deleted") == 1
            assert value(got, "clusterpool_clusters", state="ACTIVE") == 2
            assert value(got, "clusterpool_clusters", state=deleted_state) == 1
            assert sum(value(got, "clusterpool_clusters", state=s)
                       for s in ("ACTIVE", "DRAINING", "DRAINED", "DELETING", "DELETED")) == 3
            assert value(got, "clusterpool_clusters_by_health", health="healthy") == 1
            assert value(got, "clusterpool_clusters_by_health", health="unknown") == 1
            assert value(got, "clusterpool_cluster_watchers") == 0


def test_readyz_is_503_during_graceful_shutdown(metrics_server, pb):
    srv = metrics_server
    assert get1(srv.metrics_port, "/readyz")[0] == 200
    with grpc.insecure_channel(srv.target) as ch:
        echo = echo_stub(ch, pb)
        assert echo.Unary(pb.EchoRequest(text="warm"), timeout=5).text == "warm"
        held = echo.Unary.future(pb.EchoRequest(delay_ms=4000, text="held"), timeout=20)
        time.sleep(0.2)  # the call is in flight (it sleeps 4 s on the server)
        srv.signal(signal.SIGTERM)
        deadline = time.monotonic() + 3.5
        answer = None
        while time.monotonic() < deadline:
            answer = get1(srv.metrics_port, "/readyz")
            if answer[0] == 503:
                break
            time.sleep(0.05)
        assert answer and answer[0] == 503, f"/readyz still answered {answer} after SIGTERM"
        assert "shutting down" in answer[2]
        assert get1(srv.metrics_port, "/healthz")[0] == 200, "/healthz failed while draining"
        assert not held.done(), "the held call ended before /readyz said 503: the test proved nothing"
        assert held.result(timeout=15).text == "held"
    assert srv.proc.wait(15) == 0


@pytest.fixture
def private_postgres(start_server):
    """A PostgreSQL instance of this test's own (it is stopped and started again); servers on
    it are stopped before it goes."""
    instance = PostgresInstance()
    try:
        yield instance
    finally:
        try:
            instance.up()
        except RuntimeError:
            pass  # it was running
        for srv in start_server.started:
            try:
                srv.stop()
            except AssertionError:
                pass  # reported by start_server's teardown
        instance.stop()


def test_readyz_names_the_database_while_postgresql_is_down(private_postgres, start_server):
    srv = start_server("--database", private_postgres.url, "--metrics-port", "0", test_service=False)
    endpoint = re.search(r"@(127\.0\.0\.1:\d+/\w+)", private_postgres.url).group(1)
    assert get1(srv.metrics_port, "/readyz")[::2] == (200, "ok\n")
    private_postgres.down()
    status, _, body = get1(srv.metrics_port, "/readyz")
    assert status == 503, f"/readyz answered {status} {body!r} with PostgreSQL down"
    assert endpoint in body and "PostgreSQL" in body, body
    password = re.search(r"://[^:/@]+:([^@]+)@", private_postgres.url)
    assert not password or password.group(1) not in body, "/readyz told the database password"
    assert get2(srv.port, "/healthz")[0] == 200, "/healthz failed while the database was down"
    private_postgres.up()
    deadline = time.monotonic() + 30
    while get1(srv.metrics_port, "/readyz")[0] != 200:
        assert time.monotonic() < deadline, "/readyz never became ready again after PostgreSQL came back"
        time.sleep(0.2)


def test_transport_store_token_and_replica_families(start_server, database, cl, tmp_path):
    boot = tmp_path / "boot" / "admin-key"
    boot.parent.mkdir()
    srv = start_server("--database", database("families.db"), "--default-organization", "acme", "--auth", "on",
                       "--bootstrap-credentials", str(boot), "--metrics-port", "0", test_service=False)
    # with --auth on, the operator's endpoints still take no token (README: operations)
    assert get1(srv.port, "/readyz")[0] == 200 and get2(srv.port, "/metrics")[0] == 200
    before = scrape(srv.metrics_port)
    c = cl.common
    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        pools = cl.pool_grpc.ClusterPoolServiceStub(ch)
        with pytest.raises(grpc.RpcError) as err:
            pools.Get(cl.pool.GetRequest(id=c.ClusterPoolIdentifier(name="prod")), timeout=10,
                      metadata=[("authorization", "Bearer not-a-token")])
        assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
        key = boot.read_text().strip()
        auth = [("authorization", f"Bearer {key}")]
        for name in ("prod", "staging"):
            pools.Create(cl.pool.CreateRequest(cluster_pool=cl.pool.ClusterPool(
                id=c.ClusterPoolIdentifier(name=name),
                config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri=f"s3://{name}-bucket"),
                                           secret_store=c.SecretStore(type=1)))), timeout=10, metadata=auth)
        during = scrape(srv.metrics_port)
    # one HTTP/2 client connection on the RPC port while the channel was open (the scrapes
    # went to the metrics port, which is not counted)
    assert value(during, "clusterpool_connections", http_version="2") == 1
    assert value(during, "clusterpool_connections", http_version="1.1") == 0
    assert value(during, "clusterpool_buffered_reply_bytes") == 0
    refused = sum(v for (name, labels), v in during.items()
                  if name == "clusterpool_token_validations_total" and ("result", "ok") not in labels) \
        - sum(v for (name, labels), v in before.items()
              if name == "clusterpool_token_validations_total" and ("result", "ok") not in labels)
    assert refused == 1, f"{refused} refused token validations counted, want 1"
    assert value(during, "clusterpool_token_validations_total", result="malformed") \
        - value(before, "clusterpool_token_validations_total", result="malformed") == 1
    # the API key validates as a bearer credential (once: the gate remembers it on the connection)
    assert value(during, "clusterpool_token_validations_total", result="ok") \
        - value(before, "clusterpool_token_validations_total", result="ok") >= 1
    commits = value(during, "clusterpool_store_commit_duration_seconds_count") \
        - value(before, "clusterpool_store_commit_duration_seconds_count")
    batched = value(during, "clusterpool_store_commit_batch_size_sum") \
        - value(before, "clusterpool_store_commit_batch_size_sum")
    assert commits >= 1 and batched >= 2, f"{commits} commits of {batched} writes for two Creates"
    lag = [k for k in during if k[0] == "clusterpool_replica_lag_revisions"]
    if database.backend == "postgres":
        assert lag, "no replica lag on PostgreSQL"
        assert value(during, "clusterpool_replica_lag_seconds") >= 0
    else:
        assert not lag, "replica lag reported without PostgreSQL"


POOLS = "cloudidl.clusterpool.ClusterPoolService"


def connect_http1_unary(port: int, method: str, request) -> int:
    """A Connect unary call over HTTP/1.1 (binary protobuf); its HTTP status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", f"/{POOLS}/{method}", body=request.SerializeToString(),
                     headers={"content-type": "application/proto", "connect-protocol-version": "1"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def calls(scraped: dict) -> dict[tuple, float]:
    """{(method, protocol, code): count} of clusterpool_calls_total."""
    found = {}
    for (name, labels), count in scraped.items():
        if name == "clusterpool_calls_total":
            d = dict(labels)
            assert d["service"] in (POOLS, "unknown") or "." in d["service"], d
            found[(d["method"], d["protocol"], d["code"])] = count
    return found


def test_call_counts_by_code_over_grpc_and_connect(metrics_server, cl):
    from connect_clients import Caller, outcome
    srv = metrics_server
    c = cl.common
    with grpc.insecure_channel(srv.target) as ch:
        pools = cl.pool_grpc.ClusterPoolServiceStub(ch)
        pools.Create(cl.pool.CreateRequest(cluster_pool=cl.pool.ClusterPool(
            id=c.ClusterPoolIdentifier(name="prod"),
            config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri="s3://prod-bucket"),
                                       secret_store=c.SecretStore(type=1)))), timeout=10)
        before = scrape(srv.metrics_port)
        before_h2 = scrape(srv.port, http2=True)
        assert calls(before) == calls(before_h2), "the two ports disagree"
        for _ in range(3):
            pools.Get(cl.pool.GetRequest(id=c.ClusterPoolIdentifier(name="prod")), timeout=10)
        bad = cl.pool.ClusterPool(id=c.ClusterPoolIdentifier(name="Not A Name"))
        with pytest.raises(grpc.RpcError) as err:
            pools.Create(cl.pool.CreateRequest(cluster_pool=bad), timeout=10)
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    caller = Caller(srv.port, "connect")
    try:
        got = outcome(lambda: caller.unary(POOLS, "Get", cl.pool.GetRequest(id=c.ClusterPoolIdentifier(name="nope")),
                                           cl.pool.GetResponse))
        assert got[0] == "NOT_FOUND", got
    finally:
        caller.close()
    assert connect_http1_unary(srv.port, "Get", cl.pool.GetRequest(id=c.ClusterPoolIdentifier(name="gone"))) == 404
    after = scrape(srv.metrics_port)
    delta = {k: v - calls(before).get(k, 0) for k, v in calls(after).items() if v != calls(before).get(k, 0)}
    assert delta == {
        ("Get", "grpc", "OK"): 3,
        ("Create", "grpc", "INVALID_ARGUMENT"): 1,
        ("Get", "connect", "NOT_FOUND"): 2,
    }, f"call counts moved by {delta}"
    series = frozenset({("service", POOLS), ("method", "Get")})
    count_delta = (after[("clusterpool_call_duration_seconds_count", series)]
                   - before.get(("clusterpool_call_duration_seconds_count", series), 0))
    assert count_delta == 5, f"{count_delta} Get latencies recorded, want 5"


def test_heartbeats_received_count_every_report(metrics_server, cl):
    srv = metrics_server
    c = cl.common
    before = scrape(srv.metrics_port)
    with grpc.insecure_channel(srv.target) as ch:
        pools = cl.pool_grpc.ClusterPoolServiceStub(ch)
        clusters = cl.grpc.ClusterServiceStub(ch)
        pools.Create(cl.pool.CreateRequest(cluster_pool=cl.pool.ClusterPool(
            id=c.ClusterPoolIdentifier(name="prod"),
            config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri="s3://prod-bucket"),
                                       secret_store=c.SecretStore(type=1)))), timeout=10)
        clusters.CreateCluster(cl.cluster.CreateClusterRequest(
            cluster_id=c.ClusterIdentifier(name="c1"), cluster_pool_name="prod"), timeout=10)
        for _ in range(4):
            clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=c.ClusterIdentifier(name="c1")), timeout=10)
        with pytest.raises(grpc.RpcError):  # received, and refused: it counts too
            clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=c.ClusterIdentifier(name="nope")), timeout=10)
        clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(cluster_id=c.ClusterIdentifier(name="c1")), timeout=10)
    after = scrape(srv.metrics_port)
    assert value(after, "clusterpool_heartbeats_received_total", kind="heartbeat") \
        - value(before, "clusterpool_heartbeats_received_total", kind="heartbeat") == 5
    assert value(after, "clusterpool_heartbeats_received_total", kind="status") \
        - value(before, "clusterpool_heartbeats_received_total", kind="status") == 1


def test_open_streams_count_calls_in_progress(metrics_server, pb):
    """clusterpool_open_streams: a bidi call open on the RPC port is one stream while it runs
    and none once it ended; the scrapes themselves (plain HTTP/2 and HTTP/1.1 requests) are not
    counted."""
    import queue
    assert value(scrape(metrics_server.port, http2=True), "clusterpool_open_streams") == 0
    requests = queue.Queue()

    def pending():
        while (item := requests.get()) is not None:
            yield item

    with grpc.insecure_channel(metrics_server.target) as ch:
        responses = echo_stub(ch, pb).Bidi(pending(), timeout=30)
        requests.put(pb.EchoRequest(text="open"))
        next(responses)  # the call runs
        assert value(scrape(metrics_server.metrics_port), "clusterpool_open_streams") == 1
        assert value(scrape(metrics_server.port, http2=True), "clusterpool_open_streams") == 1
        requests.put(None)
        list(responses)  # the call ended (OK)
        deadline = time.monotonic() + 10
        while (open_streams := value(scrape(metrics_server.metrics_port), "clusterpool_open_streams")) != 0:
            assert time.monotonic() < deadline, f"{open_streams} streams still counted after the call ended"
            time.sleep(0.05)
