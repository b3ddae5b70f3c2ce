"""HTTP/1.1 answers given before (or instead of) reading a request body, and request framing
the server does not implement (issue 16 points 4 and 4b).

A client that sends its whole body before reading (Python's http.client does) must read the
refusal, not fail with "connection reset" while sending: the server answers, then reads and
drops the rest of the body before closing (a lingering close)."""
import http.client
import json
import socket
import time

import pytest

UNARY = "/rpctest.v1.TestService/Unary"
MiB = 1024 * 1024


def send_whole_body_then_read(port: int, body, headers: dict) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("POST", UNARY, body=body, headers=headers)  # sends every byte first
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_unsupported_content_encoding_with_a_large_body(server):
    status, headers, body = send_whole_body_then_read(
        server.port, b"\x00" * (8 * MiB),
        {"Content-Type": "application/proto", "Content-Encoding": "br"})
    assert status == 501 and json.loads(body)["code"] == "unimplemented", (status, body[:200])
    assert "br" in json.loads(body)["message"]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_body_over_the_limit(start_server, framing):
    srv = start_server("--max-message-size", "65536")
    payload = b"\x00" * (4 * MiB)
    body = payload if framing == "content-length" else iter([payload[i:i + MiB] for i in range(0, len(payload), MiB)])
    status, headers, reply = send_whole_body_then_read(
        srv.port, body, {"Content-Type": "application/proto"})
    assert status == 429 and json.loads(reply)["code"] == "resource_exhausted", (status, reply[:200])
    # the server is fine afterwards, on a new connection
    status, _, reply = send_whole_body_then_read(srv.port, b"", {"Content-Type": "application/proto"})
    assert status == 200, (status, reply)


def read_head(s: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        assert chunk, f"connection closed inside a head: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def read_to_eof(s: socket.socket, timeout: float = 10) -> bytes:
    s.settimeout(timeout)
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    return data


def content_length(head: bytes) -> int | None:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return None


@pytest.mark.parametrize("codings", ["gzip, chunked", "x-unknown, chunked", "chunked, chunked"])
def test_transfer_codings_not_implemented_are_refused(server, codings):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"POST {UNARY} HTTP/1.1\r\nHost: x\r\nContent-Type: application/proto\r\n"
                  f"Transfer-Encoding: {codings}\r\n\r\n5\r\nhello\r\n0\r\n\r\n".encode())
        head, rest = read_head(s)
        rest += read_to_eof(s)  # the answer closes the connection
    assert head.startswith((b"HTTP/1.1 501", b"HTTP/1.1 400")), head
    length = content_length(head)
    assert length is not None and len(rest) == length, (head, rest)


def test_transfer_coding_not_ending_in_chunked_is_refused(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"POST {UNARY} HTTP/1.1\r\nHost: x\r\nContent-Type: application/proto\r\n"
                  f"Transfer-Encoding: gzip\r\n\r\nhello".encode())
        reply = read_to_eof(s)
    assert reply.startswith((b"HTTP/1.1 501", b"HTTP/1.1 400")), reply[:200]


def test_connect_gets_a_delimited_405(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        head, rest = read_head(s)
        assert head.startswith(b"HTTP/1.1 405"), head
        length = content_length(head)
        if length is None:  # no length: the connection must end the answer
            start = time.monotonic()
            rest += read_to_eof(s, timeout=5)
            assert time.monotonic() - start < 5
        else:
            assert len(rest) <= length
