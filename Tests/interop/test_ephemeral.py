"""`clusterpool-server --ephemeral` (issue 15 point 3): an in-memory server on a free port that
prints `flyte config PATH` then `listening on HOST:PORT`, the config file read as written by
our CLI and the official one, removed (with its folder) when the server stops; nothing else
is written anywhere."""
import os
import re
import signal
import socket
import subprocess
import threading
from pathlib import Path

from conftest import SERVER_BIN
from test_cli import FLYTE_BIN, SEED_MANIFEST
from test_cli_output_parity import OFFICIAL_MAIN
from test_official_cli import OFFICIAL_PYTHON, official_cli  # noqa: F401 (fixture)


class Ephemeral:
    """One `clusterpool-server --ephemeral ARGS` child, started in `cwd`."""

    def __init__(self, cwd: Path, *args: str):
        self.proc = subprocess.Popen([str(SERVER_BIN), "--ephemeral", *args], cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        ready = threading.Event()

        def pump():  # keeps draining stdout so the server never blocks on it
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                if line.startswith("listening on "):
                    ready.set()
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        assert ready.wait(60) and self.lines and self.lines[-1].startswith("listening on "), (
            self.lines, self.proc.poll())
        self.config = Path(re.fullmatch(r"flyte config (.+)", self.lines[0]).group(1))
        self.port = int(self.lines[1].rpartition(":")[2])

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)


def env(home: Path) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_", "UCTL", "CLUSTERPOOL_"))}
    clean.update(HOME=str(home), DO_NOT_TRACK="1", COLUMNS="100000", NO_COLOR="1")
    return clean


def test_both_clis_use_the_config_it_prints_and_it_leaves_nothing(tmp_path, official_cli):
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    server = Ephemeral(work)
    try:
        assert server.lines[1] == f"listening on 127.0.0.1:{server.port}" and server.port != 8089
        assert f"endpoint: dns:///127.0.0.1:{server.port}" in server.config.read_text()
        assert oct(server.config.stat().st_mode & 0o777) == "0o600"
        (home / "prod.yaml").write_text(SEED_MANIFEST)
        ours = subprocess.run([str(FLYTE_BIN), "-c", str(server.config), "create", "cluster-pool", "prod", "--file",
                               "prod.yaml"], cwd=home, env=env(home), capture_output=True, text=True, timeout=60)
        assert ours.returncode == 0, ours.stderr
        official = subprocess.run([str(OFFICIAL_PYTHON), "-c", OFFICIAL_MAIN, "--config", str(server.config), "get",
                                   "cluster-pool"], cwd=home, env=env(home), capture_output=True, text=True,
                                  timeout=120, stdin=subprocess.DEVNULL)
        assert official.returncode == 0, official.stdout + official.stderr
        assert "prod" in official.stdout and "s3://my-prod-bucket/prefix" in official.stdout, official.stdout
    finally:
        code = server.stop()
    assert code == 0, server.proc.stderr.read()
    assert not server.config.exists() and not server.config.parent.exists()
    assert list(work.iterdir()) == [], "nothing written in the working folder (no database, no lock)"


def test_ephemeral_config_and_port_are_honoured(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "flyte.yaml"
    server = Ephemeral(tmp_path, "--port", str(port), "--ephemeral-config", str(config))
    assert server.port == port and server.config == config and config.exists()
    assert server.stop() == 0
    assert not config.exists() and tmp_path.exists()


def test_ephemeral_refuses_a_database_and_the_config_path_needs_it(tmp_path):
    both = subprocess.run([str(SERVER_BIN), "--ephemeral", "--database", "x.db"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=30)
    assert both.returncode == 64 and "--ephemeral keeps the store in memory: leave out --database" in both.stderr
    alone = subprocess.run([str(SERVER_BIN), "--ephemeral-config", "c.yaml"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=30)
    assert alone.returncode == 64 and "--ephemeral-config goes with --ephemeral" in alone.stderr
    assert list(tmp_path.iterdir()) == []
