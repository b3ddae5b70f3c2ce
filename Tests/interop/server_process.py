"""One clusterpool-server child process on an ephemeral loopback port."""
import os
import re
import signal
import subprocess
import threading
from pathlib import Path

LISTENING = re.compile(r"^listening on (\S+):(\d+)\s*$")
METRICS = re.compile(r"^metrics on (\S+):(\d+)\s*$")  # before it, with --metrics-port
URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@/\s]+@")


def masked(args: list[str]) -> str:
    """The arguments for a message, a database URL's password replaced by ***."""
    return " ".join(URL_PASSWORD.sub(r"\1***@", a) for a in args)


class ServerProcess:
    """Starts the server with `--port 0`, learns its port from the `listening on` line."""

    def __init__(self, binary: Path, args: list[str], log_path: Path, start_timeout: float = 20.0,
                 env: dict | None = None):
        self.binary = binary
        self.args = ["--host", "127.0.0.1", "--port", "0", *args]
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen([str(binary), *self.args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._log, env=env)
        self.pid = self.proc.pid
        self.metrics_port: int | None = None  # the --metrics-port listener's, when it has one
        self.port = self._read_port(start_timeout)
        self.stopped = False

    def _read_port(self, timeout: float) -> int:
        found: dict = {}
        ready = threading.Event()
        extra: list[bytes] = []

        def pump():  # keeps draining stdout so the server can never block on it
            for line in self.proc.stdout:
                metrics = METRICS.match(line.decode(errors="replace"))
                if metrics and not ready.is_set():
                    self.metrics_port = int(metrics.group(2))
                    continue
                m = LISTENING.match(line.decode(errors="replace"))
                if m and not ready.is_set():
                    found["port"] = int(m.group(2))
                    ready.set()
                else:
                    extra.append(line)
            ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout) or "port" not in found:
            code = self.proc.poll()
            if code is None:
                self.proc.kill()
                self.proc.wait(5)
            raise RuntimeError(
                f"{self.binary} {masked(self.args)} printed no 'listening on 127.0.0.1:PORT' "
                f"line within {timeout}s (exit code {code}); stdout: {b''.join(extra)[:2000]!r}\n"
                f"stderr:\n{self.stderr_tail()}")
        return found["port"]

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        """Resident set size (VmRSS) from /proc/PID/status."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS line")

    def signal(self, sig: int = signal.SIGTERM) -> None:
        os.kill(self.pid, sig)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then waits for the exit code (SIGKILL and an error after `timeout`)."""
        if self.proc.poll() is None and not self.stopped:
            self.signal(signal.SIGTERM)
        self.stopped = True
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise AssertionError(f"server did not exit within {timeout}s of SIGTERM; stderr:\n"
                                 f"{self.stderr_tail()}")
        finally:
            self._log.close()
        return code

    def stderr_tail(self, limit: int = 8000) -> str:
        try:
            self._log.flush()
        except ValueError:
            pass
        data = self.log_path.read_bytes() if self.log_path.exists() else b""
        return data[-limit:].decode(errors="replace")


class RssSampler(threading.Thread):
    """Samples a server's VmRSS every `interval` seconds until stopped; keeps the maximum."""

    def __init__(self, server: ServerProcess, interval: float = 0.05):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.peak, self._halt = server.rss_kib(), threading.Event()

    def run(self):
        while not self._halt.wait(self.interval):
            try:
                self.peak = max(self.peak, self.server.rss_kib())
            except (FileNotFoundError, ProcessLookupError):
                return

    def stop(self) -> int:
        self._halt.set()
        self.join(2)
        return self.peak
