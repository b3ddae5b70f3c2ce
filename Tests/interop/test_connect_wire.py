"""Connect and gRPC-Web on the wire, with raw h2 frames over h2c: gzip request bodies (also the
official client's gzip of an empty body), gzip replies, the JSON error body and its HTTP status,
415/405 rejections, protocol fields, end-of-stream envelopes, gRPC-Web trailers frames, and the
gzip bomb answered RESOURCE_EXHAUSTED quickly with the server's RSS staying flat."""
import gzip
import json
import time

import pytest

from connect_clients import end_stream, envelope, envelopes, gzip_bomb, web_trailers
from raw_h2 import RawH2Connection

TEST = "/rpctest.v1.TestService"
GET_POOL = "/cloudidl.clusterpool.ClusterPoolService/Get"


def headers(conn, path, content_type, *extra):
    return [(b":method", b"POST"), (b":scheme", b"http"), (b":path", path.encode()),
            (b":authority", conn.authority), (b"content-type", content_type.encode()),
            *[(k.encode(), v.encode()) for k, v in extra]]


def call(conn, path, content_type, body: bytes, *extra, timeout=10):
    """Sends one request (body within flow control) and waits for the whole answer."""
    sid = conn.conn.get_next_available_stream_id()
    conn.streams[sid] = __import__("raw_h2").StreamResult()
    conn.conn.send_headers(sid, headers(conn, path, content_type, *extra), end_stream=not body)
    sent = 0
    while sent < len(body) and not conn.streams[sid].done:
        window = min(conn.conn.local_flow_control_window(sid), conn.conn.max_outbound_frame_size)
        if window <= 0:
            conn.flush()
            conn.pump(0.5)
            continue
        chunk = body[sent:sent + window]
        sent += len(chunk)
        conn.conn.send_data(sid, chunk, end_stream=sent == len(body))
        conn.flush()
    conn.flush()
    result = conn.wait_stream(sid, timeout)
    assert result.done, f"no answer on stream {sid} within {timeout} s"
    return result


def h(result, name):
    v = result.headers.get(name.encode())
    return v.decode() if v is not None else None


@pytest.fixture
def conn(server):
    with RawH2Connection(server.port) as c:
        yield c


def echo(pb, **kw) -> bytes:
    return pb.EchoRequest(**kw).SerializeToString()


def test_connect_unary_plain(conn, pb):
    r = call(conn, TEST + "/Unary", "application/proto", echo(pb, text="hi"), ("connect-protocol-version", "1"))
    assert r.status == 200 and h(r, "content-type") == "application/proto"
    assert pb.EchoResponse.FromString(bytes(r.data)).text == "hi"
    assert not r.trailers


def test_connect_unary_gzip_request_and_gzip_reply(conn, pb):
    body = gzip.compress(echo(pb, text="zipped", reply_size=5000))
    r = call(conn, TEST + "/Unary", "application/proto", body, ("content-encoding", "gzip"),
             ("accept-encoding", "gzip"))
    assert r.status == 200 and h(r, "content-encoding") == "gzip"
    reply = pb.EchoResponse.FromString(gzip.decompress(bytes(r.data)))
    assert reply.text == "zipped" and reply.payload == b"x" * 5000
    # without accept-encoding the client accepts what it sent (gzip); with identity it gets identity
    r = call(conn, TEST + "/Unary", "application/proto", echo(pb, reply_size=5000), ("accept-encoding", "identity"))
    assert h(r, "content-encoding") is None and len(pb.EchoResponse.FromString(bytes(r.data)).payload) == 5000


def test_official_clients_gzip_of_an_empty_body_and_a_zero_length_body(conn, pb):
    # the official client gzips every body, even an empty message: 20 bytes of gzip framing
    empty = gzip.compress(b"")
    assert len(empty) > 0
    r = call(conn, TEST + "/Unary", "application/proto", empty, ("content-encoding", "gzip"))
    assert r.status == 200 and bytes(r.data) == b""  # the empty EchoResponse
    r = call(conn, TEST + "/Unary", "application/proto", b"", ("content-encoding", "gzip"))
    assert r.status == 200 and bytes(r.data) == b""  # zero-length content is never inflated


@pytest.mark.parametrize("fail_code,name,status", [
    (5, "not_found", 404), (6, "already_exists", 409), (3, "invalid_argument", 400),
    (9, "failed_precondition", 400), (10, "aborted", 409), (16, "unauthenticated", 401),
    (8, "resource_exhausted", 429), (14, "unavailable", 503), (13, "internal", 500), (1, "canceled", 499)])
def test_connect_unary_error_is_its_http_status_and_json(conn, pb, fail_code, name, status):
    text = 'pool "x"\nü \\ %'
    r = call(conn, TEST + "/Unary", "application/proto", echo(pb, fail_code=fail_code, text=text))
    assert r.status == status and h(r, "content-type") == "application/json"
    assert json.loads(bytes(r.data)) == {"code": name, "message": text}


def test_connect_rejections(conn, pb):
    r = call(conn, TEST + "/Unary", "application/json", b"{}")
    assert r.status == 415 and "application/proto" in h(r, "accept-post")
    r = call(conn, TEST + "/Unary", "application/connect+json", b"")
    assert r.status == 415
    r = call(conn, TEST + "/Nope", "application/proto", b"")
    assert r.status == 501 and json.loads(bytes(r.data))["code"] == "unimplemented"
    r = call(conn, TEST + "/Unary", "application/proto", b"", ("content-encoding", "br"))
    assert r.status == 501 and "gzip" in json.loads(bytes(r.data))["message"]
    r = call(conn, TEST + "/Unary", "application/proto", b"", ("connect-protocol-version", "2"))
    assert r.status == 400 and json.loads(bytes(r.data))["code"] == "invalid_argument"
    r = call(conn, TEST + "/Unary", "application/proto", b"", ("connect-timeout-ms", "soon"))
    assert r.status == 400
    # a streaming method takes no Connect unary request
    r = call(conn, TEST + "/ServerStream", "application/proto", echo(pb))
    assert r.status == 415
    r = call(conn, TEST + "/Unary", "application/proto", b"\xff\xff")  # malformed protobuf
    assert r.status == 400 and json.loads(bytes(r.data))["code"] == "invalid_argument"


def test_connect_timeout_ms(conn, pb):
    started = time.monotonic()
    r = call(conn, TEST + "/Unary", "application/proto", echo(pb, delay_ms=5000), ("connect-timeout-ms", "200"))
    assert r.status == 504 and json.loads(bytes(r.data))["code"] == "deadline_exceeded"
    assert time.monotonic() - started < 3


def test_connect_streaming_end_of_stream(conn, pb):
    r = call(conn, TEST + "/ServerStream", "application/connect+proto", envelope(echo(pb, count=2, text="s")))
    assert r.status == 200 and h(r, "content-type") == "application/connect+proto"
    parts = envelopes(bytes(r.data))
    assert [f for f, _ in parts] == [0, 0, 2]
    assert [pb.EchoResponse.FromString(p).index for _, p in parts[:2]] == [0, 1]
    assert json.loads(parts[2][1]) == {}
    # an error before any message: still HTTP 200, the error in the end-of-stream message
    r = call(conn, TEST + "/ServerStream", "application/connect+proto", envelope(echo(pb, fail_code=5, text="no")))
    assert r.status == 200 and end_stream(bytes(r.data)) == {"error": {"code": "not_found", "message": "no"}}
    # unary methods over Connect streaming too, with gzip both ways
    r = call(conn, TEST + "/Unary", "application/connect+proto",
             envelope(gzip.compress(echo(pb, reply_size=3000)), flags=1),
             ("connect-content-encoding", "gzip"), ("connect-accept-encoding", "gzip"))
    parts = envelopes(bytes(r.data))
    assert h(r, "connect-content-encoding") == "gzip" and parts[0][0] == 1
    assert len(pb.EchoResponse.FromString(gzip.decompress(parts[0][1])).payload) == 3000
    assert parts[1] == (2, b"{}")


def test_grpc_web_trailers_frame(conn, pb):
    r = call(conn, TEST + "/ServerStream", "application/grpc-web+proto", envelope(echo(pb, count=2)))
    assert r.status == 200 and h(r, "content-type") == "application/grpc-web+proto"
    assert not r.trailers  # no HTTP trailers: the status is in the body
    parts = envelopes(bytes(r.data))
    assert [f for f, _ in parts] == [0, 0, 0x80]
    assert web_trailers(bytes(r.data)) == {"grpc-status": "0"}
    r = call(conn, TEST + "/Unary", "application/grpc-web", envelope(echo(pb, fail_code=6, text="dup 100%")))
    assert r.status == 200 and web_trailers(bytes(r.data)) == {"grpc-status": "6", "grpc-message": "dup 100%25"}
    r = call(conn, TEST + "/Nope", "application/grpc-web+proto", envelope(b""))
    assert web_trailers(bytes(r.data))["grpc-status"] == "12"


@pytest.fixture(scope="module")
def bomb():
    """~1 MiB of gzip (deflate's ratio tops out near 1030:1) that inflates to 1 GiB of zeros."""
    data = gzip_bomb(1 << 30)
    assert len(data) < 1_100_000
    return data


def test_gzip_bomb_is_resource_exhausted_quickly_with_flat_rss(server, pb, bomb):
    with RawH2Connection(server.port) as conn:
        assert call(conn, TEST + "/Unary", "application/proto", echo(pb, text="warm")).status == 200
        before = server.rss_kib()
        for round_ in range(8):
            started = time.monotonic()
            r = call(conn, TEST + "/Unary", "application/proto", bomb, ("content-encoding", "gzip"))
            assert r.status == 429 and json.loads(bytes(r.data))["code"] == "resource_exhausted", (r.status, bytes(r.data))
            r = call(conn, TEST + "/Unary", "application/connect+proto", envelope(bomb, flags=1),
                     ("connect-content-encoding", "gzip"))
            assert end_stream(bytes(r.data))["error"]["code"] == "resource_exhausted"
            r = call(conn, TEST + "/Unary", "application/grpc-web+proto", envelope(bomb, flags=1),
                     ("grpc-encoding", "gzip"))
            assert web_trailers(bytes(r.data))["grpc-status"] == "8"
            r = call(conn, TEST + "/Unary", "application/grpc", envelope(bomb, flags=1), ("grpc-encoding", "gzip"),
                     ("te", "trailers"))
            assert r.grpc_status == 8
            elapsed = time.monotonic() - started
            assert elapsed < 5, f"round {round_}: four bombs took {elapsed:.2f} s"
        after = server.rss_kib()
        # 32 GiB of would-be output later: growth bounded by a few message-limit buffers
        assert after - before < 64 * 1024, f"RSS grew from {before} KiB to {after} KiB"
        print(f"RSS before {before} KiB, after 32 bombs {after} KiB")
        assert call(conn, TEST + "/Unary", "application/proto", echo(pb, text="alive")).status == 200


def test_one_kib_bomb_past_a_small_message_limit(start_server, pb):
    """1 KiB of gzip inflates to at most ~1 MiB (deflate's ratio), so with a 64 KiB limit such
    a body is the bomb: rejected, and inflation stops at the limit."""
    small = gzip_bomb(1 << 20)
    assert len(small) <= 1100, len(small)
    srv = start_server("--max-message-size", str(64 << 10))
    with RawH2Connection(srv.port) as conn:
        r = call(conn, TEST + "/Unary", "application/proto", small, ("content-encoding", "gzip"))
        assert r.status == 429 and json.loads(bytes(r.data))["code"] == "resource_exhausted"
        r = call(conn, TEST + "/Unary", "application/grpc-web", envelope(small, flags=1), ("grpc-encoding", "gzip"))
        assert web_trailers(bytes(r.data))["grpc-status"] == "8"
