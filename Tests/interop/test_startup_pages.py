"""Once it listens, the server gives back the file pages its start touched (StartupPages): the
code and read-only data of its binary and libraries leave its RSS, pages stay in the page cache,
and what serving runs is mapped again on use, a page at a time where the kernel lets the server
turn off fault-around (CodeFaultAround); calls are served as before."""
import ctypes
import errno
import os
import platform
import re
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

RELEASED = re.compile(r"released (\d+) KiB of the start's file pages \((\d+) mappings\); fault-around (.*)")


def released(server, timeout: float = 10.0) -> tuple[int, int, str]:
    """The KiB and mappings the server's debug line says it gave back, and what it says of
    fault-around (the log writer batches lines for a few milliseconds, so the line may follow
    `listening on`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = RELEASED.search(server.log_path.read_text(errors="replace"))
        if m:
            return int(m.group(1)), int(m.group(2)), m.group(3)
        time.sleep(0.05)
    raise AssertionError(f"no 'released ... KiB' line within {timeout}s:\n{server.stderr_tail()}")


def code_mapping(pid: int, binary: Path, field: str) -> str:
    """A field of the server binary's executable mapping in /proc/PID/smaps ('' when absent)."""
    inside = False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            fields = line.split()
            inside = fields[1] == "r-xp" and len(fields) > 5 and Path(fields[5]) == binary.resolve()
        elif inside and line.startswith(field + ":"):
            return line.split(":", 1)[1].strip()
    return ""


def code_rss_kib(pid: int, binary: Path) -> int:
    """Resident KiB of the server binary's executable mapping (/proc/PID/smaps)."""
    return int(code_mapping(pid, binary, "Rss").split()[0])


def async_write_protect_allowed() -> str | None:
    """None when this process may open a userfaultfd with asynchronous write-protect tracking
    (user-mode faults only, UFFD_FEATURE_WP_ASYNC: Linux 6.7), as the server does; else why not.
    Asked of the kernel the same way, independently of the server's code."""
    number = {"x86_64": 323, "aarch64": 282}.get(platform.machine())
    if number is None:
        return f"no userfaultfd syscall number known for {platform.machine()}"
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    fd = libc.syscall(ctypes.c_long(number), ctypes.c_int(os.O_CLOEXEC | os.O_NONBLOCK | 1))  # UFFD_USER_MODE_ONLY
    if fd < 0:
        return f"userfaultfd: {errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno())}"
    try:
        api = (ctypes.c_uint64 * 3)(0xAA, 1 << 15, 0)  # UFFD_API, UFFD_FEATURE_WP_ASYNC
        uffdio_api = 0xC018AA3F  # _IOWR(0xAA, 0x3F, struct uffdio_api)
        if libc.ioctl(ctypes.c_int(fd), ctypes.c_ulong(uffdio_api), api) != 0:
            return f"UFFDIO_API: {errno.errorcode.get(ctypes.get_errno(), ctypes.get_errno())}"
        return None
    finally:
        os.close(fd)


def test_start_pages_are_given_back_and_serving_goes_on(start_server, server_bin):
    server = start_server("--log-level", "debug")
    kib, mappings, _ = released(server)
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


def test_fault_around_is_off_for_code_where_the_kernel_allows_it(start_server, server_bin):
    """Each fault on a file mapping maps up to 64 KiB of cached neighbours; registered for
    asynchronous write-protect tracking, the code mappings fault a page at a time. VmFlags 'uw'
    in smaps is the kernel's word that the binary's code is registered."""
    server = start_server("--log-level", "debug")
    _, _, fault_around = released(server)
    refused = async_write_protect_allowed()
    flags = code_mapping(server.pid, server_bin, "VmFlags").split()
    if refused is None:
        m = re.fullmatch(r"off for (\d+) code mappings", fault_around)
        assert m, f"the kernel allows it, yet the server says: fault-around {fault_around}"
        assert int(m.group(1)) >= 4, fault_around  # the binary's code and read-only data, libc's, ...
        assert "uw" in flags, f"binary's code not registered: VmFlags {flags}"
    else:
        assert fault_around.startswith("kept ("), f"{refused}, yet the server says: fault-around {fault_around}"
        assert "uw" not in flags
    with grpc.insecure_channel(server.target) as ch:
        health = health_pb2_grpc.HealthStub(ch)
        for _ in range(20):
            reply = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
