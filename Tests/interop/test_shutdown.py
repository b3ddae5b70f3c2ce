"""SIGTERM / SIGINT: graceful shutdown (GOAWAY, in-flight calls finish, new calls refused)."""
import signal
import socket
import time

import grpc
import pytest

from clients import echo_stub
from raw_h2 import RawH2Connection


def refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except (ConnectionRefusedError, ConnectionResetError):  # reset: closed while connecting
        return True


def wait_refused(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if refused(port):
            return True
        time.sleep(0.05)
    return False


def test_sigterm_lets_in_flight_call_finish(start_server, pb):
    srv = start_server()
    with grpc.insecure_channel(srv.target) as ch:
        echo = echo_stub(ch, pb)
        assert echo.Unary(pb.EchoRequest(text="warm"), timeout=5).text == "warm"
        fut = echo.Unary.future(pb.EchoRequest(delay_ms=1500, text="in flight"), timeout=10)
        time.sleep(0.3)
        sent = time.monotonic()
        srv.signal(signal.SIGTERM)
        assert wait_refused(srv.port, timeout=1.0), \
            "new TCP connections were still accepted 1 s after SIGTERM"
        time.sleep(0.2)  # lets a two-step GOAWAY (RFC 9113 6.8) reach its final frame
        assert not fut.done(), "the in-flight call ended before its 1.5 s delay"
        with pytest.raises(grpc.RpcError) as err:
            echo.Unary(pb.EchoRequest(text="too late"), timeout=2)
        assert err.value.code() == grpc.StatusCode.UNAVAILABLE, (
            f"a new call after SIGTERM gave {err.value.code()} {err.value.details()!r}")
        resp = fut.result(timeout=5)
        assert resp.text == "in flight", "the in-flight call did not complete normally"
    code = srv.proc.wait(10)
    assert time.monotonic() - sent < 6, "the server took more than 6 s to exit"
    assert code == 0, f"exit code {code} after SIGTERM"


def test_sigterm_lets_server_stream_finish(start_server, pb):
    srv = start_server()
    with grpc.insecure_channel(srv.target) as ch:
        call = echo_stub(ch, pb).ServerStream(
            pb.EchoRequest(count=5, delay_ms=250, text="s"), timeout=10)
        first = next(call)
        srv.signal(signal.SIGTERM)
        rest = list(call)
    assert [r.index for r in [first, *rest]] == [0, 1, 2, 3, 4]
    assert srv.proc.wait(10) == 0


def test_sigterm_sends_goaway_to_idle_connection(start_server, pb):
    srv = start_server()
    with RawH2Connection(srv.port) as conn:
        sid = conn.grpc_request("/rpctest.v1.TestService/Unary",
                                pb.EchoRequest(text="x").SerializeToString())
        assert conn.wait_stream(sid, timeout=5).grpc_status == 0
        srv.signal(signal.SIGTERM)
        assert conn.wait(lambda: conn.goaway is not None, timeout=5), \
            "no GOAWAY on an idle connection after SIGTERM"
        assert conn.goaway.error_code == 0, f"GOAWAY error code {conn.goaway.error_code}"
        assert conn.goaway.last_stream_id >= sid
        conn.wait(lambda: conn.closed, timeout=5)
        assert conn.closed, "server did not close an idle connection after GOAWAY"
    assert srv.proc.wait(10) == 0


def test_sigint_exits_cleanly_with_idle_client(start_server, pb):
    srv = start_server()
    with grpc.insecure_channel(srv.target) as ch:
        assert echo_stub(ch, pb).Unary(pb.EchoRequest(text="a"), timeout=5).text == "a"
        srv.signal(signal.SIGINT)
        code = srv.proc.wait(10)  # the grpcio channel is still open and idle here
    assert code == 0, f"exit code {code} after SIGINT"
