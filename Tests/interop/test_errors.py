"""Status codes the server itself produces: limits, malformed input, unknown methods, failures."""
import urllib.parse

import grpc
import pytest

from clients import echo_stub
from raw_h2 import RawH2Connection

MiB = 1024 * 1024
UNARY = "/rpctest.v1.TestService/Unary"


def raw_unary(channel, path=UNARY):
    """A multi-callable that sends and returns bytes as they are (no serializer)."""
    return channel.unary_unary(path, request_serializer=None, response_deserializer=None)


def test_five_mib_request_is_resource_exhausted(echo, pb):
    with pytest.raises(grpc.RpcError) as err:
        echo.Unary(pb.EchoRequest(payload=b"\x01" * (5 * MiB)), timeout=30)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (
        f"5 MiB request gave {err.value.code()} {err.value.details()!r}, want RESOURCE_EXHAUSTED")
    # the limit rejects that one call only: the connection keeps working
    assert echo.Unary(pb.EchoRequest(text="next"), timeout=5).text == "next"


@pytest.mark.parametrize("streaming", [False, True])
def test_five_mib_reply_is_resource_exhausted(echo, pb, streaming):
    """The limit holds each way: the server refuses to send a reply above it."""
    request = pb.EchoRequest(reply_size=5 * MiB, text="big")
    with pytest.raises(grpc.RpcError) as err:
        if streaming:
            list(echo.ServerStream(request, timeout=30))
        else:
            echo.Unary(request, timeout=30)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (
        f"5 MiB reply gave {err.value.code()} {err.value.details()!r}, want RESOURCE_EXHAUSTED")
    assert echo.Unary(pb.EchoRequest(text="next"), timeout=5).text == "next"


def test_request_just_under_the_limit_passes(echo, pb):
    payload = b"\x02" * (4 * MiB - 64)  # the serialized request stays below 4 MiB
    resp = echo.Unary(pb.EchoRequest(payload=payload, reply_size=16), timeout=30)
    assert resp.payload == b"x" * 16


def test_max_message_size_flag(start_server, pb):
    srv = start_server("--max-message-size", "1024")
    with grpc.insecure_channel(srv.target) as ch:
        echo = echo_stub(ch, pb)
        assert echo.Unary(pb.EchoRequest(payload=b"a" * 900), timeout=5).payload == b"a" * 900
        with pytest.raises(grpc.RpcError) as err:
            echo.Unary(pb.EchoRequest(payload=b"a" * 2000), timeout=5)
        assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (
            f"2000-byte request with --max-message-size 1024 gave {err.value.code()}")


@pytest.mark.parametrize("body", [
    b"\xff\xff\xff",             # varint tag that never ends
    b"\x0a\x05ab",               # field 1 (bytes) claims 5 bytes, has 2
    b"\x0e",                     # field 1 with wire type 6, which does not exist
    b"\x28" + b"\xff" * 10,      # field 5 varint longer than 10 bytes
], ids=["truncated-varint", "truncated-bytes", "bad-wire-type", "overlong-varint"])
def test_malformed_request_is_invalid_argument(channel, body):
    with pytest.raises(grpc.RpcError) as err:
        raw_unary(channel)(body, timeout=5)
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT, (
        f"malformed request {body!r} gave {err.value.code()} {err.value.details()!r}")


def test_empty_request_message_is_valid(channel, pb):
    resp = pb.EchoResponse.FromString(raw_unary(channel)(b"", timeout=5))
    assert resp.payload == b"" and resp.text == "" and resp.index == 0


@pytest.mark.parametrize("path", [
    "/rpctest.v1.TestService/NoSuchMethod", "/no.such.Service/Method",
    "/cloudidl.clusterpool.ClusterPoolService/NoSuchMethod"])
def test_unknown_method_is_unimplemented(channel, path):
    with pytest.raises(grpc.RpcError) as err:
        raw_unary(channel, path)(b"", timeout=5)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED, (
        f"{path} gave {err.value.code()} {err.value.details()!r}, want UNIMPLEMENTED")


MESSAGES = ["plain ascii", "ünïcødé ✓ 你好 🚀", "100% sure, a/b?c=d&e", "line1\nline2\ttab",
            "  leading and trailing spaces  "]


@pytest.mark.parametrize("code", [grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND,
                                  grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INTERNAL,
                                  grpc.StatusCode.UNAUTHENTICATED])
def test_fail_code_passthrough(echo, pb, code):
    text = f"failing with {code.name}: ü✓"
    with pytest.raises(grpc.RpcError) as err:
        echo.Unary(pb.EchoRequest(fail_code=code.value[0], text=text), timeout=5)
    assert err.value.code() == code
    assert err.value.details() == text


@pytest.mark.parametrize("text", MESSAGES)
def test_status_message_round_trip(echo, pb, text):
    with pytest.raises(grpc.RpcError) as err:
        echo.Unary(pb.EchoRequest(fail_code=grpc.StatusCode.ABORTED.value[0], text=text), timeout=5)
    assert err.value.code() == grpc.StatusCode.ABORTED
    assert err.value.details() == text, f"grpc-message decoded as {err.value.details()!r}"


@pytest.mark.parametrize("text", MESSAGES)
def test_grpc_message_is_percent_encoded_on_the_wire(server, pb, text):
    """gRPC over HTTP/2: grpc-message is UTF-8, percent-encoded; bytes outside 0x20-0x7E and
    '%' itself must be %XX."""
    req = pb.EchoRequest(fail_code=grpc.StatusCode.ABORTED.value[0], text=text)
    with RawH2Connection(server.port) as conn:
        res = conn.wait_stream(conn.grpc_request(UNARY, req.SerializeToString()), timeout=5)
    assert res.status == 200, f":status {res.status}"
    assert res.grpc_status == grpc.StatusCode.ABORTED.value[0], f"grpc-status {res.grpc_status}"
    raw = res.grpc_message
    assert raw is not None, "no grpc-message header"
    bad = [b for b in raw if b < 0x20 or b > 0x7E]
    assert not bad, f"grpc-message {raw!r} has raw bytes {bytes(bad)!r} that must be %-encoded"
    for i, b in enumerate(raw):
        if b == ord("%"):
            assert all(c in b"0123456789abcdefABCDEF" for c in raw[i + 1:i + 3]) and \
                len(raw[i + 1:i + 3]) == 2, f"bare '%' at {i} in {raw!r}"
    assert urllib.parse.unquote(raw.decode("ascii"), errors="strict") == text
