"""Small client helpers shared by the tests: TestService callables, reflection, gRPC framing."""
import struct
from types import SimpleNamespace

import grpc
from grpc_reflection.v1alpha import reflection_pb2

TEST_SERVICE = "rpctest.v1.TestService"
# grpcio-reflection 1.85 ships only the v1alpha messages; grpc.reflection.v1 has the very same
# fields and numbers, so those classes serialize v1 requests byte for byte.
REFLECTION_V1 = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
ReflectionRequest = reflection_pb2.ServerReflectionRequest
ReflectionResponse = reflection_pb2.ServerReflectionResponse


def echo_stub(ch: grpc.Channel, pb) -> SimpleNamespace:
    """Unary / ServerStream / Bidi multi-callables of rpctest.v1.TestService."""
    ser, de = pb.EchoRequest.SerializeToString, pb.EchoResponse.FromString
    base = f"/{TEST_SERVICE}/"
    return SimpleNamespace(
        Unary=ch.unary_unary(base + "Unary", request_serializer=ser, response_deserializer=de),
        ServerStream=ch.unary_stream(base + "ServerStream", request_serializer=ser,
                                     response_deserializer=de),
        Bidi=ch.stream_stream(base + "Bidi", request_serializer=ser, response_deserializer=de))


def reflect(ch: grpc.Channel, *requests: ReflectionRequest, timeout: float = 10) -> list:
    """Sends the requests on one v1 ServerReflectionInfo stream; returns one response each."""
    call = ch.stream_stream(REFLECTION_V1, request_serializer=ReflectionRequest.SerializeToString,
                            response_deserializer=ReflectionResponse.FromString)
    responses = list(call(iter(requests), timeout=timeout))
    assert len(responses) == len(requests), (
        f"reflection answered {len(responses)} responses to {len(requests)} requests")
    return responses


def grpc_frame(message: bytes, compressed: bool = False) -> bytes:
    """The 5-byte gRPC length prefix + message."""
    return struct.pack(">BI", 1 if compressed else 0, len(message)) + message


def grpc_unframe(body: bytes) -> list[bytes]:
    """Splits a gRPC body into messages; fails on a partial frame or a compressed flag."""
    out, i = [], 0
    while i < len(body):
        assert len(body) - i >= 5, f"truncated gRPC prefix at byte {i} of {len(body)}"
        flag, n = struct.unpack(">BI", body[i:i + 5])
        assert flag == 0, f"unexpected compressed flag {flag} (no grpc-accept-encoding was sent)"
        assert len(body) - i - 5 >= n, f"truncated gRPC message: {len(body) - i - 5} of {n} bytes"
        out.append(body[i + 5:i + 5 + n])
        i += 5 + n
    return out
