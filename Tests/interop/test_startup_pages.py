"""Once it listens, the server gives back the file pages its start touched (StartupPages): the
code and read-only data of its binary and libraries leave its RSS, pages stay in the page cache,
and what serving runs is mapped again on use; calls are served as before."""
import re
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

RELEASED = re.compile(r"released (\d+) KiB of the start's file pages \((\d+) mappings\)")


def released(server, timeout: float = 10.0) -> tuple[int, int]:
    """The KiB and mappings the server's debug line says it gave back (the log writer batches
    lines for a few milliseconds, so the line may follow `listening on`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = RELEASED.search(server.log_path.read_text(errors="replace"))
        if m:
            return int(m.group(1)), int(m.group(2))
        time.sleep(0.05)
    raise AssertionError(f"no 'released ... KiB' line within {timeout}s:\n{server.stderr_tail()}")


def code_rss_kib(pid: int, binary: Path) -> int:
    """Resident KiB of the server binary's executable mapping (/proc/PID/smaps)."""
    rss, inside = 0, False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            fields = line.split()
            inside = fields[1] == "r-xp" and len(fields) > 5 and Path(fields[5]) == binary.resolve()
        elif inside and line.startswith("Rss:"):
            rss += int(line.split()[1])
    return rss


def test_start_pages_are_given_back_and_serving_goes_on(start_server, server_bin):
    server = start_server("--log-level", "debug")
    kib, mappings = released(server)
    # the binary's code and read-only data, libc's, SQLite's, ...; the start runs megabytes of code
    assert mappings >= 4, f"{mappings} mappings given back"
    assert kib >= 4096, f"{kib} KiB given back"
    with grpc.insecure_channel(server.target) as ch:
        health = health_pb2_grpc.HealthStub(ch)
        for _ in range(20):
            reply = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
    # serving mapped back only part of what the start had touched
    code = code_rss_kib(server.pid, server_bin)
    assert 0 < code < kib, f"code resident {code} KiB after serving, {kib} KiB given back"
