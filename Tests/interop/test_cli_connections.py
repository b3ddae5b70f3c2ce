"""How the `flyte` CLI reports a server it cannot use (issue 10 point 5), with the real binary:
a deadline names the endpoint and the operation within --timeout; a cleartext client at a
TLS server gets one message whatever way the refusal arrives, for unary calls and watches,
and a TLS client at a cleartext server the converse; a watch says how it ended and exits 1."""
import os
import select
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import SERVER_BIN
from server_process import ServerProcess
from test_cli import FLYTE_BIN, flyte_bin, pool_server  # noqa: F401  (fixtures)
from test_cli_tls import tls_pool_server  # noqa: F401  (fixture)


def run(args, config, home, timeout=60):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE")}
    env.update(HOME=str(home), FLYTECTL_CONFIG=str(config))
    return subprocess.run([str(FLYTE_BIN), *args], env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=timeout)


class SilentServer:
    """Accepts TCP connections, reads what arrives and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.accepted = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.accepted.set()
            threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    @staticmethod
    def _drain(conn):
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass

    def close(self):
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


@pytest.mark.parametrize("insecure,command,operation", [
    (True, ["get", "cluster-pool", "prod"], "ClusterPoolService/Get"),
    (False, ["get", "cluster-pool", "prod"], "ClusterPoolService/Get"),
    (True, ["get", "cluster", "--watch"], "ClusterService/WatchClusters"),
], ids=["cleartext", "tls", "watch"])
def test_a_server_that_never_answers_hits_the_deadline(flyte_bin, silent_server, tmp_path, insecure, command,
                                                        operation):
    config = tmp_path / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{silent_server.port}\n"
                      f"  insecure: {'true' if insecure else 'false'}\n")
    started = time.monotonic()
    proc = run([*command, "--timeout", "1.5"], config, tmp_path)
    elapsed = time.monotonic() - started
    assert silent_server.accepted.is_set()
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (f"Error: DEADLINE_EXCEEDED: no answer from 127.0.0.1:{silent_server.port} to "
                           f"{operation} within 1.5 s; raise --timeout or check the server\n")
    assert 1.4 <= elapsed < 15, elapsed  # the deadline, plus process start on a loaded machine


def test_timeout_must_be_positive(flyte_bin, tmp_path):
    proc = run(["get", "cluster-pool", "--timeout", "0"], tmp_path / "none.yaml", tmp_path)
    assert proc.returncode != 0
    assert "--timeout must be a number of seconds above 0" in proc.stderr


CLEARTEXT_TO_TLS = ("Error: UNAVAILABLE: cannot connect to 127.0.0.1:{port}: the server speaks TLS (it refused "
                    "cleartext HTTP/2 with a TLS alert or by closing the connection); drop --insecure or set "
                    "admin.insecure: false\n")


@pytest.mark.parametrize("command", [["get", "cluster-pool", "prod"], ["get", "cluster"],
                                     ["create", "queue", "q", "--run-concurrency", "1", "--action-concurrency", "1"],
                                     ["get", "cluster", "--watch"]], ids=["get", "list", "create", "watch"])
def test_cleartext_to_a_tls_server_is_one_message(flyte_bin, tls_pool_server, tmp_path, command):
    """The TLS server's refusal reaches the client as a TLS alert read as HTTP/2, a closed
    connection or a reset, depending on timing: every run gets the same message."""
    srv, files = tls_pool_server
    config = tmp_path / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{srv.port}\n  insecure: true\n")
    for _ in range(5):
        proc = run(command, config, tmp_path)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr == CLEARTEXT_TO_TLS.format(port=srv.port)


@pytest.mark.parametrize("command", [["get", "cluster-pool"], ["get", "cluster", "--watch"]], ids=["list", "watch"])
def test_tls_to_a_cleartext_server_says_so(flyte_bin, pool_server, tmp_path, command):
    config = tmp_path / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{pool_server.port}\n  insecure: false\n")
    proc = run(command, config, tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == (f"Error: UNAVAILABLE: cannot connect to 127.0.0.1:{pool_server.port}: the server speaks "
                           f"cleartext HTTP/2, not TLS; add --insecure or set admin.insecure: true\n")


def start_watch(port: int, tmp_path) -> subprocess.Popen:
    """`flyte get cluster --watch`, once its first table (the header) is out."""
    config = tmp_path / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{port}\n  insecure: true\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLYTE")}
    env.update(HOME=str(tmp_path), FLYTECTL_CONFIG=str(config))
    proc = subprocess.Popen([str(FLYTE_BIN), "get", "cluster", "--watch"], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        pytest.fail(f"the watch printed nothing within 30 s: {proc.communicate()[1]}", pytrace=False)
    assert proc.stdout.readline().split() == ["NAME", "POOL", "STATE", "HEALTH", "QUEUES"]
    return proc


def test_a_watch_whose_server_shuts_down_says_so(flyte_bin, pool_server, tmp_path):
    watch = start_watch(pool_server.port, tmp_path)
    assert pool_server.stop() == 0
    out, err = watch.communicate(timeout=30)
    assert watch.returncode == 1, err
    assert err == (f"Error: the server at 127.0.0.1:{pool_server.port} ended the watch (it may be shutting down); "
                   f"the view shows the clusters as they were; run the command again to resume\n")


def test_a_watch_that_loses_its_connection_says_so(flyte_bin, database, tmp_path):
    srv = ServerProcess(SERVER_BIN, ["--database", database("pools.db")], tmp_path / "server.log")
    try:
        watch = start_watch(srv.port, tmp_path)
        srv.signal(signal.SIGKILL)
        out, err = watch.communicate(timeout=30)
    finally:
        srv.proc.kill()
        srv.stop()
    assert watch.returncode == 1, err
    assert err.startswith(f"Error: UNAVAILABLE: lost the connection to 127.0.0.1:{srv.port} during "
                          f"ClusterService/WatchClusters: the connection was "), err
    assert err.endswith("; the watch ended: run the command again to resume\n"), err
