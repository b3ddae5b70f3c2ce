"""A pytest fixture that runs the tests against a throwaway control plane:
`clusterpool-server --ephemeral` (in-memory store, a free loopback port, a ready `flyte`
config file), stopped at the end of the session, leaving nothing behind.

    SERVER_BIN=/path/to/clusterpool-server FLYTE_PYTHON=/path/to/venv/bin/python pytest

SERVER_BIN defaults to `clusterpool-server` on PATH; FLYTE_PYTHON is a Python with the official
SDK (`pip install flyte flyteplugins-union`), by default this one.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_BIN = os.environ.get("SERVER_BIN") or shutil.which("clusterpool-server") or "clusterpool-server"
# absolute (not resolved: a venv's python is a link that must be run by its own path), as the
# snippets run in their own folder
FLYTE_PYTHON = os.path.abspath(os.environ.get("FLYTE_PYTHON") or sys.executable)


@dataclass
class LocalServer:
    """A running `clusterpool-server --ephemeral`: its address and its flyte config file."""
    endpoint: str
    config: Path
    home: Path  # the snippets' HOME and working folder
    process: subprocess.Popen

    def run_python(self, snippet: str) -> str:
        """Runs `snippet` with the official SDK initialized from the server's config file, as a
        user's script would; returns its standard output (a failure fails the test).

        Each snippet runs in a process of its own that ends with os._exit: the SDK's HTTP client
        (pyqwest) may abort at interpreter exit after the work is done."""
        home = self.home
        script = home / "snippet.py"
        script.write_text(
            f"import flyte\nflyte.init_from_config({str(self.config)!r})\n" + textwrap.dedent(snippet)
            + "\nimport os, sys\nsys.stdout.flush()\nsys.stderr.flush()\nos._exit(0)\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_"))}
        env.update(HOME=str(home), DO_NOT_TRACK="1", NO_COLOR="1")
        proc = subprocess.run([FLYTE_PYTHON, str(script)], cwd=home, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=120)
        assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        return proc.stdout


@pytest.fixture
def clusterpool_server(tmp_path):
    """A fresh server per test (it starts in a fraction of a second): its data is the test's own."""
    proc = subprocess.Popen([SERVER_BIN, "--ephemeral", "--log-level", "warning"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: dict = {}
    ready = threading.Event()

    def read():  # keeps draining stdout so the server never blocks on it
        for line in proc.stdout:
            if m := re.match(r"flyte config (.+)$", line.rstrip("\n")):
                lines["config"] = Path(m.group(1))
            elif m := re.match(r"listening on (\S+)$", line.rstrip("\n")):
                lines["endpoint"] = m.group(1)
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60) or "endpoint" not in lines:
        proc.kill()
        pytest.fail(f"clusterpool-server --ephemeral did not start: {proc.wait(10)} {proc.stderr.read()}")
    home = tmp_path / "home"
    home.mkdir()
    server = LocalServer(lines["endpoint"], lines["config"], home, proc)
    yield server
    proc.send_signal(signal.SIGTERM)  # graceful: calls in flight finish, the config file is removed
    assert proc.wait(30) == 0, proc.stderr.read()
    assert not server.config.exists()
