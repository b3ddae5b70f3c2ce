"""Start-up: a port in use or unusable TLS files stop the server before it creates anything (no
file, no table in a PostgreSQL database), with one line naming the address or the file and the cause;
one server per database file (a flock on FILE.lock, gone with its process)."""
import hashlib
import signal
import socket
import subprocess
from pathlib import Path

import grpc
import pytest

from server_process import ServerProcess
from test_clusterpool import cp, make_pool, pid  # noqa: F401  (cp is a fixture)
from tls_certs import make_tls_files

NIO_TEXT = ("bind(descriptor", "errno", "failedToLoad", "NIOSSL", "IOError")


def run_refused(server_bin: Path, *args: str) -> subprocess.CompletedProcess:
    """Runs a server that must refuse to start: returns once it exited (20 s at most)."""
    return subprocess.run([str(server_bin), "--host", "127.0.0.1", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=20)


def error_line(proc: subprocess.CompletedProcess) -> str:
    """The one `Error: ...` line of a refused start, after checking the exit and the output."""
    assert proc.returncode == 1, f"exit {proc.returncode}, want 1\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "listening on" not in proc.stdout, proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, proc.stderr
    for raw in NIO_TEXT:
        assert raw not in proc.stderr, f"raw library text {raw!r} reached the user:\n{proc.stderr}"
    return errors[0]


def nothing_created(folder: Path, database=None) -> None:
    """No file in `folder`; on PostgreSQL, no table in the test's database data/pools.db
    (the refused server never migrated it)."""
    assert sorted(p.name for p in folder.iterdir()) == [], "a failed start left files behind"
    if database is not None and database.backend == "postgres":
        tables = database.query("data/pools.db", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert tables == [], f"a failed start created tables: {tables}"


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    root = tmp_path_factory.mktemp("tls")
    return make_tls_files(root / "a"), make_tls_files(root / "b")


def test_port_in_use(server_bin, database, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_refused(server_bin, "--port", str(port), "--database", database("data/pools.db"))
    assert error_line(proc) == f"Error: cannot listen on 127.0.0.1:{port}: address already in use"
    assert "serving" not in proc.stderr  # nothing was set up before the port
    nothing_created(data, database)


def test_unknown_host(server_bin, database, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    proc = subprocess.run([str(server_bin), "--host", "no-such-host.invalid", "--port", "0",
                           "--database", database("data/pools.db")], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert error_line(proc) == "Error: cannot listen on no-such-host.invalid:0: unknown host"
    nothing_created(data, database)


@pytest.mark.parametrize("case", ["missing cert", "missing key", "key of another cert", "cert is no PEM"])
def test_unusable_tls_files(server_bin, database, tmp_path, tls, case):
    a, b = tls
    data = tmp_path / "data"
    data.mkdir()
    missing = tmp_path / "x.pem"
    not_pem = tmp_path / "cert.txt"
    not_pem.write_text("hello\n")
    cert, key, want = {
        "missing cert": (missing, a.key, f"cannot load --tls-cert {missing}: no such file"),
        "missing key": (a.cert, missing, f"cannot load --tls-key {missing}: no such file"),
        "key of another cert": (a.cert, b.key, "--tls-key does not match --tls-cert"),
        "cert is no PEM": (not_pem, a.key, f"cannot load --tls-cert {not_pem}: no PEM certificate in it"),
    }[case]
    proc = run_refused(server_bin, "--port", "0", "--database", database("data/pools.db"),
                       "--tls-cert", str(cert), "--tls-key", str(key))
    assert error_line(proc) == f"Error: {want}"
    nothing_created(data, database)


def snapshot(folder: Path) -> dict:
    """Every file of `folder`: size, modification time and content hash."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.iterdir())}


def test_second_server_on_the_same_database_is_refused(server_bin, start_server, tmp_path, cp):
    data = tmp_path / "data"
    data.mkdir()
    database = data / "pools.db"
    first = start_server("--database", str(database), test_service=False)
    with grpc.insecure_channel(first.target) as ch:
        stub = cp.grpc.ClusterPoolServiceStub(ch)
        stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "prod")), timeout=10)
        before = snapshot(data)
        assert f"{database.name}.lock" in before

        proc = run_refused(server_bin, "--port", "0", "--database", str(database))
        assert error_line(proc) == (
            f"Error: database {database} is in use by another clusterpool-server (pid {first.pid})")
        assert snapshot(data) == before, "the refused server changed the database folder"

        # the first server is unaffected: it reads and writes as before
        assert stub.Get(cp.pool.GetRequest(id=pid(cp, "prod")), timeout=10).cluster_pool.id.name == "prod"
        stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "later")), timeout=10)
        assert stub.Get(cp.pool.GetRequest(id=pid(cp, "later")), timeout=10).cluster_pool.id.name == "later"
    assert first.stop() == 0
    assert not (data / "pools.db.lock").exists(), "a clean shutdown leaves the lock file behind"


def test_the_lock_dies_with_its_process(server_bin, start_server, tmp_path, cp):
    database = tmp_path / "pools.db"
    victim = ServerProcess(server_bin, ["--database", str(database)], tmp_path / "victim.stderr.log")
    try:
        with grpc.insecure_channel(victim.target) as ch:
            cp.grpc.ClusterPoolServiceStub(ch).Create(
                cp.pool.CreateRequest(cluster_pool=make_pool(cp, "prod")), timeout=10)
    finally:
        victim.signal(signal.SIGKILL)
        assert victim.proc.wait(10) == -signal.SIGKILL
        victim._log.close()
    # the lock file stays, with the dead server's pid in it; its lock went with the process
    assert (tmp_path / "pools.db.lock").read_text().strip() == str(victim.pid)
    restarted = start_server("--database", str(database), test_service=False)
    with grpc.insecure_channel(restarted.target) as ch:
        pool = cp.grpc.ClusterPoolServiceStub(ch).Get(cp.pool.GetRequest(id=pid(cp, "prod")), timeout=10)
        assert pool.cluster_pool.id.name == "prod"
    assert (tmp_path / "pools.db.lock").read_text().strip() == str(restarted.pid)
