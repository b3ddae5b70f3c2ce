"""The private PostgreSQL of the tests (tools/postgres, postgres_process.py) works as root and
as an ordinary user, gives each test a database of its own and leaves nothing behind."""
import os
import time
from pathlib import Path

import pytest

from postgres_process import FreshDatabase, PostgresInstance, describe, psql


def test_fresh_databases_are_separate_and_dropped(postgres_url):
    first, second = FreshDatabase(postgres_url), FreshDatabase(postgres_url)
    try:
        assert first.url != second.url
        psql(first.url, "CREATE TABLE only_here (x int); INSERT INTO only_here VALUES (7)")
        assert psql(first.url, "SELECT x FROM only_here").strip() == "7"
        assert psql(second.url, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'").strip() == "0"
    finally:
        first.drop()
        second.drop()
    names = psql(postgres_url, "SELECT datname FROM pg_database").split()
    assert first.name not in names and second.name not in names


def test_postgres_database_fixture_connects_with_the_password(postgres_database):
    assert psql(postgres_database, "SELECT current_user").strip() == "clusterpool"
    assert "***" in describe(postgres_database) and ":***@" in describe(postgres_database)


def exits_within(pid: int, seconds: float) -> bool:
    """True once process `pid` is gone or a zombie (its parent, init here, may reap it late)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def users():
    """The current user, and an ordinary one too when we are root (CI runs as root)."""
    if os.getuid() == 0:
        return [None, "nobody"]
    return [None]


@pytest.mark.parametrize("user", users(), ids=lambda u: u or ("root" if os.getuid() == 0 else "self"))
def test_instance_starts_and_stops_as(user):
    instance = PostgresInstance(user=user)
    directory = instance.directory
    try:
        assert psql(instance.url, "SELECT current_database()").strip() == "clusterpool"
        pid = int((directory / "data/postmaster.pid").read_text().split()[0])
    finally:
        instance.stop()
    assert not directory.exists(), f"tools/postgres stop left {directory} behind"
    assert exits_within(pid, 30), f"the postmaster (pid {pid}) still runs 30 s after stop"
    with pytest.raises(RuntimeError, match="failed"):
        psql(instance.url, "SELECT 1", timeout=20)
