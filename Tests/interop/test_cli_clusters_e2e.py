"""The `flyte` CLI's cluster commands against the real server (ClusterService over SQLite): the
seed's `flyte create cluster prod-us-east-1 --pool prod`, registering again or into another
pool, the move sequence (drain, delete, re-register), the generation guard, deleted clusters
and undelete, with the output formats and error lines.
"""
import json
import os
import selectors
import signal
import subprocess
import time

import pytest

from test_cli import FLYTE_BIN, SEED_MANIFEST, Flyte, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)


def create_prod(flyte: Flyte):
    (flyte.cwd / "prod-pool.yaml").write_text(SEED_MANIFEST)
    flyte("create", "cluster-pool", "prod", "--file", "prod-pool.yaml")


def test_the_seeds_create_cluster_into_a_pool(flyte: Flyte):
    create_prod(flyte)
    out = flyte("create", "cluster", "prod-us-east-1", "--pool", "prod").stdout
    assert out == 'Created cluster "prod-us-east-1" in pool "prod".\n'

    table = flyte("get", "cluster").stdout.splitlines()[1:]  # after the title
    assert table[0].split() == ["NAME", "POOL", "STATE", "HEALTH", "QUEUES"]
    row = table[1].split()
    assert row[:3] == ["prod-us-east-1", "prod", "ACTIVE"]
    assert "prod-us-east-1" in row[4].split(",")

    assert "Member clusters:        prod-us-east-1" in flyte("get", "cluster-pool", "prod").stdout
    detail = json.loads(flyte("get", "cluster", "prod-us-east-1", "-o", "json").stdout)
    assert detail["pool"] == "prod" and detail["state"] == "ACTIVE"
    assert "prod-us-east-1" in detail["queues"]


def test_registering_again_or_elsewhere_is_rejected(flyte: Flyte):
    create_prod(flyte)
    flyte("create", "cluster", "c1", "--pool", "prod")
    again = flyte("create", "cluster", "c1", "--pool", "prod", ok=False)
    assert again.stderr.startswith("Error: ALREADY_EXISTS: ")
    moved = flyte("create", "cluster", "c1", ok=False)
    assert moved.stderr.startswith("Error: FAILED_PRECONDITION: ")
    assert "drain" in moved.stderr and "delete" in moved.stderr
    assert moved.stderr.count("\n") == 1


def test_the_move_sequence(flyte: Flyte):
    create_prod(flyte)
    flyte("create", "cluster", "c1", "--pool", "prod")
    assert "Draining cluster \"c1\"" in flyte("update", "cluster", "c1", "--drain").stdout
    state = json.loads(flyte("get", "cluster", "c1", "-o", "json").stdout)["state"]
    assert state in ("DRAINING", "DRAINED")
    flyte("delete", "cluster", "c1", "--yes")
    deleted = json.loads(flyte("get", "cluster", "c1", "-o", "json").stdout)  # inspectable, as with the official CLI
    assert deleted["state"] == "DELETED", deleted
    flyte("create", "cluster", "c1", "--pool", "default")
    assert json.loads(flyte("get", "cluster", "c1", "-o", "json").stdout)["pool"] == "default"
    assert json.loads(flyte("get", "cluster-pool", "prod", "-o", "json").stdout)["member_clusters"] == []
    flyte("delete", "cluster-pool", "prod", "--yes")


def test_a_stale_generation_is_aborted(flyte: Flyte):
    flyte("create", "cluster", "c1")
    generation = int(json.loads(flyte("get", "cluster", "c1", "-o", "json").stdout)["generation"])
    flyte("update", "cluster", "c1", "--drain", "--expected-generation", str(generation))
    stale = flyte("update", "cluster", "c1", "--activate", "--expected-generation", str(generation), ok=False)
    assert stale.stderr.startswith("Error: ABORTED: ")
    flyte("update", "cluster", "c1", "--activate")


def test_deleted_clusters_are_listed_with_deleted_and_undeleted(flyte: Flyte):
    flyte("create", "cluster", "c1")
    flyte("delete", "cluster", "c1", "--yes")
    assert "c1" in flyte("get", "cluster", "--deleted").stdout
    assert "No clusters." in flyte("get", "cluster").stderr
    assert flyte("undelete", "cluster", "c1").stdout == 'Restored cluster "c1".\n'
    assert flyte("get", "cluster", "c1").stdout.splitlines()[1].startswith("Name:")  # after the title


def test_get_cluster_watch_shows_each_change(flyte: Flyte):
    proc = subprocess.Popen([str(FLYTE_BIN), "get", "cluster", "--watch"], cwd=flyte.cwd, env=flyte.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = ReadLines(proc)
        assert lines.next().split() == ["NAME", "POOL", "STATE", "HEALTH", "QUEUES"]
        # WatchClustersRequest names no organization: the server watches its default one, while
        # the config's dns:///127.0.0.1 puts the other commands in organization 127
        flyte("create", "cluster", "w1", "--org", "default")
        assert lines.next().split()[:3] == ["w1", "default", "ACTIVE"]
        flyte("update", "cluster", "w1", "--drain", "--org", "default")
        assert lines.next().split()[2] in ("DRAINING", "DRAINED")
        flyte("delete", "cluster", "w1", "--yes", "--org", "default")
        while (row := lines.next().split())[2] not in ("DELETING", "DELETED"):
            pass
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


class ReadLines:
    """Lines of a running process's stdout, each awaited for at most 5 s (read unbuffered, so
    a line already printed is never stuck in a reader's buffer)."""

    def __init__(self, proc):
        self.proc, self.buffer = proc, b""
        self.fd = proc.stdout.fileno()

    def next(self) -> str:
        deadline = time.monotonic() + 5
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            ready = selectors.DefaultSelector()
            ready.register(self.fd, selectors.EVENT_READ)
            if remaining <= 0 or not ready.select(timeout=remaining):
                pytest.fail(f"no line from flyte get cluster --watch within 5 s (have {self.buffer!r})")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                pytest.fail(f"flyte get cluster --watch ended: {self.proc.stderr.read()}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode() if line.strip() else self.next()
