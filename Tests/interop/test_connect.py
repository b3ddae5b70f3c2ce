"""Connect and gRPC-Web against the real server over HTTP/2 (h2c): one scenario through
Connect and gRPC-Web (connectrpc 0.13 with its pyqwest HTTP/2 client) and gRPC (grpcio) must
give the same answers; then the wire details with raw h2 frames (test_connect_wire.py)."""
from types import SimpleNamespace

import pytest

import protogen
from connect_clients import Caller, outcome

POOLS = "cloudidl.clusterpool.ClusterPoolService"
CLUSTERS = "cloudidl.cluster.ClusterService"
TEST = "rpctest.v1.TestService"
ALL = ["connect", "grpc-web", "grpc"]


@pytest.fixture(scope="session")
def m(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        list=protogen.module("cloudidl/common/list.proto"),
        echo=pb)


@pytest.fixture
def caller(start_server, database):
    """caller(protocol) -> Caller on a fresh server of its own (same org, empty database)."""
    made = []

    def make(protocol, **kw):
        srv = start_server("--database", database(f"{protocol}.db"), "--default-organization", "acme",
                           "--default-identity", "tester")
        c = Caller(srv.port, protocol, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def pool_message(m, name):
    c = m.common
    return m.pool.ClusterPool(
        id=c.ClusterPoolIdentifier(name=name),
        config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri=f"s3://{name}-bucket"),
                                   secret_store=c.SecretStore(type=1)))


def scenario(c: Caller, m) -> list:
    """Create a pool, get it, list pools, a NOT_FOUND, an ALREADY_EXISTS, and a WatchClusters
    stream seeing a registration; returns what each step saw, comparable across protocols."""
    seen = []
    pid = m.common.ClusterPoolIdentifier
    seen.append(outcome(lambda: c.unary(POOLS, "Create", m.pool.CreateRequest(cluster_pool=pool_message(m, "prod")),
                                        m.pool.CreateResponse)))
    got = c.unary(POOLS, "Get", m.pool.GetRequest(id=pid(name="prod")), m.pool.GetResponse).cluster_pool
    seen.append(("get", got.id.organization, got.id.name, got.config.object_store_ref.uri,
                 got.config.secret_store.type))
    listed = c.unary(POOLS, "List", m.pool.ListRequest(request=m.list.ListRequest(limit=10)), m.pool.ListResponse)
    seen.append(("list", [p.id.name for p in listed.cluster_pools]))
    seen.append(outcome(lambda: c.unary(POOLS, "Get", m.pool.GetRequest(id=pid(name="nope")), m.pool.GetResponse)))
    seen.append(outcome(lambda: c.unary(POOLS, "Create", m.pool.CreateRequest(cluster_pool=pool_message(m, "prod")),
                                        m.pool.CreateResponse)))
    stream = iter(c.server_stream(CLUSTERS, "WatchClusters", m.cluster.WatchClustersRequest(),
                                  m.cluster.WatchClustersResponse))
    seen.append(("watch-first", [x.id.name for x in next(stream).clusters]))
    c.unary(CLUSTERS, "CreateCluster", m.cluster.CreateClusterRequest(
        cluster_id=m.common.ClusterIdentifier(name="c1"), cluster_pool_name="prod"), m.cluster.CreateClusterResponse)
    created = next(stream).clusters
    seen.append(("watch-created", [(x.id.name, x.drain_status.overall_state) for x in created]))
    close = getattr(stream, "cancel", None) or getattr(stream, "close", None)
    if close:
        close()
    return seen


def test_same_scenario_same_answers_over_connect_grpc_web_and_grpc(caller, m):
    results = {p: scenario(caller(p), m) for p in ALL}
    assert results["connect"] == results["grpc"], f"connect {results['connect']}\ngrpc {results['grpc']}"
    assert results["grpc-web"] == results["grpc"], f"grpc-web {results['grpc-web']}\ngrpc {results['grpc']}"
    got = results["grpc"]
    assert got[0] == ("OK", "")
    assert got[1] == ("get", "acme", "prod", "s3://prod-bucket", 1)
    assert got[2] == ("list", ["default", "prod"])
    assert got[3][0] == "NOT_FOUND" and "nope" in got[3][1]
    assert got[4][0] == "ALREADY_EXISTS" and "prod" in got[4][1]
    assert got[5] == ("watch-first", [])
    assert got[6] == ("watch-created", [("c1", m.cluster.CLUSTER_STATE_ACTIVE)])


@pytest.mark.parametrize("protocol", ALL)
def test_every_code_passes_through(caller, m, protocol):
    c = caller(protocol)
    for code in range(1, 17):
        name, message = outcome(lambda: c.unary(TEST, "Unary", m.echo.EchoRequest(fail_code=code, text=f"e{code} ü\"%"),
                                                m.echo.EchoResponse))
        assert (name, message) == (_grpc_name(code), f"e{code} ü\"%"), f"fail_code {code} over {protocol}"


def _grpc_name(code):
    import grpc
    return next(s.name for s in grpc.StatusCode if s.value[0] == code)


@pytest.mark.parametrize("protocol", ALL)
def test_server_stream_and_errors_before_and_after_the_first_message(caller, m, protocol):
    c = caller(protocol)
    got = list(c.server_stream(TEST, "ServerStream", m.echo.EchoRequest(count=3, text="s"), m.echo.EchoResponse))
    assert [(r.index, r.text) for r in got] == [(0, "s"), (1, "s"), (2, "s")]
    before = outcome(lambda: list(c.server_stream(TEST, "ServerStream", m.echo.EchoRequest(fail_code=5, text="gone"),
                                                  m.echo.EchoResponse)))
    assert before == ("NOT_FOUND", "gone")
    # the deadline (0.7 s) falls after the first message (0.3 s) and before the second (0.6 s + 0.3 s)
    received = []

    def read():
        for r in c.server_stream(TEST, "ServerStream", m.echo.EchoRequest(count=3, delay_ms=300, text="d"),
                                 m.echo.EchoResponse, timeout=0.7):
            received.append(r.index)

    assert outcome(read)[0] == "DEADLINE_EXCEEDED"
    assert received == [0, 1]  or received == [0], received


@pytest.mark.parametrize("protocol", ALL)
def test_unary_deadline_is_deadline_exceeded(caller, m, protocol):
    c = caller(protocol)
    assert outcome(lambda: c.unary(TEST, "Unary", m.echo.EchoRequest(delay_ms=5000), m.echo.EchoResponse,
                                   timeout=0.3))[0] == "DEADLINE_EXCEEDED"
    assert outcome(lambda: c.unary(TEST, "Unary", m.echo.EchoRequest(text="fine"), m.echo.EchoResponse)) == ("OK", "")


@pytest.mark.parametrize("protocol", ALL)
def test_unknown_method_is_unimplemented(caller, m, protocol):
    c = caller(protocol)
    assert outcome(lambda: c.unary(TEST, "Nope", m.echo.EchoRequest(), m.echo.EchoResponse))[0] == "UNIMPLEMENTED"


@pytest.mark.parametrize("protocol", ALL)
def test_five_mib_request_is_resource_exhausted(caller, m, protocol):
    import os
    kw = {} if protocol == "grpc" else {"send_compression": None}
    c = caller(protocol, **kw)
    name, _ = outcome(lambda: c.unary(TEST, "Unary", m.echo.EchoRequest(payload=os.urandom(5 << 20)),
                                      m.echo.EchoResponse))
    assert name == "RESOURCE_EXHAUSTED"
    assert outcome(lambda: c.unary(TEST, "Unary", m.echo.EchoRequest(text="after"), m.echo.EchoResponse)) == ("OK", "")


@pytest.mark.parametrize("protocol", ["connect", "grpc-web"])
def test_large_replies_come_back_gzipped_and_intact(caller, m, protocol):
    c = caller(protocol)  # connectrpc sends gzip requests and accepts gzip replies by default
    r = c.unary(TEST, "Unary", m.echo.EchoRequest(reply_size=1 << 20), m.echo.EchoResponse)
    assert r.payload == b"x" * (1 << 20)
    streamed = list(c.server_stream(TEST, "ServerStream", m.echo.EchoRequest(count=2, reply_size=300_000),
                                    m.echo.EchoResponse))
    assert [len(s.payload) for s in streamed] == [300_000, 300_000]


@pytest.mark.parametrize("protocol", ALL)
def test_health_check_and_watch(caller, protocol):
    from grpc_health.v1 import health_pb2
    c = caller(protocol)
    got = c.unary("grpc.health.v1.Health", "Check", health_pb2.HealthCheckRequest(service=POOLS),
                  health_pb2.HealthCheckResponse)
    assert got.status == health_pb2.HealthCheckResponse.SERVING
    stream = iter(c.server_stream("grpc.health.v1.Health", "Watch", health_pb2.HealthCheckRequest(),
                                  health_pb2.HealthCheckResponse))
    assert next(stream).status == health_pb2.HealthCheckResponse.SERVING
    close = getattr(stream, "cancel", None) or getattr(stream, "close", None)
    if close:
        close()


@pytest.mark.parametrize("protocol", ALL)
def test_bidi_methods_reflection_and_echo(caller, m, protocol):
    """Client streams (reflection, the test Bidi) over Connect streaming and gRPC-Web too, their
    requests sent whole before the replies are read (HTTP/2 carries both directions)."""
    from clients import ReflectionRequest, ReflectionResponse
    from connect_clients import bidi
    c = caller(protocol)
    replies = bidi(c, "grpc.reflection.v1.ServerReflection", "ServerReflectionInfo",
                   [ReflectionRequest(list_services="")], ReflectionResponse)
    names = {s.name for s in replies[0].list_services_response.service}
    assert {POOLS, CLUSTERS, "grpc.health.v1.Health"} <= names
    echoed = bidi(c, TEST, "Bidi", [m.echo.EchoRequest(text=t) for t in "abc"], m.echo.EchoResponse)
    assert [(r.index, r.text) for r in echoed] == [(0, "a"), (1, "b"), (2, "c")]
