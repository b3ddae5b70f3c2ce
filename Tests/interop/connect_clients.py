"""Connect and gRPC-Web helpers: connectrpc clients over HTTP/2 (h2c, prior knowledge),
grpcio for plain gRPC, and the wire shapes (envelopes, end-of-stream JSON, gRPC-Web trailers)
for the raw-h2 tests."""
import gzip
import json
import struct
import zlib

import grpc
from connectrpc.client import ConnectClientSync
from connectrpc.compat import google_protobuf_binary_codec
from connectrpc.errors import ConnectError
from connectrpc.method import IdempotencyLevel, MethodInfo, StreamType
from connectrpc.protocol import ProtocolType
from pyqwest import HTTPVersion, SyncClient, SyncHTTPTransport

PROTOCOLS = {"connect": ProtocolType.CONNECT, "grpc-web": ProtocolType.GRPC_WEB}


class Caller:
    """unary(service, method, request, response_type) and server_stream(...) for one protocol:
    'connect' and 'grpc-web' through connectrpc over h2c, 'grpc' through grpcio. Errors come
    back as ConnectError or grpc.RpcError; `outcome` turns both into (CODE_NAME, message)."""

    def __init__(self, port: int, protocol: str, **client_kw):
        self.protocol = protocol
        if protocol == "grpc":
            self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(self.channel).result(timeout=10)
        else:
            self.http = SyncClient(SyncHTTPTransport(http_version=HTTPVersion.HTTP2))
            self.client = ConnectClientSync(
                f"http://127.0.0.1:{port}", protocol=PROTOCOLS[protocol],
                codec=google_protobuf_binary_codec(), http_client=self.http, **client_kw)

    def close(self):
        if self.protocol == "grpc":
            self.channel.close()
        else:
            self.client.close()

    @staticmethod
    def _method(service, name, request, response_type, stream_type):
        return MethodInfo(name=name, service_name=service, input=type(request), output=response_type,
                          idempotency_level=IdempotencyLevel.UNKNOWN, stream_type=stream_type)

    def unary(self, service, name, request, response_type, timeout=10):
        if self.protocol == "grpc":
            call = self.channel.unary_unary(f"/{service}/{name}", request_serializer=type(request).SerializeToString,
                                            response_deserializer=response_type.FromString)
            return call(request, timeout=timeout)
        return self.client.execute_unary(
            request=request, method=self._method(service, name, request, response_type, StreamType.UNARY),
            timeout_ms=int(timeout * 1000))

    def server_stream(self, service, name, request, response_type, timeout=20):
        if self.protocol == "grpc":
            call = self.channel.unary_stream(f"/{service}/{name}", request_serializer=type(request).SerializeToString,
                                             response_deserializer=response_type.FromString)
            return call(request, timeout=timeout)
        return self.client.execute_server_stream(
            request=request, method=self._method(service, name, request, response_type, StreamType.SERVER_STREAM),
            timeout_ms=int(timeout * 1000))


def outcome(fn):
    """(CODE_NAME, message) of a call: ('OK', '') when it succeeds."""
    try:
        fn()
    except ConnectError as e:  # connectrpc spells CANCELLED as Connect does
        return {"CANCELED": "CANCELLED"}.get(e.code.name, e.code.name), e.message
    except grpc.RpcError as e:
        return e.code().name, e.details()
    return "OK", ""


def envelope(message: bytes, flags: int = 0) -> bytes:
    return struct.pack(">BI", flags, len(message)) + message


def envelopes(body: bytes) -> list[tuple[int, bytes]]:
    """(flags, payload) of each envelope; fails on a truncated one."""
    out, i = [], 0
    while i < len(body):
        assert len(body) - i >= 5, f"truncated envelope prefix at byte {i}"
        flags, n = struct.unpack(">BI", body[i:i + 5])
        assert len(body) - i - 5 >= n, "truncated envelope"
        out.append((flags, body[i + 5:i + 5 + n]))
        i += 5 + n
    return out


def end_stream(body: bytes) -> dict:
    """The Connect end-of-stream JSON (the last envelope, flag 0x02)."""
    flags, payload = envelopes(body)[-1]
    assert flags == 0x02, f"last envelope has flags {flags:#x}, want 0x02"
    return json.loads(payload)


def web_trailers(body: bytes) -> dict:
    """The gRPC-Web trailers (the last envelope, flag 0x80) as a dict."""
    flags, payload = envelopes(body)[-1]
    assert flags == 0x80, f"last envelope has flags {flags:#x}, want 0x80"
    lines = [line for line in payload.decode().split("\r\n") if line]
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}


def gzip_bomb(inflated: int) -> bytes:
    """gzip of `inflated` zero bytes, made in 1 MiB steps (deflate tops out near 1030:1)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk, parts = bytes(1 << 20), []
    for _ in range(inflated >> 20):
        parts.append(z.compress(chunk))
    parts.append(z.flush())
    return b"".join(parts)


def gunzip(data: bytes) -> bytes:
    return gzip.decompress(data)


def bidi(caller: "Caller", service, name, requests, response_type, timeout=20):
    """A client-and-server streaming call: all of `requests`, then the replies (half duplex)."""
    requests = list(requests)
    if caller.protocol == "grpc":
        call = caller.channel.stream_stream(f"/{service}/{name}", request_serializer=type(requests[0]).SerializeToString,
                                            response_deserializer=response_type.FromString)
        return list(call(iter(requests), timeout=timeout))
    method = Caller._method(service, name, requests[0], response_type, StreamType.BIDI_STREAM)
    return list(caller.client.execute_bidi_stream(request=iter(requests), method=method,
                                                  timeout_ms=int(timeout * 1000)))
