"""Command-line limits: --max-concurrent-streams, --idle-timeout, --max-header-list-size."""
import time

import grpc

from clients import echo_stub
from raw_h2 import RawH2Connection

UNARY = "/rpctest.v1.TestService/Unary"


def test_max_concurrent_streams_flag(start_server, pb):
    srv = start_server("--max-concurrent-streams", "5")
    with RawH2Connection(srv.port) as conn:
        assert conn.wait(lambda: conn.max_concurrent_streams is not None, timeout=5)
        assert conn.max_concurrent_streams == 5, \
            f"SETTINGS_MAX_CONCURRENT_STREAMS {conn.max_concurrent_streams}, want 5"
    # grpcio queues calls beyond the limit itself: 20 concurrent 200 ms calls all succeed
    with grpc.insecure_channel(srv.target) as ch:
        echo = echo_stub(ch, pb)
        start = time.monotonic()
        futs = [echo.Unary.future(pb.EchoRequest(delay_ms=200, text=str(i)), timeout=20)
                for i in range(20)]
        assert [f.result().text for f in futs] == [str(i) for i in range(20)]
        elapsed = time.monotonic() - start
    assert elapsed >= 0.7, f"20 x 200 ms calls with 5 streams took only {elapsed:.2f}s"


def test_idle_timeout_closes_idle_connection(start_server, pb):
    srv = start_server("--idle-timeout", "1")
    with RawH2Connection(srv.port) as conn:
        sid = conn.grpc_request(UNARY, pb.EchoRequest(text="x").SerializeToString())
        assert conn.wait_stream(sid, timeout=5).grpc_status == 0
        start = time.monotonic()
        conn.wait(lambda: conn.closed, timeout=6)
        elapsed = time.monotonic() - start
        assert conn.closed, "an idle connection was still open 6 s after --idle-timeout 1"
        assert elapsed > 0.5, f"connection closed after {elapsed:.2f}s, before the idle timeout"
        assert conn.goaway is not None, "connection closed without GOAWAY"


def test_idle_timeout_spares_busy_connection(start_server, pb):
    srv = start_server("--idle-timeout", "1")
    with grpc.insecure_channel(srv.target) as ch:
        resp = echo_stub(ch, pb).Unary(pb.EchoRequest(delay_ms=2500, text="slow"), timeout=10)
    assert resp.text == "slow"


def test_oversized_header_list_is_not_served(start_server, pb):
    srv = start_server("--max-header-list-size", "4096")
    req = pb.EchoRequest(text="big headers").SerializeToString()
    with RawH2Connection(srv.port) as conn:
        headers = conn.grpc_headers(UNARY) + [(b"x-padding", b"p" * 8000)]
        sid = conn.request(headers, b"\x00" + len(req).to_bytes(4, "big") + req)
        st = conn.wait_stream(sid, timeout=5)
        served_ok = st.ended and st.reset_code is None and st.grpc_status == 0
        assert not served_ok, "a request with an 8 KB header was served with --max-header-list-size 4096"
        assert st.done or conn.goaway is not None or conn.closed, \
            "no answer at all to a request over the header list limit"
    with grpc.insecure_channel(srv.target) as ch:
        assert echo_stub(ch, pb).Unary(pb.EchoRequest(text="ok"), timeout=5).text == "ok"
