"""Fixtures for the end-to-end interop suite: generated modules, server processes, channels.

Run (tools/test does the same):
    python3 -m venv .venv && .venv/bin/pip install -r Tests/interop/requirements.txt
    swift build --product clusterpool-server
    SERVER_BIN=.build/debug/clusterpool-server .venv/bin/python -m pytest Tests/interop

Environment: SERVER_BIN (default .build/debug/clusterpool-server) is the binary under test.
Every server binds 127.0.0.1 port 0 and runs with --enable-test-service unless a test says
otherwise; teardown sends SIGTERM and requires exit code 0, and prints the server's stderr
when the test or its shutdown failed.
"""
import os
import signal
from pathlib import Path
from types import SimpleNamespace

import grpc  # imported before any generated module path is added: nothing may shadow it
import pytest

import protogen
from clients import echo_stub
from postgres_process import FreshDatabase, PostgresInstance, url_from_environment
from server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SERVER_BIN = Path(os.environ.get("SERVER_BIN", ROOT / ".build/debug/clusterpool-server"))
if not SERVER_BIN.is_absolute():
    SERVER_BIN = ROOT / SERVER_BIN

TEST_SERVICE = "rpctest.v1.TestService"
# What reflection lists: the whole API of proto/, implemented or not yet.
REGISTERED_SERVICES = {
    "cloudidl.clusterpool.ClusterPoolService",
    "cloudidl.cluster.ClusterService",
    "cloudidl.queue.QueueService",
    "cloudidl.identity.AppsService",
    "cloudidl.identity.RoleService",
    "cloudidl.identity.PolicyService",
    "cloudidl.identity.UserService",
    "cloudidl.identity.MemberService",
    "cloudidl.authorizer.AuthorizerService",
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "flyteidl2.auth.AuthMetadataService",
    "flyteidl2.auth.IdentityService",
}
# What health reports SERVING: the services whose methods the server implements. A service
# that reflection describes but whose methods are not served yet is unknown to health, so a
# load balancer never routes its calls here.
SERVED_SERVICES = {
    "cloudidl.cluster.ClusterService",
    "cloudidl.queue.QueueService",
    "cloudidl.clusterpool.ClusterPoolService",
    "cloudidl.identity.AppsService",
    "cloudidl.identity.RoleService",
    "cloudidl.identity.PolicyService",
    "cloudidl.identity.UserService",
    "cloudidl.identity.MemberService",
    "cloudidl.authorizer.AuthorizerService",
    "grpc.health.v1.Health",
    "grpc.reflection.v1.ServerReflection",
    "flyteidl2.auth.AuthMetadataService",
    "flyteidl2.auth.IdentityService",
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def pb(tmp_path_factory):
    """The generated rpctest.v1 message classes (EchoRequest, EchoResponse).

    proto/grpc/** is skipped: health and reflection come from grpcio-health-checking and
    grpcio-reflection, and generated grpc.* modules could only clash with grpcio's package.
    """
    protogen.generate(tmp_path_factory.mktemp("pygen"), skip=("grpc/",))
    mod = protogen.module("testing/test_service.proto")
    return SimpleNamespace(EchoRequest=mod.EchoRequest, EchoResponse=mod.EchoResponse)


@pytest.fixture(scope="session")
def server_bin():
    if not SERVER_BIN.exists():
        pytest.fail(f"server binary {SERVER_BIN} does not exist: build it "
                    f"(swift build --product clusterpool-server) or set SERVER_BIN", pytrace=False)
    return SERVER_BIN


@pytest.fixture
def start_server(server_bin, tmp_path, request):
    """Factory: start_server(*extra_flags, test_service=True) -> ServerProcess.

    Teardown SIGTERMs every server still running and requires exit code 0; the server's
    stderr is printed when the test or the shutdown failed.
    """
    started: list[ServerProcess] = []

    def start(*extra: str, test_service: bool = True) -> ServerProcess:
        args = [*(["--enable-test-service"] if test_service else []), *extra]
        if "--database" not in extra:  # never share (or leave behind) a database in the checkout
            args += ["--database", str(tmp_path / f"server-{len(started)}.db")]
        srv = ServerProcess(server_bin, args, tmp_path / f"server-{len(started)}.stderr.log")
        started.append(srv)
        return srv

    start.started = started  # for `database`, which must stop them before dropping theirs
    yield start
    failures = []
    for srv in started:
        try:
            code = srv.stop()
            if code != 0:
                failures.append(f"server pid {srv.pid} exited with {code} after SIGTERM "
                                f"(want 0; {describe_exit(code)})")
        except AssertionError as e:
            failures.append(str(e))
    call_report = getattr(request.node, "report_call", None)
    if failures or (call_report is not None and call_report.failed):
        for srv in started:
            print(f"----- stderr of server pid {srv.pid} ({' '.join(srv.args)}) -----")
            print(srv.stderr_tail())
    assert not failures, "; ".join(failures)


def describe_exit(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit status {code}"


@pytest.fixture(scope="session")
def postgres_url():
    """The URL of a private PostgreSQL instance: tools/test's (CLUSTERPOOL_TEST_POSTGRES_URL),
    else one started for this session by tools/postgres and stopped at its end."""
    url = url_from_environment()
    if url:
        yield url
        return
    instance = PostgresInstance()
    try:
        yield instance.url
    finally:
        instance.stop()


@pytest.fixture
def postgres_database(postgres_url):
    """A fresh database on the private instance for this test (its URL), dropped after it."""
    database = FreshDatabase(postgres_url)
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, start_server, tmp_path):
    """The store backends, parametrized: database(NAME) is the --database value of a store
    named NAME in this test (the same NAME gives the same store, e.g. for a restart): the
    SQLite file tmp_path/NAME, or the URL of a fresh PostgreSQL database on the private instance
    (postgres_url), stopped servers first and dropped after the test."""
    made: dict[str, FreshDatabase] = {}

    def named(name: str) -> str:
        if request.param == "sqlite":
            return str(tmp_path / name)
        if name not in made:
            made[name] = FreshDatabase(request.getfixturevalue("postgres_url"))
        return made[name].url

    named.backend = request.param
    yield named
    for srv in start_server.started:  # their exit codes are checked by start_server's teardown
        try:
            srv.stop()
        except AssertionError:
            pass
    for fresh in made.values():
        fresh.drop()


@pytest.fixture
def server(start_server):
    """A running server with the test service enabled and default limits."""
    return start_server()


@pytest.fixture
def channel(server):
    """A grpcio channel to `server`, closed before the server is stopped."""
    with grpc.insecure_channel(server.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


@pytest.fixture
def echo(channel, pb):
    """Callables for the three TestService methods on `channel`."""
    return echo_stub(channel, pb)
