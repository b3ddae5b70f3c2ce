"""Server streaming and bidirectional streaming of rpctest.v1.TestService."""
import queue
import time

import grpc
import pytest


def test_server_stream_hundred_replies(echo, pb):
    replies = list(echo.ServerStream(pb.EchoRequest(count=100, payload=b"p", text="s"), timeout=20))
    assert [r.index for r in replies] == list(range(100)), (
        f"got {len(replies)} replies, indexes {[r.index for r in replies][:10]}...")
    assert all(r.payload == b"p" and r.text == "s" for r in replies)


def test_server_stream_count_zero_sends_one(echo, pb):
    replies = list(echo.ServerStream(pb.EchoRequest(count=0, reply_size=3), timeout=5))
    assert [(r.index, r.payload) for r in replies] == [(0, b"xxx")]


def test_server_stream_messages_arrive_as_produced(echo, pb):
    """With delay_ms between replies, the first one must arrive long before the last."""
    call = echo.ServerStream(pb.EchoRequest(count=5, delay_ms=200), timeout=20)
    start = time.monotonic()
    arrivals = [time.monotonic() - start for _ in call]
    assert len(arrivals) == 5
    assert arrivals[0] < 0.6, f"first reply after {arrivals[0]:.2f}s: replies are being batched"
    assert arrivals[-1] >= 0.9, f"5 replies with 200 ms delays came within {arrivals[-1]:.2f}s"


def test_server_stream_cancel_midway(echo, pb):
    call = echo.ServerStream(pb.EchoRequest(count=1000, delay_ms=20), timeout=30)
    first = [next(call) for _ in range(3)]
    assert [r.index for r in first] == [0, 1, 2]
    call.cancel()
    assert call.code() == grpc.StatusCode.CANCELLED
    assert echo.Unary(pb.EchoRequest(text="ok"), timeout=5).text == "ok"


def test_bidi_fifty_messages_ping_pong(echo, pb):
    """Each reply must come back before the next request is sent (no buffering until EOF)."""
    requests: queue.Queue = queue.Queue()

    def gen():
        while (item := requests.get(timeout=20)) is not None:
            yield item

    call = echo.Bidi(gen(), timeout=30)
    try:
        for i in range(50):
            requests.put(pb.EchoRequest(text=f"m{i}", payload=bytes([i]) * i))
            reply = next(call)
            assert (reply.index, reply.text, reply.payload) == (i, f"m{i}", bytes([i]) * i), (
                f"reply {i} is index={reply.index} text={reply.text!r}")
        requests.put(None)
        rest = list(call)
    finally:
        requests.put(None)
    assert rest == [], f"{len(rest)} extra replies after the client half-closed"
    assert call.code() == grpc.StatusCode.OK


def test_bidi_all_at_once(echo, pb):
    reqs = [pb.EchoRequest(text=str(i), reply_size=i) for i in range(50)]
    replies = list(echo.Bidi(iter(reqs), timeout=20))
    assert [(r.index, r.text, len(r.payload)) for r in replies] == \
        [(i, str(i), i) for i in range(50)]


def test_bidi_empty_stream(echo):
    call = echo.Bidi(iter([]), timeout=5)
    assert list(call) == []
    assert call.code() == grpc.StatusCode.OK
