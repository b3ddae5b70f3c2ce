"""HTTP/1.1 on the gRPC port: Connect unary and gRPC-Web from Python's http.client, cleartext
(told apart from h2c by the first bytes) and TLS (ALPN http/1.1), with grpcio on the same port
in the same test."""
import http.client
import json
import signal
import socket
import ssl
import struct

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from clients import echo_stub, grpc_frame
from tls_certs import make_tls_files

UNARY = "/rpctest.v1.TestService/Unary"
STREAM = "/rpctest.v1.TestService/ServerStream"
HEALTH = "/grpc.health.v1.Health/Check"


def post(conn: http.client.HTTPConnection, path: str, body: bytes, content_type: str,
         **headers: str) -> http.client.HTTPResponse:
    conn.request("POST", path, body=body, headers={"Content-Type": content_type, **headers})
    resp = conn.getresponse()
    resp.body = resp.read()
    return resp


def web_frames(body: bytes) -> list[tuple[int, bytes]]:
    """The gRPC-Web / Connect envelopes of a body: (flag, payload)."""
    out, i = [], 0
    while i < len(body):
        flag, n = struct.unpack(">BI", body[i:i + 5])
        out.append((flag, body[i + 5:i + 5 + n]))
        i += 5 + n
    assert i == len(body), "a partial envelope at the end of the body"
    return out


def web_trailers(payload: bytes) -> dict[str, str]:
    """The fields of a gRPC-Web trailers frame (`name: value` lines)."""
    lines = payload.decode().split("\r\n")
    assert lines[-1] == "", f"trailers not ended by CRLF: {payload!r}"
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[:-1])}


def check_connect_and_grpc_web(conn: http.client.HTTPConnection, pb) -> None:
    """Connect unary and gRPC-Web calls on one kept-alive HTTP/1.1 connection."""
    ok = post(conn, UNARY, pb.EchoRequest(text="connect").SerializeToString(), "application/proto",
              **{"Connect-Protocol-Version": "1", "Authorization": "Bearer t0ken"})
    assert ok.status == 200 and ok.getheader("Content-Type") == "application/proto"
    assert pb.EchoResponse.FromString(ok.body).text == "connect"

    failed = post(conn, UNARY, pb.EchoRequest(text="nope", fail_code=5).SerializeToString(),
                  "application/proto")
    assert failed.status == 404 and failed.getheader("Content-Type") == "application/json"
    assert json.loads(failed.body) == {"code": "not_found", "message": "nope"}

    health = post(conn, HEALTH, health_pb2.HealthCheckRequest().SerializeToString(),
                  "application/proto")
    assert health_pb2.HealthCheckResponse.FromString(health.body).status == \
        health_pb2.HealthCheckResponse.SERVING

    web = post(conn, UNARY, grpc_frame(pb.EchoRequest(text="web").SerializeToString()),
               "application/grpc-web+proto")
    assert web.status == 200 and web.getheader("Content-Type") == "application/grpc-web+proto"
    (flag, message), (tflag, trailers) = web_frames(web.body)
    assert (flag, tflag) == (0, 0x80)
    assert pb.EchoResponse.FromString(message).text == "web"
    assert web_trailers(trailers) == {"grpc-status": "0"}

    stream = post(conn, STREAM, grpc_frame(pb.EchoRequest(text="s", count=3).SerializeToString()),
                  "application/grpc-web+proto")
    assert stream.getheader("Transfer-Encoding") == "chunked"
    frames = web_frames(stream.body)
    assert [pb.EchoResponse.FromString(m).index for f, m in frames if f == 0] == [0, 1, 2]
    assert frames[-1][0] == 0x80 and web_trailers(frames[-1][1]) == {"grpc-status": "0"}

    web_error = post(conn, UNARY, grpc_frame(pb.EchoRequest(text="x", fail_code=7).SerializeToString()),
                     "application/grpc-web")
    [(flag, trailers)] = web_frames(web_error.body)
    assert flag == 0x80 and web_trailers(trailers) == {"grpc-status": "7", "grpc-message": "x"}


def test_cleartext_http1_and_h2c_share_the_port(server, pb):
    with grpc.insecure_channel(server.target) as ch:
        assert echo_stub(ch, pb).Unary(pb.EchoRequest(text="h2c"), timeout=10).text == "h2c"
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            check_connect_and_grpc_web(conn, pb)
        finally:
            conn.close()
        assert echo_stub(ch, pb).Unary(pb.EchoRequest(text="again"), timeout=10).text == "again"


def test_tls_alpn_serves_http1_and_h2(start_server, tmp_path, pb):
    files = make_tls_files(tmp_path / "tls")
    srv = start_server("--tls-cert", str(files.cert), "--tls-key", str(files.key))
    creds = grpc.ssl_channel_credentials(root_certificates=files.ca_cert.read_bytes())
    with grpc.secure_channel(srv.target, creds) as ch:
        resp = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=10)
        assert resp.status == health_pb2.HealthCheckResponse.SERVING
        for alpn in (["http/1.1"], None):
            context = ssl.create_default_context(cafile=str(files.ca_cert))
            if alpn:
                context.set_alpn_protocols(alpn)
            conn = http.client.HTTPSConnection("127.0.0.1", srv.port, timeout=10, context=context)
            try:
                check_connect_and_grpc_web(conn, pb)
                assert conn.sock.selected_alpn_protocol() == (alpn[0] if alpn else None)
            finally:
                conn.close()
        assert echo_stub(ch, pb).Unary(pb.EchoRequest(text="tls"), timeout=10).text == "tls"


def test_grpc_over_http1_is_refused_with_a_clear_answer(server, pb):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        resp = post(conn, UNARY, grpc_frame(pb.EchoRequest(text="x").SerializeToString()),
                    "application/grpc")
        assert resp.status == 505
        assert b"HTTP/2" in resp.body
    finally:
        conn.close()


def test_requests_that_are_not_calls(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/")
        got = conn.getresponse()
        got.read()
        assert got.status == 405 and got.getheader("Allow") == "POST"
        unknown = post(conn, "/no.Such/Method", b"", "application/proto")
        assert unknown.status == 501 and json.loads(unknown.body)["code"] == "unimplemented"
        text = post(conn, UNARY, b"hi", "text/plain")
        assert text.status == 415
    finally:
        conn.close()


def test_large_body_is_refused_before_it_is_read(start_server, pb):
    srv = start_server("--max-message-size", "65536")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(f"POST {UNARY} HTTP/1.1\r\nHost: x\r\nContent-Type: application/proto\r\n"
                  f"Content-Length: {1 << 30}\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 429"), head
    assert json.loads(body)["code"] == "resource_exhausted"


# ---- connectrpc (pyqwest speaks HTTP/1.1 in cleartext, and over TLS when told to) ----

class ProtobufCodec:
    """connectrpc's binary codec, over the google.protobuf classes of these tests."""

    def name(self) -> str:
        return "proto"

    def encode(self, message) -> bytes:
        return message.SerializeToString()

    def decode(self, data, message_class):
        return message_class.FromString(bytes(data))


def scenario_over_connectrpc(address: str, pb, http_client=None) -> dict:
    """One scenario (unary, error, server stream, stream error) through Connect and gRPC-Web."""
    from connectrpc.client import ConnectClientSync
    from connectrpc.errors import ConnectError
    from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
    from connectrpc.protocol import ProtocolType

    def method(name, stream_type):
        return MethodInfo(name=name, service_name="rpctest.v1.TestService", input=pb.EchoRequest,
                          output=pb.EchoResponse, idempotency_level=IdempotencyLevel.UNKNOWN,
                          stream_type=stream_type)

    unary, stream = method("Unary", StreamType.UNARY), method("ServerStream", StreamType.SERVER_STREAM)
    answers = {}
    for protocol in (ProtocolType.CONNECT, ProtocolType.GRPC_WEB):
        with ConnectClientSync(address, protocol=protocol, codec=ProtobufCodec(),
                               http_client=http_client) as client:
            got = [client.execute_unary(request=pb.EchoRequest(text="same"), method=unary).text]
            try:
                client.execute_unary(request=pb.EchoRequest(text="gone", fail_code=5), method=unary)
            except ConnectError as e:
                got.append((e.code.name, e.message))
            got.append([r.index for r in client.execute_server_stream(
                request=pb.EchoRequest(text="s", count=3), method=stream)])
            try:
                list(client.execute_server_stream(
                    request=pb.EchoRequest(text="late", fail_code=9), method=stream))
            except ConnectError as e:
                got.append((e.code.name, e.message))
            answers[protocol.name] = got
    return answers


def scenario_over_grpcio(ch, pb) -> list:
    stub = echo_stub(ch, pb)
    got = [stub.Unary(pb.EchoRequest(text="same"), timeout=10).text]
    with pytest.raises(grpc.RpcError) as err:
        stub.Unary(pb.EchoRequest(text="gone", fail_code=5), timeout=10)
    got.append((err.value.code().name, err.value.details()))
    got.append([r.index for r in stub.ServerStream(pb.EchoRequest(text="s", count=3), timeout=10)])
    with pytest.raises(grpc.RpcError) as err:
        list(stub.ServerStream(pb.EchoRequest(text="late", fail_code=9), timeout=10))
    got.append((err.value.code().name, err.value.details()))
    return got


def test_connectrpc_over_http1_answers_as_grpcio_does(server, pb):
    with grpc.insecure_channel(server.target) as ch:
        expected = scenario_over_grpcio(ch, pb)
        assert expected == ["same", ("NOT_FOUND", "gone"), [0, 1, 2], ("FAILED_PRECONDITION", "late")]
        answers = scenario_over_connectrpc(f"http://127.0.0.1:{server.port}", pb)
        assert answers == {"CONNECT": expected, "GRPC_WEB": expected}
        assert scenario_over_grpcio(ch, pb) == expected


def test_connectrpc_over_tls_http1_answers_as_grpcio_does(start_server, tmp_path, pb):
    from pyqwest import HTTPVersion, SyncClient, SyncHTTPTransport

    files = make_tls_files(tmp_path / "tls")
    srv = start_server("--tls-cert", str(files.cert), "--tls-key", str(files.key))
    creds = grpc.ssl_channel_credentials(root_certificates=files.ca_cert.read_bytes())
    transport = SyncHTTPTransport(tls_ca_cert=files.ca_cert.read_bytes(),
                                  http_version=HTTPVersion.HTTP1)
    with grpc.secure_channel(srv.target, creds) as ch:
        expected = scenario_over_grpcio(ch, pb)
        answers = scenario_over_connectrpc(f"https://localhost:{srv.port}", pb,
                                           http_client=SyncClient(transport))
        assert answers == {"CONNECT": expected, "GRPC_WEB": expected}


def read_response(s: socket.socket) -> tuple[bytes, bytes]:
    """One response off a raw socket: (head, body), the body by Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        assert chunk, f"connection closed inside a head: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(rest) < length:
        chunk = s.recv(65536)
        assert chunk, "connection closed inside a body"
        rest += chunk
    return head, rest[:length]


def test_expect_100_continue(server, pb):
    body = pb.EchoRequest(text="after continue").SerializeToString()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"POST {UNARY} HTTP/1.1\r\nHost: x\r\nContent-Type: application/proto\r\n"
                  f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n".encode())
        head, _ = read_response(s)
        assert head.startswith(b"HTTP/1.1 100 Continue"), head
        s.sendall(body)
        head, reply = read_response(s)
        assert head.startswith(b"HTTP/1.1 200 OK"), head
        assert pb.EchoResponse.FromString(reply).text == "after continue"
        # Refused without a 100: the body may never come, so the answer closes the connection.
        s.sendall(f"POST {UNARY} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  f"Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n".encode())
        head, _ = read_response(s)
        assert head.startswith(b"HTTP/1.1 415"), head
        assert b"connection: close" in head.lower()
        assert s.recv(1) == b""


def test_sigterm_lets_an_http1_stream_finish(start_server, pb):
    srv = start_server()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        body = grpc_frame(pb.EchoRequest(text="s", count=4, delay_ms=300).SerializeToString())
        conn.request("POST", STREAM, body=body, headers={"Content-Type": "application/grpc-web+proto"})
        resp = conn.getresponse()
        assert resp.status == 200
        received = resp.read1()  # the first message (at least) is here: the call is running
        assert received
        srv.signal(signal.SIGTERM)
        received += resp.read()
        frames = web_frames(received)
        assert [pb.EchoResponse.FromString(m).index for f, m in frames if f == 0] == [0, 1, 2, 3]
        assert frames[-1][0] == 0x80 and web_trailers(frames[-1][1]) == {"grpc-status": "0"}
    finally:
        conn.close()
    assert srv.proc.wait(10) == 0


def test_an_http10_client_gets_an_http10_answer(server, pb):
    body = grpc_frame(pb.EchoRequest(text="old", count=2).SerializeToString())
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"POST {STREAM} HTTP/1.0\r\nContent-Type: application/grpc-web+proto\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        reply = b""
        while chunk := s.recv(65536):  # HTTP/1.0: the body ends when the server closes
            reply += chunk
    head, _, payload = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200"), head
    assert b"chunked" not in head.lower()
    frames = web_frames(payload)
    assert [pb.EchoResponse.FromString(m).index for f, m in frames if f == 0] == [0, 1]
    assert web_trailers(frames[-1][1]) == {"grpc-status": "0"}
