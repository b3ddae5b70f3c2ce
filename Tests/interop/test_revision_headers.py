"""Read-your-writes headers (issue 11 point 3) on the real server: every response of the pool,
cluster and queue services carries `clusterpool-revision` (gRPC, gRPC-Web and Connect; HTTP/2
and HTTP/1.1; unary and streaming), and a request's `clusterpool-min-revision` waits until the
store has applied it, bounded by the call's deadline (UNAVAILABLE naming both revisions)."""
import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import grpc
import pytest

import protogen
from connect_clients import envelope
from raw_h2 import RawH2Connection as RawH2

REV, MIN_REV = "clusterpool-revision", "clusterpool-min-revision"
POOLS = "cloudidl.clusterpool.ClusterPoolService"


@pytest.fixture(scope="session")
def api(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        queue=protogen.module("cloudidl/queue/queue.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        list=protogen.module("cloudidl/common/list.proto"),
        pool_grpc=protogen.module("cloudidl/clusterpool/clusterpool.proto", grpc=True),
        cluster_grpc=protogen.module("cloudidl/cluster/cluster.proto", grpc=True),
        queue_grpc=protogen.module("cloudidl/queue/queue.proto", grpc=True))


@pytest.fixture
def srv(start_server):
    return start_server("--default-organization", "acme", test_service=False)


@pytest.fixture
def stubs(srv, api):
    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield SimpleNamespace(pools=api.pool_grpc.ClusterPoolServiceStub(ch),
                              clusters=api.cluster_grpc.ClusterServiceStub(ch),
                              queues=api.queue_grpc.QueueServiceStub(ch))


def pool(api, name):
    c = api.common
    return api.pool.ClusterPool(
        id=c.ClusterPoolIdentifier(name=name),
        config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri="s3://bucket/" + name),
                                   secret_store=c.SecretStore(type=1, locator="us-east-1"),
                                   image_registry=c.ImageRegistry(locator="ghcr.io/acme")))


def revision_of(metadata) -> int:
    values = [v for k, v in metadata if k == REV]
    assert len(values) == 1, f"want one {REV} header, got {metadata}"
    assert values[0].isdigit(), values
    return int(values[0])


def create(stubs, api, name, **kw) -> int:
    _, call = stubs.pools.Create.with_call(api.pool.CreateRequest(cluster_pool=pool(api, name)), timeout=10, **kw)
    return revision_of(call.initial_metadata())


def after(revision: int) -> list:
    """The metadata of a read that must see a write answered with `revision`. Alone on SQLite
    every commit is applied at once and the read answers at once; on PostgreSQL the reported
    revision is the contiguous one, which passes the server's own commit once its follower has
    read the change log past it (milliseconds; README), so a read sent without it may report
    less than the write before it: what our client library does (it sends the highest seen)."""
    return [(MIN_REV, str(revision))]


def get_request(api, name="default"):
    return api.pool.GetRequest(id=api.common.ClusterPoolIdentifier(name=name))


def test_grpc_unary_and_streaming_responses_carry_the_revision(stubs, api):
    _, call = stubs.pools.Get.with_call(get_request(api), timeout=10)
    start = revision_of(call.initial_metadata())
    first = create(stubs, api, "east")
    assert first >= start + 1
    second = create(stubs, api, "west")
    assert second >= first + 1, "a write's revision is at least its own commit's"
    _, call = stubs.pools.Get.with_call(get_request(api, "west"), timeout=10, metadata=after(second))
    assert revision_of(call.initial_metadata()) >= second
    _, call = stubs.clusters.ListClusters.with_call(api.cluster.ListRequest(), timeout=10, metadata=after(second))
    assert revision_of(call.initial_metadata()) >= second
    _, call = stubs.queues.ListQueues.with_call(api.queue.ListQueuesRequest(), timeout=10, metadata=after(second))
    assert revision_of(call.initial_metadata()) >= second
    stream = stubs.clusters.WatchClusters(api.cluster.WatchClustersRequest(), timeout=20, metadata=after(second))
    try:
        assert revision_of(stream.initial_metadata()) >= second
        next(stream)
    finally:
        stream.cancel()


def test_errors_carry_the_revision_too(stubs, api):
    written = create(stubs, api, "east")
    with pytest.raises(grpc.RpcError) as failure:
        stubs.pools.Create(api.pool.CreateRequest(cluster_pool=pool(api, "east")), timeout=10,
                           metadata=after(written))
    assert failure.value.code() == grpc.StatusCode.ALREADY_EXISTS
    # gRPC sends an error before any message as trailers only: grpcio shows them as trailing metadata
    assert revision_of(failure.value.trailing_metadata()) >= written >= 1


def post(port, path, body, content_type, **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": content_type, **headers})
        resp = conn.getresponse()
        resp.body = resp.read()
        return resp
    finally:
        conn.close()


def test_connect_and_grpc_web_carry_the_revision_over_http1(srv, stubs, api):
    written = create(stubs, api, "east")
    body = get_request(api, "east").SerializeToString()
    resp = post(srv.port, f"/{POOLS}/Get", body, "application/proto", **dict(after(written)))
    assert resp.status == 200 and int(resp.getheader(REV)) >= written
    resp = post(srv.port, f"/{POOLS}/Get", envelope(body), "application/grpc-web+proto", **dict(after(written)))
    assert resp.status == 200 and int(resp.getheader(REV)) >= written
    watch = envelope(api.cluster.WatchClustersRequest().SerializeToString())
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=20)
    try:
        conn.request("POST", "/cloudidl.cluster.ClusterService/WatchClusters", body=watch,
                     headers={"Content-Type": "application/connect+proto", **dict(after(written))})
        resp = conn.getresponse()
        assert resp.status == 200 and int(resp.getheader(REV)) >= written
    finally:
        conn.close()
    # a Connect error answer carries it as well
    resp = post(srv.port, f"/{POOLS}/Get", get_request(api, "nope").SerializeToString(), "application/proto",
                **dict(after(written)))
    assert resp.status == 404 and int(resp.getheader(REV)) >= written


@pytest.mark.parametrize("content_type", ["application/proto", "application/grpc-web+proto",
                                          "application/connect+proto"])
def test_connect_and_grpc_web_carry_the_revision_over_http2(srv, stubs, api, content_type):
    written = create(stubs, api, "east")
    body = get_request(api, "east").SerializeToString()
    path = f"/{POOLS}/Get" if content_type != "application/connect+proto" \
        else "/cloudidl.cluster.ClusterService/WatchClusters"
    if content_type == "application/connect+proto":
        body = api.cluster.WatchClustersRequest().SerializeToString()
    with RawH2(srv.port) as h2:
        headers = h2.grpc_headers(path, content_type=content_type) + [(MIN_REV.encode(), str(written).encode())]
        sid = h2.request(headers,
                         body if content_type == "application/proto" else envelope(body))
        assert h2.wait(lambda: b":status" in h2.streams[sid].headers, timeout=20)
        headers = h2.streams[sid].headers
        assert headers[b":status"] == b"200", headers
        assert int(headers[REV.encode()]) >= written


def test_min_revision_already_applied_answers_at_once(stubs, api):
    written = create(stubs, api, "east")
    start = time.monotonic()
    _, call = stubs.pools.Get.with_call(get_request(api, "east"), timeout=10,
                                        metadata=[(MIN_REV, str(written))])
    assert revision_of(call.initial_metadata()) >= written
    assert time.monotonic() - start < 5


def test_min_revision_not_applied_fails_within_the_deadline(stubs, api, srv):
    written = create(stubs, api, "east")
    start = time.monotonic()
    with pytest.raises(grpc.RpcError) as failure:
        stubs.pools.Get(get_request(api, "east"), timeout=1.5, metadata=[(MIN_REV, str(written + 1))])
    elapsed = time.monotonic() - start
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE, failure.value.details()
    assert f"applied revision {written}, the request needs {written + 1}" in failure.value.details()
    assert elapsed < 1.5, f"answered after {elapsed:.2f}s, past the call's deadline"
    # over Connect (HTTP/1.1) as well: 503 with code unavailable, within connect-timeout-ms
    start = time.monotonic()
    resp = post(srv.port, f"/{POOLS}/Get", get_request(api, "east").SerializeToString(), "application/proto",
                **{"Connect-Timeout-Ms": "1000", MIN_REV: str(written + 1)})
    assert time.monotonic() - start < 1.0
    assert resp.status == 503 and json.loads(resp.body)["code"] == "unavailable", resp.body
    # a stream waits the same way
    with pytest.raises(grpc.RpcError) as failure:
        list(stubs.clusters.WatchClusters(api.cluster.WatchClustersRequest(), timeout=1.5,
                                          metadata=[(MIN_REV, str(written + 1))]))
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE, failure.value.details()


def test_a_waiting_call_runs_once_a_write_lands(srv, stubs, api):
    written = create(stubs, api, "east")
    with grpc.insecure_channel(srv.target) as other:
        waiting = stubs.pools.Get.future(get_request(api, "west"), timeout=30,
                                         metadata=[(MIN_REV, str(written + 1))])
        time.sleep(0.3)  # not a wait for a condition: only gives the call time to fail if it were not waiting
        assert not waiting.done(), "answered before the revision it needs was applied"
        writer = api.pool_grpc.ClusterPoolServiceStub(other)
        _, call = writer.Create.with_call(api.pool.CreateRequest(cluster_pool=pool(api, "west")), timeout=10)
        needed = revision_of(call.initial_metadata())
        response = waiting.result(timeout=30)
        assert response.cluster_pool.id.name == "west", "the read sees the write it waited for"
        assert revision_of(waiting.initial_metadata()) >= needed


def test_many_waiting_calls_all_run_after_one_write(srv, stubs, api):
    written = create(stubs, api, "east")
    waiting = [stubs.pools.Get.future(get_request(api, "east"), timeout=30, metadata=[(MIN_REV, str(written + 1))])
               for _ in range(200)]
    # a connection of its own (grpcio shares one between equal channels): the waiters take all
    # the streams the server allows on theirs
    with grpc.insecure_channel(srv.target, options=[("grpc.use_local_subchannel_pool", 1)]) as other:
        api.pool_grpc.ClusterPoolServiceStub(other).Create(api.pool.CreateRequest(cluster_pool=pool(api, "west")),
                                                           timeout=10)
    for call in waiting:
        assert call.result(timeout=30).cluster_pool.id.name == "east"


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "", "99999999999999999999999"])
def test_malformed_min_revision_is_invalid_argument(stubs, api, value):
    with pytest.raises(grpc.RpcError) as failure:
        stubs.pools.Get(get_request(api), timeout=10, metadata=[(MIN_REV, value)])
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert MIN_REV in failure.value.details()
