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
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import grpc  # imported before any generated module path is added: nothing may shadow it
import pytest

import protogen
from clients import echo_stub
from postgres_process import DatabaseSupply, FreshDatabase, PostgresInstance, psql, url_from_environment
from server_process import ServerProcess, masked

ROOT = Path(__file__).resolve().parents[2]
SERVER_BIN = Path(os.environ.get("SERVER_BIN", ROOT / ".build/debug/clusterpool-server"))
if not SERVER_BIN.is_absolute():
    SERVER_BIN = ROOT / SERVER_BIN

TEST_SERVICE = "rpctest.v1.TestService"
# What reflection lists: the whole API of proto/, implemented or not yet.
REGISTERED_SERVICES = {
    "clusterpool.audit.v1.AuditService",
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
    "clusterpool.audit.v1.AuditService",
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


BACKENDS = ("sqlite", "postgres")
# The one place that decides which store backends a test runs on. Every test that starts our
# server through the fixtures (start_server and everything built on it: server, channel, echo,
# the CLI tests' servers, `database`) runs once per backend, its id ending in [sqlite] or
# [postgres], except the tests below, which run on SQLite only. The reason is given for each.
SQLITE_ONLY = {
    # Transport only: they call the test service (rpctest.v1), health or reflection, or send
    # raw HTTP/2, HTTP/1.1 or Connect framing, and never reach the store; the backend changes
    # nothing they check.
    "test_connect_wire.py": "Connect framing and the test service",
    "test_errors.py": "status codes and messages of the test service",
    "test_flow_control.py": "HTTP/2 flow control of the test service",
    "test_h2_raw.py": "raw HTTP/2 frames",
    "test_http1.py": "HTTP/1.1 framing of the test service",
    "test_http1_refusals.py": "HTTP/1.1 refusals before any method runs",
    "test_reflection.py": "reflection answers from the compiled descriptors",
    "test_server_flags.py": "HTTP/2 limits (streams, idle timeout, header list) of the test service",
    "test_streaming.py": "streaming calls of the test service",
    "test_tls.py": "TLS of the listening socket",
    "test_unary.py": "unary calls of the test service",
    # Refused while decoding, before the store: the memory bound is the decoder's.
    "test_decode_memory.py": "oversized requests refused by the decoder, RSS sampled for 8 s",
    # Reply buffering towards clients that stop reading: test service replies, and List
    # replies served from memory by a server seeded with 1,000 pools once per module (its own
    # ServerProcess on an SQLite file, outside these fixtures).
    "test_reply_budget.py": "reply buffering, replies served from memory",
    # Refused by the flyte CLI before it calls (usage errors, its own argument checks, a
    # manifest disagreeing with the flags), or checks of the CLI's TLS trust and of its
    # messages for a TLS mismatch: the server is there only because the fixture starts one.
    "test_cli_clusters.py::test_bad_arguments_are_usage_errors": "refused by the CLI",
    "test_cli_clusters.py::test_argument_checks_the_official_cli_exits_1_on": "refused by the CLI",
    "test_cli_shape.py::test_usage_errors_exit_2": "refused by the CLI",
    "test_cli_shape.py::test_official_only_flags_are_unknown_options_by_name": "refused by the CLI",
    "test_readme.py::test_a_manifest_and_the_command_line_must_agree": "refused by the CLI",
    "test_cli_tls.py": "the CLI's TLS trust (CA file, --ca-cert)",
    "test_cli_connections.py::test_cleartext_to_a_tls_server_is_one_message": "a TLS mismatch",
    "test_cli_connections.py::test_tls_to_a_cleartext_server_says_so": "a TLS mismatch",
    # The SQLite file itself is their point.
    "test_disk_full.py": "the SQLite file on a full file system",
    "test_startup.py::test_second_server_on_the_same_database_is_refused": "the SQLite file's lock",
    "test_startup.py::test_the_lock_dies_with_its_process": "the SQLite file's lock",
}
# Tests that pick their stores themselves (an SQLite file and PostgreSQL databases of their
# own, several replicas on one database) are not parametrized: test_migrate.py (file to
# PostgreSQL), test_replicas.py, test_replica_failures.py and test_postgres_backend.py
# (PostgreSQL only); single tests by module::function.
OWN_STORES = ("test_migrate.py", "test_replicas.py", "test_replica_failures.py", "test_postgres_backend.py",
              "test_audit.py::test_replicas_chain_one_log_and_watch_each_others_records")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    module = Path(metafunc.module.__file__).name
    if module in OWN_STORES or f"{module}::{metafunc.function.__name__}" in OWN_STORES:
        return
    only_sqlite = module in SQLITE_ONLY or f"{module}::{metafunc.function.__name__}" in SQLITE_ONLY
    metafunc.parametrize("backend", ["sqlite"] if only_sqlite else BACKENDS, indirect=True)


COLLECTED: set[tuple[str, str]] = set()  # (module, test function) of every test collected


def pytest_itemcollected(item):  # before -k/-m deselect any
    COLLECTED.add((Path(item.fspath).name, getattr(item, "originalname", item.name)))


def pytest_collection_finish(session):
    """An SQLITE_ONLY entry naming a test that does not exist (renamed, a typo) would let that
    test run on both backends unnoticed: refuse it when its module was collected."""
    collected = COLLECTED
    modules = {module for module, _ in collected}
    stale = [key for key in SQLITE_ONLY if "::" in key and key.split("::")[0] in modules
             and tuple(key.split("::")) not in collected]
    if stale:
        raise pytest.UsageError(f"SQLITE_ONLY names tests that do not exist: {stale}")


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
def cl(pb):  # pb generates every module of proto/ once per session
    """The cluster, pool and queue API modules the cluster tests call: messages and grpcio stubs."""
    return SimpleNamespace(
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        list=protogen.module("cloudidl/common/list.proto"),
        queue=protogen.module("cloudidl/queue/queue.proto"),
        grpc=protogen.module("cloudidl/cluster/cluster.proto", grpc=True),
        pool_grpc=protogen.module("cloudidl/clusterpool/clusterpool.proto", grpc=True),
        queue_grpc=protogen.module("cloudidl/queue/queue.proto", grpc=True))


@pytest.fixture(scope="session")
def server_bin():
    if not SERVER_BIN.exists():
        pytest.fail(f"server binary {SERVER_BIN} does not exist: build it "
                    f"(swift build --product clusterpool-server) or set SERVER_BIN", pytrace=False)
    return SERVER_BIN


@pytest.fixture
def start_server(server_bin, tmp_path, request, database):
    """Factory: start_server(*extra_flags, test_service=True) -> ServerProcess.

    A server with --tls-cert gets --auth off unless the test passes --auth (the tests of
    authorization pass --auth on); on loopback without TLS auth is off by default.

    A server started without --database gets a store of its own on the test's backend
    (`database`): server-N.db, or a fresh PostgreSQL database for [postgres].
    Teardown SIGTERMs every server still running and requires exit code 0; the server's
    stderr is printed when the test or the shutdown failed. The test's PostgreSQL databases
    are dropped after that (`database` is set up first, so torn down last).
    """
    started: list[ServerProcess] = []

    def start(*extra: str, test_service: bool = True) -> ServerProcess:
        args = [*(["--enable-test-service"] if test_service else []), *extra]
        if "--tls-cert" in extra and "--auth" not in extra:  # TLS turns auth on: tests of it say --auth on
            args += ["--auth", "off"]
        if "--database" not in extra:  # never share (or leave behind) a database in the checkout
            args += ["--database", database(f"server-{len(started)}.db")]
        srv = ServerProcess(server_bin, args, tmp_path / f"server-{len(started)}.stderr.log")
        started.append(srv)
        return srv

    # test_replica_failures.py takes a server it killed off the list, and stops the servers on
    # its private PostgreSQL before that instance goes
    start.started = started
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
            print(f"----- stderr of server pid {srv.pid} ({masked(srv.args)}) -----")
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


@pytest.fixture(scope="session")
def database_supply(postgres_url):
    """Fresh databases on the private instance, made ahead of need (DatabaseSupply)."""
    supply = DatabaseSupply(postgres_url)
    yield supply
    supply.close()


@pytest.fixture
def fresh_databases():
    """The FreshDatabases made for this test (append), dropped after it: set up before the
    test's servers (start_server depends on it through `database`), so dropped once they
    stopped."""
    made: list[FreshDatabase] = []
    yield made
    for fresh in made:
        fresh.drop()


@pytest.fixture
def postgres_database(database_supply, fresh_databases):
    """A fresh database on the private instance for this test (its URL), dropped after it."""
    fresh_databases.append(database_supply.take())
    return fresh_databases[-1].url


@pytest.fixture
def backend(request):
    """The store backend of this test, "sqlite" or "postgres", from pytest_generate_tests;
    a test it leaves alone (one that picks its stores itself) gets "sqlite" for the servers
    it starts without --database."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database(request, backend, tmp_path, fresh_databases):
    """database(NAME) is the --database value of a store named NAME in this test, on its
    backend (the same NAME gives the same store, e.g. for a restart): the SQLite file
    tmp_path/NAME, or the URL of a fresh PostgreSQL database on the private instance
    (database_supply), dropped after the test. database.backend names the backend;
    database.query(NAME, SQL) runs a query on that store: its rows as tuples of text, NULL
    as "" (as psql prints them)."""
    made: dict[str, str] = {}

    def named(name: str) -> str:
        if backend == "sqlite":
            return str(tmp_path / name)
        if name not in made:
            fresh_databases.append(request.getfixturevalue("database_supply").take())
            made[name] = fresh_databases[-1].url
        return made[name]

    def query(name: str, sql: str) -> list[tuple]:
        if backend == "sqlite":
            with sqlite3.connect(f"file:{named(name)}?mode=ro", uri=True) as db:
                return [tuple("" if v is None else str(v) for v in row) for row in db.execute(sql).fetchall()]
        return [tuple(line.split("|")) for line in psql(named(name), sql).splitlines()]

    named.backend = backend
    named.query = query
    return named


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
