"""rpctest.v1.TestService/Unary through grpcio: concurrency, sizes, deadlines, cancel, gzip."""
import os
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clients import echo_stub
from raw_h2 import RawH2Connection

MiB = 1024 * 1024


def test_echo_roundtrip(echo, pb):
    resp = echo.Unary(pb.EchoRequest(payload=b"\x00\x01hello\xff", text="héllo"), timeout=5)
    assert resp.payload == b"\x00\x01hello\xff"
    assert resp.text == "héllo"
    assert resp.index == 0


def test_reply_size_fills_with_x(echo, pb):
    resp = echo.Unary(pb.EchoRequest(payload=b"ignored", reply_size=1000), timeout=5)
    assert resp.payload == b"x" * 1000


def test_thousand_concurrent_calls_on_one_channel(echo, pb):
    n = 1000
    futures = [echo.Unary.future(pb.EchoRequest(text=f"call-{i}", payload=i.to_bytes(4, "big")),
                                 timeout=60) for i in range(n)]
    failures, mismatched = [], []
    for i, fut in enumerate(futures):
        try:
            resp = fut.result()
        except grpc.RpcError as e:
            failures.append((i, e.code(), e.details()))
            continue
        if resp.text != f"call-{i}" or resp.payload != i.to_bytes(4, "big"):
            mismatched.append((i, resp.text))
    assert not failures, f"{len(failures)} of {n} calls failed, first: {failures[:3]}"
    assert not mismatched, f"{len(mismatched)} replies do not match their request: {mismatched[:3]}"


def test_three_mib_request_is_echoed(echo, pb):
    payload = os.urandom(3 * MiB)
    resp = echo.Unary(pb.EchoRequest(payload=payload), timeout=30)
    assert len(resp.payload) == len(payload)
    assert resp.payload == payload, "3 MiB payload came back altered"


def test_three_mib_reply(echo, pb):
    resp = echo.Unary(pb.EchoRequest(reply_size=3 * MiB), timeout=30)
    assert len(resp.payload) == 3 * MiB
    assert resp.payload == b"x" * (3 * MiB)


def test_deadline_expires_quickly(echo, pb):
    start = time.monotonic()
    with pytest.raises(grpc.RpcError) as err:
        echo.Unary(pb.EchoRequest(delay_ms=5000), timeout=0.3)
    elapsed = time.monotonic() - start
    assert err.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED, (
        f"got {err.value.code()} {err.value.details()!r}")
    assert elapsed < 2.0, f"DEADLINE_EXCEEDED after {elapsed:.2f}s for a 0.3s deadline"
    assert echo.Unary(pb.EchoRequest(text="after"), timeout=5).text == "after"


def test_server_enforces_grpc_timeout_itself(server, pb):
    """The server itself must end a call at its grpc-timeout with DEADLINE_EXCEEDED (this raw
    client has no deadline of its own that could end the call instead)."""
    req = pb.EchoRequest(delay_ms=5000).SerializeToString()
    with RawH2Connection(server.port) as conn:
        start = time.monotonic()
        sid = conn.grpc_request("/rpctest.v1.TestService/Unary", req, timeout_header="200m")
        result = conn.wait_stream(sid, timeout=4)
        elapsed = time.monotonic() - start
    assert result.grpc_status == grpc.StatusCode.DEADLINE_EXCEEDED.value[0], (
        f"grpc-status {result.grpc_status} {result.grpc_message!r} for grpc-timeout 200m, "
        f"want 4 (DEADLINE_EXCEEDED); reset={result.reset_code}")
    assert elapsed < 2.5, f"server ended a 200 ms grpc-timeout call after {elapsed:.2f}s"


def test_cancelled_call_then_server_still_serves(echo, pb):
    fut = echo.Unary.future(pb.EchoRequest(delay_ms=5000), timeout=30)
    time.sleep(0.2)
    assert fut.cancel(), "future.cancel() returned False: the call had already finished"
    assert fut.cancelled()
    with pytest.raises(grpc.FutureCancelledError):
        fut.result(timeout=1)
    assert echo.Unary(pb.EchoRequest(text="still here"), timeout=5).text == "still here"


def test_cancelled_handler_stops_waiting(start_server, pb):
    """A cancelled call's delay must be abandoned: SIGTERM right after cancelling a 60 s call
    has to finish quickly (graceful shutdown waits only for calls still in flight)."""
    srv = start_server()
    with grpc.insecure_channel(srv.target) as ch:
        echo = echo_stub(ch, pb)
        futs = [echo.Unary.future(pb.EchoRequest(delay_ms=60000), timeout=120) for _ in range(3)]
        time.sleep(0.3)
        for f in futs:
            f.cancel()
        time.sleep(0.2)
    start = time.monotonic()
    code = srv.stop(timeout=10)
    elapsed = time.monotonic() - start
    assert code == 0, f"exit code {code} after SIGTERM"
    assert elapsed < 5, f"shutdown took {elapsed:.1f}s: cancelled 60 s handlers kept waiting"


def test_gzip_compressed_request(echo, pb):
    payload = b"compress me " * 50000
    resp = echo.Unary(pb.EchoRequest(payload=payload, text="gz"), timeout=10,
                      compression=grpc.Compression.Gzip)
    assert resp.payload == payload and resp.text == "gz"


def test_gzip_channel_default_compression(server, pb):
    with grpc.insecure_channel(server.target, compression=grpc.Compression.Gzip) as ch:
        echo = echo_stub(ch, pb)
        for size in (0, 10, 100_000):
            resp = echo.Unary(pb.EchoRequest(payload=b"a" * size), timeout=10)
            assert resp.payload == b"a" * size, f"gzip channel, {size}-byte payload"
        health = health_pb2_grpc.HealthStub(ch)
        assert health.Check(health_pb2.HealthCheckRequest(), timeout=5).status == \
            health_pb2.HealthCheckResponse.SERVING
