"""Idle HTTP/2 connections against a running server, and what they cost it in RSS.

  bench-idle-conns.py HOST:PORT --pid PID [--connections 10000] [--steps 1000,10000] [--batch 200]
                      [--rpc PATH --body FILE] [--calls 1] [--warm 0] [--quiet 5] [--again 0]

Opens the connections in batches, each with the h2c client preface, an empty SETTINGS frame
(and the SETTINGS ACK of the server's), then one gRPC call (--calls N: N calls, one after the
other, with the HPACK dynamic table a real client keeps) of grpc.health.v1.Health/Check with
service "" (--rpc and --body, a gRPC-framed request file, name another): a connection that
made its calls and now idles, as a client keeps it. At each step it waits until the server's
RSS (VmRSS of /proc/PID/status) settles (unchanged for --quiet seconds, default 5: the server
gives the stream map of a connection back 2 to 4 s after its last call), prints it, then goes on;
after the last step (and --again N rounds of one more call on every connection, each followed
by the settled RSS) it closes every connection and prints the RSS once more. --warm N opens N
connections first, each through its calls, and keeps them open: the idle reading every figure
counts from is taken with them, so what a server maps or allocates once (the code and data pages
of the paths a connection runs, given back at its start and faulted in again a page at a time;
each event loop's own buffers) is not counted per connection; only the connections after them
are (the figures say "on top of N"). Lines
`RESULT key=value ...` are for tools/bench. A connection refused or reset, or a call answered
with anything but grpc-status 0, fails the run. Raises its own open-file limit to the hard limit; the server
needs one as high (ulimit -n).
Not part of the tests.
"""
import argparse
import asyncio
import resource
import struct
import sys
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, GOAWAY = 0x0, 0x1, 0x3, 0x4, 0x7
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4


def frame(kind: int, flags: int, stream: int, payload: bytes = b"") -> bytes:
    return struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", kind, flags, stream) + payload


class Caller:
    """The request bytes of one connection: its own HPACK encoder, so that later calls refer
    to the header fields the first one added to the dynamic table, as a real client's do."""

    def __init__(self, authority: str, path: str, body: bytes):
        self.encoder = hpack.Encoder()
        self.fields = [(":method", "POST"), (":scheme", "http"), (":path", path),
                       (":authority", authority), ("content-type", "application/grpc"),
                       ("te", "trailers")]
        self.body = body

    def call(self, stream: int) -> bytes:
        return (frame(HEADERS, END_HEADERS, stream, self.encoder.encode(self.fields))
                + frame(DATA, END_STREAM, stream, self.body))


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, int, int, bytes]:
    head = await reader.readexactly(9)
    length = int.from_bytes(head[:3], "big")
    kind, flags, stream = head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFFFFFF
    return kind, flags, stream, await reader.readexactly(length)


class Connection:
    """An open connection, its HPACK state and its last stream."""

    def __init__(self, reader, writer, caller: Caller):
        self.reader, self.writer, self.caller = reader, writer, caller
        self.decoder = hpack.Decoder()
        self.stream = 1
        self.acked = False

    async def answer(self):
        """Reads frames until the current stream's trailers (grpc-status 0)."""
        while True:
            kind, flags, on, payload = await read_frame(self.reader)
            if kind == SETTINGS and not flags & ACK and not self.acked:
                self.writer.write(frame(SETTINGS, ACK, 0))
                self.acked = True
            elif kind in (GOAWAY, RST_STREAM):
                raise RuntimeError(f"server sent frame type {kind} ({payload.hex()})")
            elif kind == HEADERS:
                fields = dict(self.decoder.decode(payload))
                if on == self.stream and flags & END_STREAM:
                    if fields.get("grpc-status") != "0":
                        raise RuntimeError(f"call failed: {fields}")
                    return
            elif kind == DATA and flags & END_STREAM:
                raise RuntimeError("reply ended without trailers")

    async def call(self):
        """One more call on the open connection."""
        self.stream += 2
        self.writer.write(self.caller.call(self.stream))
        await self.answer()


async def open_idle(host: str, port: int, caller: Caller, calls: int) -> Connection:
    """One connection through its calls, one after the other; returns it open."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(PREFACE + frame(SETTINGS, 0, 0) + caller.call(1))
    conn = Connection(reader, writer, caller)
    await conn.answer()
    for _ in range(calls - 1):
        await conn.call()
    await writer.drain()
    return conn


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def settled_rss(pid: int, quiet: float, limit: float = 30.0) -> int:
    """VmRSS once it has not moved for `quiet` seconds (or after `limit` seconds)."""
    last, since, start = rss_kib(pid), time.monotonic(), time.monotonic()
    while time.monotonic() - start < limit:
        await asyncio.sleep(0.2)
        now = rss_kib(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


async def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("--pid", type=int, required=True, help="the server's pid (its RSS is read)")
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--steps", default="", help="comma-separated counts to report on the way")
    ap.add_argument("--batch", type=int, default=200, help="connections opened at once")
    ap.add_argument("--rpc", default="/grpc.health.v1.Health/Check", help="the method called")
    ap.add_argument("--body", help="gRPC-framed request file (default: an empty message)")
    ap.add_argument("--calls", type=int, default=1, help="calls made on each connection first")
    ap.add_argument("--warm", type=int, default=0,
                    help="connections opened (through their calls) and kept open before the idle reading")
    ap.add_argument("--quiet", type=float, default=5.0, help="seconds without an RSS change that count as settled")
    ap.add_argument("--again", type=int, default=0,
                    help="then, this many times, one more call on every open connection and the RSS once settled")
    args = ap.parse_args()
    host, port = args.target.rsplit(":", 1)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < args.connections + 64:
        sys.exit(f"open-file hard limit {hard} is below {args.connections} connections")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    steps = sorted({int(s) for s in args.steps.split(",") if s} | {args.connections})
    body = open(args.body, "rb").read() if args.body else struct.pack(">BI", 0, 0)
    warm = await asyncio.gather(*(open_idle(host, int(port), Caller(args.target, args.rpc, body), args.calls)
                                  for _ in range(args.warm)))
    conns = []
    base = await settled_rss(args.pid, args.quiet)
    print(f"server RSS idle: {base} KiB" + (f" (with {args.warm} connections open, warmed up)" if warm else ""),
          flush=True)
    print(f"RESULT connections=0 rss_kib={base} per_conn_kib=NA", flush=True)
    t0 = time.monotonic()
    for step in steps:
        while len(conns) < step:
            n = min(args.batch, step - len(conns))
            conns += await asyncio.gather(*(open_idle(host, int(port), Caller(args.target, args.rpc, body), args.calls) for _ in range(n)))
        rss = await settled_rss(args.pid, args.quiet)
        per = (rss - base) / step
        print(f"{step} idle connections{f' on top of {args.warm}' if warm else ''} after {time.monotonic() - t0:.1f} s: server RSS {rss} KiB "
              f"(+{(rss - base) / 1024:.1f} MiB, {per:.2f} KiB per connection)", flush=True)
        print(f"RESULT connections={step} rss_kib={rss} per_conn_kib={per:.2f}", flush=True)
    last = rss
    for again in range(1, args.again + 1):
        for start in range(0, len(conns), args.batch):
            await asyncio.gather(*(c.call() for c in conns[start:start + args.batch]))
        busy = rss_kib(args.pid)
        rss = await settled_rss(args.pid, args.quiet)
        print(f"one more call on each connection ({again}): server RSS {busy} KiB right after, {rss} KiB "
              f"settled ({(rss - last) / 1024:+.1f} MiB)", flush=True)
        print(f"RESULT again={again} rss_kib={rss} busy_rss_kib={busy}", flush=True)
    for conn in conns + warm:
        conn.writer.close()
    await asyncio.gather(*(c.writer.wait_closed() for c in conns + warm), return_exceptions=True)
    rss = await settled_rss(args.pid, max(args.quiet, 12.0))  # the server trims its heap every 10 s
    print(f"all closed: server RSS {rss} KiB (+{(rss - base) / 1024:.1f} MiB over idle)", flush=True)
    print(f"RESULT closed=1 rss_kib={rss}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
