"""A private PostgreSQL instance (tools/postgres) and a fresh database on it per test.

tools/test starts one instance for the whole run and exports CLUSTERPOOL_TEST_POSTGRES_URL;
when pytest runs alone without it, the `postgres_url` fixture (conftest.py) starts one for the
session with `PostgresInstance` and stops it at the end. Each test that needs PostgreSQL takes
`postgres_database`: a database of its own (`CREATE DATABASE`), dropped after the test.
Statements go through `psql` (PostgreSQL's client, installed with the server), so the tests'
virtualenv needs no driver. A CREATE DATABASE takes about half a second (copying template1; the
server's migrations then take about 0.1 s), so `DatabaseSupply` makes the next ones ahead of need.
"""
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools/postgres"


class PostgresInstance:
    """`tools/postgres start DIR` ... `stop DIR`, optionally as another OS user (`runuser -u`)."""

    def __init__(self, directory: Path | None = None, user: str | None = None, timeout: float = 120.0):
        # Not under pytest's tmp_path: that is private to the user running pytest, and as root
        # the server runs as `postgres`, which must reach its folder.
        self.directory = Path(directory or tempfile.mkdtemp(prefix="clusterpool-pg."))
        if user:
            shutil.chown(self.directory, user)
        self.prefix = ["runuser", "-u", user, "--"] if user else []
        out = self._tool("start", timeout)
        env = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines()
                   if line.startswith("export "))
        self.url = env["CLUSTERPOOL_TEST_POSTGRES_URL"]

    def _tool(self, verb: str, timeout: float) -> str:
        done = subprocess.run([*self.prefix, str(TOOL), verb, str(self.directory)], capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"tools/postgres {verb} {self.directory} exited {done.returncode}: {done.stderr}")
        return done.stdout

    def stop(self):
        self._tool("stop", 60)

    def down(self):
        """Stops the server (`pg_ctl stop -m fast`: connections ended), keeping its data and port."""
        self._tool("down", 60)

    def up(self):
        """Starts the server `down` stopped, on the same port (the same URL works again)."""
        self._tool("up", 60)

    def enable_tls(self, cert: Path, key: Path, timeout: float = 60.0):
        """Turns TLS on with `cert` and `key` (copied into the instance's folder, readable by
        the server's user only, as PostgreSQL requires), through the superuser's socket."""
        owner = self.directory.owner()
        tls = self.directory / "tls"
        tls.mkdir(exist_ok=True)
        for source, name in ((cert, "server.pem"), (key, "server.key")):
            target = tls / name
            shutil.copyfile(source, target)
            target.chmod(0o600)
            shutil.chown(target, owner)
        shutil.chown(tls, owner)
        port = str(urlsplit(self.url).port)
        statements = [f"ALTER SYSTEM SET ssl_cert_file = '{tls / 'server.pem'}'",
                      f"ALTER SYSTEM SET ssl_key_file = '{tls / 'server.key'}'",
                      "ALTER SYSTEM SET ssl = on", "SELECT pg_reload_conf()"]
        args = [arg for sql in statements for arg in ("-c", sql)]
        done = subprocess.run([*self.prefix, "psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", str(self.directory),
                               "-p", port, "-U", "postgres", "-d", "postgres", *args],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"enabling TLS on {self.directory} failed: {done.stderr}")


def psql(url: str, sql: str, timeout: float = 60.0) -> str:
    """Runs `sql` on the database of `url`; returns psql's unaligned, tuples-only output."""
    done = subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"psql on {describe(url)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def with_database(url: str, database: str) -> str:
    """`url` naming another database on the same instance."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def describe(url: str) -> str:
    """`url` with its password masked, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(":" + parts.password + "@", ":***@")))


class FreshDatabase:
    """A database of its own on the instance of `url`, dropped (connections and all) by `drop`."""

    def __init__(self, url: str):
        self.name = "t_" + uuid.uuid4().hex[:16]
        self.admin_url = url
        psql(url, f"CREATE DATABASE {self.name}")
        self.url = with_database(url, self.name)

    def drop(self):
        # WITH (FORCE) cannot end an autovacuum worker on the database (the test role may not
        # signal it: "must be a member of the role whose process is being terminated"); it is
        # gone within moments, so the drop is tried again a few times
        for attempt in range(10):
            try:
                psql(self.admin_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
                return
            except RuntimeError as error:
                if "pg_signal_backend" not in str(error) or attempt == 9:
                    raise
                time.sleep(0.5)


class DatabaseSupply:
    """Fresh databases on the instance of `url`, each made `ahead` takes before it is taken (on
    a thread of its own), so a test waits for none; `close` drops the ones never taken."""

    def __init__(self, url: str, ahead: int = 2):
        self.url = url
        self._maker = ThreadPoolExecutor(1, thread_name_prefix="fresh-databases")
        self._ready: deque[Future] = deque(self._maker.submit(FreshDatabase, url) for _ in range(ahead))

    def take(self) -> FreshDatabase:
        """A database no one used yet; the caller drops it."""
        self._ready.append(self._maker.submit(FreshDatabase, self.url))
        return self._ready.popleft().result()

    def close(self):
        self._maker.shutdown(wait=True)
        for made in self._ready:
            if made.exception() is None:
                made.result().drop()


def url_from_environment() -> str | None:
    return os.environ.get("CLUSTERPOOL_TEST_POSTGRES_URL") or None
