"""A server on PostgreSQL (--database postgres://...): the password, from the URL, a file or
the environment, appears in no log line and no error; a URL it cannot use stops the start with
one line naming the cause; TLS to the database as sslmode asks; with PostgreSQL gone, writes
fail fast with UNAVAILABLE naming HOST:PORT/DATABASE while reads go on from memory."""
import os
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

import grpc
import pytest

from postgres_process import PostgresInstance, psql
from server_process import ServerProcess
from test_clusterpool import code_of, cp, make_pool, pid  # noqa: F401  (cp is a fixture)
from test_startup import error_line, run_refused
from tls_certs import make_tls_files


def without_password(url: str) -> tuple[str, str]:
    """(the URL without its password, the password)."""
    parts = urlsplit(url)
    netloc = parts.netloc.replace(f":{parts.password}@", "@")
    return urlunsplit(parts._replace(netloc=netloc)), parts.password


def endpoint(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}{parts.path}"


@pytest.mark.parametrize("source", ["file", "environment"])
def test_password_from_a_file_or_the_environment_is_never_logged(server_bin, postgres_database, tmp_path, cp, source):
    bare, password = without_password(postgres_database)
    args = ["--database", bare, "--log-level", "trace", "--default-organization", "acme"]
    env = dict(os.environ)
    env.pop("CLUSTERPOOL_DATABASE_PASSWORD", None)
    if source == "file":
        secret = tmp_path / "pgpass"
        secret.write_text(password + "\n")
        args += ["--database-password-file", str(secret)]
    else:
        env["CLUSTERPOOL_DATABASE_PASSWORD"] = password
    srv = ServerProcess(server_bin, args, tmp_path / "server.stderr.log", env=env)
    try:
        with grpc.insecure_channel(srv.target) as ch:
            stub = cp.grpc.ClusterPoolServiceStub(ch)
            stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "prod")), timeout=20)
            assert stub.Get(cp.pool.GetRequest(id=pid(cp, "prod")), timeout=10).cluster_pool.id.name == "prod"
    finally:
        assert srv.stop() == 0
    log = srv.log_path.read_text()
    assert "opened the pool store" in log and ":***@" in log, log[-3000:]
    assert password not in log


def test_a_url_it_cannot_use_stops_the_start_without_quoting_it(server_bin):
    refused = run_refused(server_bin, "--port", "0", "--database",
                          "postgres://app:hunter2-secret@127.0.0.1:5/pools?sslmode=disable&application_name=x")
    # a flag error, like the others (exit 64 and the usage line)
    assert refused.returncode == 64, refused
    assert refused.stderr.startswith(
        "Error: invalid --database PostgreSQL URL: unknown parameter application_name (known: sslmode, sslrootcert, "
        "connect_timeout)\n"), refused.stderr
    assert "hunter2" not in refused.stderr + refused.stdout


def test_an_unreachable_database_stops_the_start_naming_it(server_bin):
    started = time.monotonic()
    refused = run_refused(server_bin, "--port", "0", "--database",
                          "postgres://app:hunter2-secret@127.0.0.1:9/pools?sslmode=disable")
    line = error_line(refused)
    assert line == "Error: cannot open the pool database: PostgreSQL 127.0.0.1:9/pools: migrate the schema: connection refused", line
    assert "hunter2" not in refused.stderr + refused.stdout
    assert time.monotonic() - started < 15


def test_writes_fail_fast_with_unavailable_while_postgres_is_down(start_server, cp):
    instance = PostgresInstance()
    try:
        srv = start_server("--database", instance.url, "--default-organization", "acme", test_service=False)
        with grpc.insecure_channel(srv.target) as ch:
            stub = cp.grpc.ClusterPoolServiceStub(ch)
            stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "before")), timeout=20)
            instance.stop()
            started = time.monotonic()
            code, details = code_of(lambda: stub.Create(
                cp.pool.CreateRequest(cluster_pool=make_pool(cp, "during")), timeout=30))
            elapsed = time.monotonic() - started
            assert code == grpc.StatusCode.UNAVAILABLE, (code, details)
            assert endpoint(instance.url) in details, details
            assert urlsplit(instance.url).password not in details
            assert elapsed < 10, f"the write took {elapsed:.1f} s to fail"
            # reads go on from memory
            assert stub.Get(cp.pool.GetRequest(id=pid(cp, "before")), timeout=10).cluster_pool.id.name == "before"
            assert code_of(lambda: stub.Get(cp.pool.GetRequest(id=pid(cp, "during")), timeout=10))[0] == \
                grpc.StatusCode.NOT_FOUND
        assert urlsplit(instance.url).password not in srv.stderr_tail(10**7)
    finally:
        if instance.directory.exists():
            instance.stop()


def with_query(url: str, query: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query=query))


def test_tls_to_the_database_as_the_url_asks(start_server, server_bin, tmp_path, cp):
    files = make_tls_files(tmp_path / "pki")
    other_ca = make_tls_files(tmp_path / "other-pki").ca_cert
    instance = PostgresInstance()
    try:
        # require on a server without TLS: refused, naming the database
        refused = run_refused(server_bin, "--port", "0", "--database", with_query(instance.url, "sslmode=require"))
        assert error_line(refused) == (f"Error: cannot open the pool database: PostgreSQL {endpoint(instance.url)}: migrate "
                                       "the schema: the database does not offer TLS, which the URL's sslmode requires")
        instance.enable_tls(files.cert, files.key)
        # verify-full against a CA that did not sign the server's certificate: refused
        refused = run_refused(server_bin, "--port", "0", "--database",
                              with_query(instance.url, f"sslmode=verify-full&sslrootcert={other_ca}"))
        line = error_line(refused)
        assert line == (f"Error: cannot open the pool database: PostgreSQL {endpoint(instance.url)}: migrate the schema: "
                        "TLS handshake failed: certificate verify failed"), line
        # verify-full with the right CA: served, and every connection of the server is TLS
        srv = start_server("--database", with_query(instance.url, f"sslmode=verify-full&sslrootcert={files.ca_cert}"),
                           "--default-organization", "acme", test_service=False)
        with grpc.insecure_channel(srv.target) as ch:
            stub = cp.grpc.ClusterPoolServiceStub(ch)
            stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "prod")), timeout=20)
            connections = psql(with_query(instance.url, "sslmode=disable"),
                               "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) "
                               "WHERE usename = 'clusterpool' AND pid <> pg_backend_pid()").split()
            assert connections and set(connections) == {"t"}, connections
        assert srv.stop() == 0
    finally:
        instance.stop()
