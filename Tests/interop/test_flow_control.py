"""A client that stops reading must not make the server buffer without bound."""
import time

import grpc
import pytest
from h2.settings import SettingCodes

from clients import echo_stub
from raw_h2 import RawH2Connection
from server_process import RssSampler

MiB = 1024 * 1024
STREAM = "/rpctest.v1.TestService/ServerStream"
MAX_GROWTH_MIB = 64


@pytest.mark.parametrize("stall", ["http2-window", "tcp"])
def test_stalled_reader_keeps_memory_bounded(server, channel, pb, stall):
    """Two server streams of 50 x 3 MiB (300 MiB in all) to a client that stops reading:
    `http2-window` grants a 16-byte stream window and never sends WINDOW_UPDATE; `tcp` grants
    the largest windows but never reads the socket. The server must produce replies only as
    they can be sent: RSS may grow by a few messages, not by hundreds of MiB."""
    echo = echo_stub(channel, pb)
    # warm up: the allocator has seen a 3 MiB reply before the baseline is taken
    assert len(echo.Unary(pb.EchoRequest(reply_size=3 * MiB), timeout=30).payload) == 3 * MiB
    baseline = server.rss_kib()
    sampler = RssSampler(server)
    sampler.start()
    if stall == "http2-window":
        conn = RawH2Connection(server.port, settings={SettingCodes.INITIAL_WINDOW_SIZE: 16},
                               auto_window_update=False)
    else:
        conn = RawH2Connection(server.port, settings={SettingCodes.INITIAL_WINDOW_SIZE: 2**31 - 1},
                               auto_window_update=False)
        conn.conn.increment_flow_control_window(2**31 - 1 - 65535)
    try:
        req = pb.EchoRequest(count=50, reply_size=3 * MiB).SerializeToString()
        sids = [conn.grpc_request(STREAM, req) for _ in range(2)]
        # read only until both streams have response headers, then never again
        conn.wait(lambda: all(conn.streams[s].headers for s in sids), timeout=10)
        assert all(conn.streams[s].status == 200 for s in sids), \
            f"no 200 response headers: {[conn.streams[s].headers for s in sids]}"
        # other clients keep being served while the stalled streams wait
        deadline = time.monotonic() + 3
        served = 0
        while time.monotonic() < deadline:
            assert echo.Unary(pb.EchoRequest(text=f"other-{served}"), timeout=5).text == \
                f"other-{served}"
            served += 1
            time.sleep(0.05)
        with grpc.insecure_channel(server.target) as other:
            reply = echo_stub(other, pb).Unary(pb.EchoRequest(reply_size=MiB), timeout=10)
            assert len(reply.payload) == MiB
        peak = sampler.stop()
    finally:
        sampler.stop()
        conn.close()
    growth_mib = (peak - baseline) / 1024
    assert growth_mib < MAX_GROWTH_MIB, (
        f"server RSS grew by {growth_mib:.0f} MiB (baseline {baseline // 1024} MiB, peak "
        f"{peak // 1024} MiB) for a client that stopped reading 300 MiB of replies")
    assert served >= 10, f"only {served} calls by another client were served in 3 s"
    # the abandoned streams are cleaned up: the server goes on serving normally
    assert echo.Unary(pb.EchoRequest(text="after"), timeout=5).text == "after"
