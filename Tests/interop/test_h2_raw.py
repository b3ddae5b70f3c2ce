"""HTTP/2-level behaviour seen from a raw socket: preface, stream limits, malformed headers."""
import socket
import time

import grpc
import pytest
from h2.errors import ErrorCodes

from raw_h2 import RawH2Connection

UNARY = "/rpctest.v1.TestService/Unary"
REFUSALS = {ErrorCodes.REFUSED_STREAM, ErrorCodes.PROTOCOL_ERROR}


def read_until_closed(sock: socket.socket, timeout: float) -> tuple[bool, bytes]:
    """Reads until EOF or reset; (closed, bytes received)."""
    deadline, got = time.monotonic() + timeout, b""
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, BrokenPipeError):
            return True, got
        if not chunk:
            return True, got
        got += chunk
    return False, got


def test_garbage_preface_closes_only_that_connection(server, echo, pb):
    assert echo.Unary(pb.EchoRequest(text="before"), timeout=5).text == "before"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as bad:
        bad.sendall(b"GARBAGE \x00\x01\x02 not an HTTP/2 preface\r\n\r\n" * 4)
        # the good connection is served while the bad one is still open
        assert echo.Unary(pb.EchoRequest(text="during"), timeout=5).text == "during"
        closed, got = read_until_closed(bad, timeout=5)
        assert closed, f"server kept a connection with a garbage preface open (sent {got[:100]!r})"
    assert echo.Unary(pb.EchoRequest(text="after"), timeout=5).text == "after"


def test_advertises_max_concurrent_streams(server):
    with RawH2Connection(server.port) as conn:
        assert conn.wait(lambda: conn.max_concurrent_streams is not None, timeout=5), \
            "no SETTINGS_MAX_CONCURRENT_STREAMS from the server"
        assert conn.max_concurrent_streams == 100


def test_two_thousand_streams_at_once(server, pb):
    """2,000 HEADERS sent before reading the server's SETTINGS: each stream either completes
    with grpc-status 0 or is refused (RST_STREAM REFUSED_STREAM / PROTOCOL_ERROR, RFC 9113
    5.1.2); none is left hanging and the connection stays usable."""
    n = 2000
    with RawH2Connection(server.port) as conn:
        sids = [conn.grpc_request(UNARY, pb.EchoRequest(text=str(i), delay_ms=300)
                                  .SerializeToString(), flush=False) for i in range(n)]
        conn.flush()
        assert conn.wait_all(sids, timeout=30), (
            f"{sum(not conn.streams[s].done for s in sids)} of {n} streams got neither a "
            f"response nor RST_STREAM within 30s (goaway={conn.goaway}, closed={conn.closed})")
        assert conn.goaway is None, f"server ended the connection: {conn.goaway}"
        ok = [s for s in sids if conn.streams[s].ended and conn.streams[s].reset_code is None]
        refused = [s for s in sids if conn.streams[s].reset_code is not None]
        bad_codes = {conn.streams[s].reset_code for s in refused} - {int(c) for c in REFUSALS}
        assert not bad_codes, f"streams reset with unexpected codes {bad_codes}"
        for s in ok:
            st = conn.streams[s]
            assert st.status == 200 and st.grpc_status == 0, (
                f"stream {s}: :status {st.status} grpc-status {st.grpc_status} "
                f"{st.grpc_message!r}")
            text = pb.EchoResponse.FromString(st.messages()[0]).text
            assert text == str(sids.index(s)), f"stream {s} answered for request {text!r}"
        assert len(ok) >= 100, f"only {len(ok)} streams completed, want at least 100"
        assert len(refused) >= n - 300, (
            f"only {len(refused)} of {n} streams refused with a limit of 100 and 300 ms calls")
        # the connection is still usable afterwards
        sid = conn.grpc_request(UNARY, pb.EchoRequest(text="again").SerializeToString())
        st = conn.wait_stream(sid, timeout=5)
        assert st.grpc_status == 0 and pb.EchoResponse.FromString(st.messages()[0]).text == "again"


def _expect_stream_or_connection_error(conn: RawH2Connection, sid: int, what: str):
    st = conn.wait_stream(sid, timeout=5)
    if conn.goaway is not None:
        assert conn.goaway.error_code == ErrorCodes.PROTOCOL_ERROR, (
            f"{what}: GOAWAY with {conn.goaway.error_code!r}, want PROTOCOL_ERROR")
    else:
        assert st.reset_code == ErrorCodes.PROTOCOL_ERROR, (
            f"{what}: want RST_STREAM PROTOCOL_ERROR (RFC 9113 8.1.1), got reset={st.reset_code} "
            f":status={st.status} grpc-status={st.grpc_status}")


def _valid_headers(conn):
    return conn.grpc_headers(UNARY)


@pytest.mark.parametrize("case", ["missing-path", "uppercase-name", "missing-method",
                                  "connection-header"])
def test_malformed_headers(server, echo, pb, case):
    with RawH2Connection(server.port) as conn:
        h = _valid_headers(conn)
        if case == "missing-path":
            h = [(k, v) for k, v in h if k != b":path"]
        elif case == "missing-method":
            h = [(k, v) for k, v in h if k != b":method"]
        elif case == "uppercase-name":
            h.append((b"X-Upper-Case", b"1"))
        elif case == "connection-header":
            h.append((b"connection", b"keep-alive"))
        sid = conn.request(h, b"\x00\x00\x00\x00\x00")
        _expect_stream_or_connection_error(conn, sid, case)
    assert echo.Unary(pb.EchoRequest(text="fine"), timeout=5).text == "fine"


def test_non_grpc_content_type_is_415(server):
    with RawH2Connection(server.port) as conn:
        sid = conn.request(conn.grpc_headers(UNARY, content_type="text/plain"), b"hello")
        st = conn.wait_stream(sid, timeout=5)
    assert st.done, "no response to a text/plain request"
    assert st.status == 415, f":status {st.status} for content-type text/plain, want 415"


def test_grpc_plus_proto_content_type_is_grpc(server, pb):
    with RawH2Connection(server.port) as conn:
        sid = conn.grpc_request(UNARY, pb.EchoRequest(text="pp").SerializeToString(),
                                content_type="application/grpc+proto")
        st = conn.wait_stream(sid, timeout=5)
    assert st.status == 200 and st.grpc_status == 0, f"{st.status} {st.grpc_status}"
    assert st.headers.get(b"content-type", b"").startswith(b"application/grpc")
    assert pb.EchoResponse.FromString(st.messages()[0]).text == "pp"


def test_grpc_response_headers_and_trailers(server, pb):
    with RawH2Connection(server.port) as conn:
        sid = conn.grpc_request(UNARY, pb.EchoRequest(text="t").SerializeToString())
        st = conn.wait_stream(sid, timeout=5)
    assert st.status == 200
    assert st.headers.get(b"content-type", b"").startswith(b"application/grpc"), st.headers
    assert st.trailers.get(b"grpc-status") == b"0", f"trailers {st.trailers}"
    assert len(st.messages()) == 1
