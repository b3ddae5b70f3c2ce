"""Client-supplied numbers and strings at their extremes: every request is answered with a
status, promptly, and the server lives on.

- grpc-timeout allows 8 digits of any unit: 99999999H must not overflow a deadline (it once
  crashed the process with an arithmetic overflow from 2562048H on).
- A 64 KiB filter field or sort key once made List/ListClusters/Count hang: the error message
  quoted the whole input into a grpc-message trailer that nghttp2 would not send.
"""
import http.client
import time
from types import SimpleNamespace

import grpc
import pytest

import protogen
from clients import grpc_frame, echo_stub
from connect_clients import Caller, outcome
from raw_h2 import RawH2Connection

HEALTH_CHECK = "/grpc.health.v1.Health/Check"
POOLS = "cloudidl.clusterpool.ClusterPoolService"
CLUSTERS = "cloudidl.cluster.ClusterService"
BIG = "f" * (64 << 10)
TIMEOUTS = ["2562047H", "2562048H", "99999999H", "99999999M", "99999999S", "99999999m",
            "99999999u", "99999999n"]


@pytest.fixture(scope="module")
def m(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        list=protogen.module("cloudidl/common/list.proto"))


def test_eight_digit_grpc_timeouts_are_served(server, pb):
    """Every unit at 8 digits, on a served method and on an unknown path, over HTTP/2; the
    server answers each and stays up."""
    with RawH2Connection(server.port) as conn:
        for value in TIMEOUTS:
            ok = conn.grpc_request(HEALTH_CHECK, b"", timeout_header=value)
            unknown = conn.grpc_request("/no.Such/Method", b"", timeout_header=value)
            got = conn.wait_stream(ok, timeout=5)
            assert got.grpc_status == 0, f"grpc-timeout {value}: {got.headers} {got.trailers}"
            got = conn.wait_stream(unknown, timeout=5)
            assert got.grpc_status == 12, f"grpc-timeout {value} on an unknown path: {got}"
        assert not conn.closed and conn.goaway is None
    # a deadline still works next to them, and the process is alive
    with grpc.insecure_channel(server.target) as ch:
        with pytest.raises(grpc.RpcError) as err:
            echo_stub(ch, pb).Unary(pb.EchoRequest(delay_ms=3000), timeout=0.3)
        assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert server.proc.poll() is None


@pytest.mark.parametrize("value", ["2562048H", "99999999H"])
def test_eight_digit_grpc_timeout_over_http1(server, value):
    """gRPC-Web over HTTP/1.1 computes its deadline timer on another path."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("POST", HEALTH_CHECK, body=grpc_frame(b""),
                 headers={"content-type": "application/grpc-web+proto", "grpc-timeout": value})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200 and b"grpc-status: 0" in body, (resp.status, body)
    conn.close()
    assert server.proc.poll() is None


def _list_cases(m):
    F, S = m.list.Filter, m.list.Sort
    big_filter = [F(function=F.EQUAL, field=BIG, values=["x"])]
    big_sort = [S(key=BIG, direction=S.ASCENDING)]
    big_value = [F(function=F.EQUAL, field="name", values=[BIG])]
    return [
        ("pool List, 64 KiB filter field", POOLS, "List",
         m.pool.ListRequest(request=m.list.ListRequest(filters=big_filter)), m.pool.ListResponse),
        ("pool List, 64 KiB sort key", POOLS, "List",
         m.pool.ListRequest(request=m.list.ListRequest(sort_by_fields=big_sort)), m.pool.ListResponse),
        ("ListClusters, 64 KiB filter field", CLUSTERS, "ListClusters",
         m.cluster.ListRequest(request=m.list.ListRequest(filters=big_filter)), m.cluster.ListResponse),
        ("ListClusters, 64 KiB sort key", CLUSTERS, "ListClusters",
         m.cluster.ListRequest(request=m.list.ListRequest(sort_by_fields=big_sort)), m.cluster.ListResponse),
        ("Count, 64 KiB filter field", CLUSTERS, "Count",
         m.cluster.CountRequest(filters=big_filter), m.cluster.CountResponse),
        ("Count, 64 KiB filter value", CLUSTERS, "Count",
         m.cluster.CountRequest(filters=big_value), m.cluster.CountResponse),
    ]


@pytest.mark.parametrize("protocol", ["grpc", "connect"])
def test_huge_list_inputs_get_a_status_within_a_second(start_server, database, m, protocol):
    srv = start_server("--database", database("big.db"), "--default-organization", "acme",
                       test_service=False)
    caller = Caller(srv.port, protocol)
    try:
        for label, service, method, request, response in _list_cases(m):
            start = time.monotonic()
            code, message = outcome(lambda: caller.unary(service, method, request, response, timeout=5))
            elapsed = time.monotonic() - start
            assert code != "DEADLINE_EXCEEDED" and elapsed < 1, \
                f"{label} over {protocol}: {code} after {elapsed:.2f}s"
            # whatever the outcome, a message quotes at most a bounded part of the input
            assert len(message) < 1000, f"{label}: a message of {len(message)} characters"
            if "filter field" in label or label == "pool List, 64 KiB sort key":
                assert code == "INVALID_ARGUMENT" and "fff…" in message, (label, code, message)
    finally:
        caller.close()


def test_long_status_message_is_cut(server, pb):
    """A status message (here the test service's own, as long as the client asked) goes on the
    wire cut to about 1 KiB, ending with its full length, and keeps its code: it never grows
    past what a peer's header limits take."""
    with grpc.insecure_channel(server.target) as ch:
        echo = echo_stub(ch, pb)
        for size in (20 << 10, 70 << 10):
            start = time.monotonic()
            with pytest.raises(grpc.RpcError) as err:
                echo.Unary(pb.EchoRequest(fail_code=3, text="m" * size), timeout=5)
            elapsed = time.monotonic() - start
            details = err.value.details()
            assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and elapsed < 1, \
                (size, err.value.code(), details[:200], elapsed)
            assert len(details.encode()) <= 1024 and details.endswith(f"({size} bytes in all)"), details[-80:]
        # a stream whose response started ends the same way (trailers, not a head)
        with pytest.raises(grpc.RpcError) as err:
            for _ in echo.ServerStream(pb.EchoRequest(count=2, fail_code=3, text="m" * (70 << 10)),
                                       timeout=5):
                pass
        assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, err.value.details()[:200]
        assert err.value.details().endswith(f"({70 << 10} bytes in all)")
        # an unknown method quoting a long path is as short
        path = "/" + "p" * 1500 + "/Method"
        with pytest.raises(grpc.RpcError) as err:
            ch.unary_unary(path)(b"", timeout=5)
        assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert len(err.value.details().encode()) <= 1024, len(err.value.details())
        assert echo.Unary(pb.EchoRequest(text="still here"), timeout=5).text == "still here"


def test_unsendable_status_is_replaced(server, pb):
    """A status whose header fields exceed what the peer takes (its SETTINGS_MAX_HEADER_LIST_SIZE)
    gets a short INTERNAL instead of no answer at all."""
    from h2.settings import SettingCodes
    with RawH2Connection(server.port, settings={SettingCodes.MAX_HEADER_LIST_SIZE: 400}) as conn:
        start = time.monotonic()
        sid = conn.grpc_request("/rpctest.v1.TestService/Unary",
                                pb.EchoRequest(fail_code=3, text="m" * 900).SerializeToString())
        got = conn.wait_stream(sid, timeout=5)
        assert time.monotonic() - start < 1
        assert got.grpc_status == 13, (got.headers, got.trailers)
        assert b"too large to send" in got.grpc_message
        ok = conn.wait_stream(conn.grpc_request("/rpctest.v1.TestService/Unary",
                                                pb.EchoRequest(text="still here").SerializeToString()), timeout=5)
        assert ok.grpc_status == 0 and b"still here" in b"".join(ok.messages())
