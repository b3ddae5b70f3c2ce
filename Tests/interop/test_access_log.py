"""The access log (one line per call at info, label clusterpool.access) in both --log-format
text and json, read from the real server's stderr: the right fields for calls through grpcio
and Connect, a failed call with its message, the request id echoed and logged (given and
generated), the W3C trace id, and no credential ever logged (--auth off and --auth on)."""
import base64
import json
import re
import time

import grpc
import pytest

from clients import echo_stub
from connect_clients import Caller, outcome
from test_authz import secured, m  # noqa: F401  (fixtures)
from test_official_cli import dev_certs  # noqa: F401  (fixture)

TEST = "rpctest.v1.TestService"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
SECRET = "s3cr3t-credential-never-logged"


def access_lines(srv, fmt, want, timeout=20.0):
    """The access-log lines of `srv` as dicts, once at least `want` arrived (they are written
    off the event loop: wait for them)."""
    end = time.monotonic() + timeout
    while True:
        lines = [parse(line, fmt) for line in srv.stderr_tail(1 << 20).splitlines() if "clusterpool.access" in line]
        if len(lines) >= want or time.monotonic() > end:
            return lines
        time.sleep(0.05)


def parse(line, fmt):
    if fmt == "json":
        record = json.loads(line)
        assert list(record)[:4] == ["time", "level", "logger", "message"], line
        assert record["logger"] == "clusterpool.access" and record["level"] == "info", line
        return record
    # text: "<time> info clusterpool.access: key=value ... [source] message"; `error` may hold
    # spaces, so it is read apart (up to the key that follows it in sorted order)
    head, _, rest = line.partition(" clusterpool.access: ")
    assert head.split(" ")[1] == "info", line
    fields = dict(re.findall(r"(?:^| )(\w+)=(\S+)", rest))
    error = re.search(r"(?:^| )error=(.*?) (?:http|method|organization|peer|protocol|request_bytes)=", rest)
    if error:
        fields["error"] = error.group(1)
    fields["message"] = rest.rsplit("] ", 1)[1]
    return fields


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_line_per_call_with_its_fields(start_server, pb, fmt):
    srv = start_server("--log-format", fmt, "--default-organization", "acme")
    with grpc.insecure_channel(srv.target) as channel:
        echo = echo_stub(channel, pb)
        # given id and trace id, echoed back
        _, call = echo.Unary.with_call(
            pb.EchoRequest(text="hi"), timeout=10,
            metadata=[("x-request-id", "given-1"), ("traceparent", TRACEPARENT), ("authorization", f"Bearer {SECRET}")])
        assert dict(call.initial_metadata())["x-request-id"] == "given-1"
        # generated id, echoed back
        _, call = echo.Unary.with_call(pb.EchoRequest(text="again"), timeout=10)
        generated = dict(call.initial_metadata())["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated), generated
        # a failure, with its message
        with pytest.raises(grpc.RpcError) as failed:
            echo.Unary(pb.EchoRequest(fail_code=5, text="no such \"widget\" \\ here"), timeout=10,
                       metadata=[("x-request-id", "failing-1")])
        assert failed.value.code() == grpc.StatusCode.NOT_FOUND
        assert dict(failed.value.trailing_metadata() or ()).get("x-request-id") == "failing-1" or \
            dict(failed.value.initial_metadata() or ()).get("x-request-id") == "failing-1"
    connect = Caller(srv.port, "connect")
    try:
        reply = connect.client.execute_unary(
            request=pb.EchoRequest(text="via connect"),
            method=Caller._method(TEST, "Unary", pb.EchoRequest(), pb.EchoResponse, __import__("connectrpc.method").method.StreamType.UNARY),
            headers={"x-request-id": "connect-1"}, timeout_ms=10000)
        assert reply.text == "via connect"
    finally:
        connect.close()

    lines = access_lines(srv, fmt, 4)
    by_id = {line["request_id"]: line for line in lines}
    assert len(lines) == 4 and set(by_id) == {"given-1", generated, "failing-1", "connect-1"}, lines
    given = by_id["given-1"]
    assert given["method"] == f"/{TEST}/Unary" and given["code"] == "OK" and given["protocol"] == "grpc"
    assert given["http"] == "2" and given["peer"].startswith("127.0.0.1:")
    assert given["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert float(given["duration_ms"]) >= 0 and int(given["response_bytes"]) > 0
    assert given["message"] == f"{TEST}/Unary OK"
    assert "trace_id" not in by_id[generated] and "error" not in by_id[generated]
    assert by_id["failing-1"]["code"] == "NOT_FOUND" and by_id["failing-1"]["error"] == "no such \"widget\" \\ here"
    assert by_id["connect-1"]["protocol"] == "connect" and by_id["connect-1"]["code"] == "OK"
    assert all("organization" not in line for line in lines)  # --auth off: no caller established
    assert SECRET not in srv.stderr_tail(1 << 20)


def test_access_log_off(start_server, pb):
    srv = start_server("--access-log", "off")
    with grpc.insecure_channel(srv.target) as channel:
        echo_stub(channel, pb).Unary(pb.EchoRequest(text="quiet"), timeout=10)
    time.sleep(0.5)  # a line would be written by now; none may come
    assert "clusterpool.access" not in srv.stderr_tail(1 << 20)


def test_auth_on_logs_the_caller_and_never_the_credential(secured, m):  # noqa: F811
    srv, channel, boot = secured
    admin = boot.read_text().strip()
    pools = m.pools(channel)
    pools.List(m.pool.ListRequest(), timeout=10, metadata=[("authorization", f"Bearer {admin}"), ("x-request-id", "admin-1")])
    with pytest.raises(grpc.RpcError) as refused:
        pools.List(m.pool.ListRequest(), timeout=10,
                   metadata=[("authorization", f"Bearer {admin}x"), ("x-request-id", "refused-1")])
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    lines = access_lines(srv, "text", 2)
    by_id = {line.get("request_id"): line for line in lines}
    assert by_id["admin-1"]["code"] == "OK" and by_id["admin-1"]["organization"] == "acme"
    assert by_id["admin-1"]["subject"] == "bootstrap-admin"
    assert by_id["refused-1"]["code"] == "UNAUTHENTICATED" and by_id["refused-1"].get("error")
    stderr = srv.stderr_tail(1 << 20)
    secrets = [part for part in base64.b64decode(admin).decode().split(":") if len(part) >= 16]
    assert secrets and admin not in stderr and not any(secret in stderr for secret in secrets)
