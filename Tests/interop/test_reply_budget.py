"""Issue 9.3: clients that stop reading must not make the server buffer replies without
bound. 4 connections x 100 concurrent `List` calls of ~326 KiB (1,000 pools x 3 clusters,
limit 1000) once grew the server by ~130 MiB; each connection's encoded-but-unsent replies
are now bounded (--max-buffered-reply-bytes, 4 MiB by default) and calls past the bound wait
for room, their deadlines running.

The server is seeded once for the module (tools/bench-seed.py). RSS is sampled from /proc
while the stalled clients wait; the measurement ends when the server has gone idle (no CPU
used for a second), i.e. it did all it was going to do for them."""
import subprocess
import sys
import time
from pathlib import Path

import grpc
import pytest
from h2.settings import SettingCodes

import protogen
from conftest import ROOT, SERVER_BIN
from raw_h2 import RawH2Connection
from server_process import RssSampler, ServerProcess

MiB = 1024 * 1024
LIST = "/cloudidl.clusterpool.ClusterPoolService/List"
CONNECTIONS, CALLS = 4, 100
MAX_GROWTH_MIB = 64


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_idle(pid: int, quiet: float = 1.0, timeout: float = 40.0) -> None:
    """Returns once the process used no CPU for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last, since = cpu_ticks(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = cpu_ticks(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    raise AssertionError(f"server still busy after {timeout}s")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, pb):
    """One server with acme's 1,000 pools x 3 clusters, and a List request for all of them."""
    tmp = tmp_path_factory.mktemp("budget")
    srv = ServerProcess(SERVER_BIN, ["--database", str(tmp / "seed.db"), "--health-save-interval", "3600"],
                        tmp / "server.stderr.log")
    try:
        subprocess.run([sys.executable, str(ROOT / "tools/bench-seed.py"), srv.target, "--pools", "1000",
                        "--clusters-per-pool", "3", "--org", "acme"], check=True, timeout=240,
                       stdout=subprocess.DEVNULL)
        cp = protogen.module("cloudidl/clusterpool/clusterpool.proto")
        lst = protogen.module("cloudidl/common/list.proto")
        request = cp.ListRequest(organization="acme", request=lst.ListRequest(limit=1000))
        with grpc.insecure_channel(srv.target) as ch:
            call = ch.unary_unary(LIST, request_serializer=cp.ListRequest.SerializeToString,
                                  response_deserializer=lambda b: b)
            reply = call(request, timeout=30)
            assert len(reply) > 300 * 1024, f"List reply of {len(reply)} bytes, want ~326 KiB"
            # warm up: the allocator has seen a few concurrent replies before any baseline
            futures = [call.future(request, timeout=30) for _ in range(20)]
            assert all(len(f.result()) == len(reply) for f in futures)
        yield srv, request.SerializeToString(), len(reply)
    finally:
        code = srv.stop()
        if code != 0:
            print(srv.stderr_tail())
        assert code == 0, f"server exited with {code}"


def open_stalled(port: int, stall: str) -> RawH2Connection:
    if stall == "http2-window":  # SETTINGS_INITIAL_WINDOW_SIZE = 0 and no WINDOW_UPDATE, ever
        return RawH2Connection(port, settings={SettingCodes.INITIAL_WINDOW_SIZE: 0},
                               auto_window_update=False, timeout=30)
    conn = RawH2Connection(port, settings={SettingCodes.INITIAL_WINDOW_SIZE: 2**31 - 1},
                           auto_window_update=False, timeout=30)
    conn.conn.increment_flow_control_window(2**31 - 1 - 65535)
    conn.flush()
    return conn  # and never reads the socket


@pytest.mark.parametrize("stall", ["http2-window", "tcp"])
def test_stalled_list_readers_keep_memory_bounded(seeded, stall):
    srv, request, reply_size = seeded
    wait_idle(srv.pid)
    baseline = srv.rss_kib()
    sampler = RssSampler(srv, interval=0.02)
    sampler.start()
    conns = []
    try:
        for _ in range(CONNECTIONS):
            conn = open_stalled(srv.port, stall)
            conns.append(conn)
            for _ in range(CALLS):
                conn.grpc_request(LIST, request, flush=False)
            conn.flush()
        wait_idle(srv.pid)
        # other clients are still served meanwhile
        with grpc.insecure_channel(srv.target) as other:
            call = other.unary_unary(LIST, request_serializer=lambda b: b, response_deserializer=lambda b: b)
            assert len(call(request, timeout=10)) == reply_size
        peak = sampler.stop()
    finally:
        sampler.stop()
        for conn in conns:
            conn.close()
    growth = (peak - baseline) / 1024
    unbuffered = CONNECTIONS * CALLS * reply_size / MiB
    print(f"{stall}: RSS growth {growth:.1f} MiB (baseline {baseline // 1024} MiB) for "
          f"{unbuffered:.0f} MiB of replies nobody read")
    assert growth < MAX_GROWTH_MIB, (
        f"server RSS grew by {growth:.0f} MiB (baseline {baseline // 1024} MiB, peak {peak // 1024} MiB) "
        f"for {CONNECTIONS} connections x {CALLS} List calls whose client stopped reading ({stall})")


def test_calls_waiting_for_room_finish_once_read_or_hit_their_deadline(seeded):
    """A connection over its budget: a call with a short deadline ends DEADLINE_EXCEEDED while
    it waits; once the client grants window, every waiting call completes in full."""
    srv, request, reply_size = seeded
    with open_stalled(srv.port, "http2-window") as conn:
        sids = [conn.grpc_request(LIST, request) for _ in range(40)]
        late = conn.grpc_request(LIST, request, timeout_header="300m")
        got = conn.wait_stream(late, timeout=10)
        assert got.grpc_status == 4, f"a waiting call's deadline: {got.headers} {got.trailers}"
        assert not any(conn.streams[s].done for s in sids)
        conn.auto_window_update = True
        conn.conn.update_settings({SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20})
        conn.conn.increment_flow_control_window(64 << 20)
        conn.flush()
        assert conn.wait_all(sids, timeout=60), \
            f"{sum(conn.streams[s].done for s in sids)} of {len(sids)} calls finished"
        for s in sids:
            st = conn.streams[s]
            assert st.grpc_status == 0 and len(st.data) == reply_size + 5, (st.trailers, len(st.data))


def test_total_budget_holds_calls_on_other_connections_until_room(start_server, pb):
    """--max-total-buffered-reply-bytes spans connections: while one stalled client holds the
    server's total, a call on another connection waits (its deadline applies), and it runs
    as soon as the stalled client reads."""
    srv = start_server("--max-total-buffered-reply-bytes", str(2 * MiB))
    unary = "/rpctest.v1.TestService/Unary"
    big = pb.EchoRequest(reply_size=MiB).SerializeToString()
    small = pb.EchoRequest(text="other connection").SerializeToString()
    with open_stalled(srv.port, "http2-window") as stalled, RawH2Connection(srv.port) as other:
        held = [stalled.grpc_request(unary, big) for _ in range(4)]
        # 1 MiB replies nobody reads fill the 2 MiB total (their headers go out, the bytes stay)
        assert stalled.wait(lambda: sum(bool(stalled.streams[s].headers) for s in held) >= 2, timeout=10)
        late = other.grpc_request(unary, small, timeout_header="300m")
        got = other.wait_stream(late, timeout=10)
        assert got.grpc_status == 4, f"want DEADLINE_EXCEEDED while the total is full: {got}"
        waiting = other.grpc_request(unary, small)
        assert not other.wait(lambda: other.streams[waiting].done, timeout=0.5)
        stalled.auto_window_update = True
        stalled.conn.update_settings({SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20})
        stalled.conn.increment_flow_control_window(16 << 20)
        stalled.flush()
        assert stalled.wait_all(held, timeout=30)
        assert all(stalled.streams[s].grpc_status == 0 for s in held)
        got = other.wait_stream(waiting, timeout=10)
        assert got.grpc_status == 0 and pb.EchoResponse.FromString(got.messages()[0]).text == "other connection"
