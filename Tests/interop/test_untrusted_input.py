"""Client-supplied numbers and strings at their extremes: every request is answered with a
status, promptly, and the server lives on.

- grpc-timeout allows 8 digits of any unit: 99999999H must not overflow a deadline (it once
  crashed the process with an arithmetic overflow from 2562048H on).
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
