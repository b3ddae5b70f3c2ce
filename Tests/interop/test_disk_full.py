"""A full disk: writes are RESOURCE_EXHAUSTED naming the database, reads go on, and writing
works again once space returns. The database lives on a small tmpfs the test mounts (root
only; skipped where mounting is not permitted)."""
import errno
import os
import subprocess

import grpc
import pytest

from test_clusterpool import cp, make_pool, pid  # noqa: F401  (cp is a fixture)


@pytest.fixture
def small_fs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "fs"
    mount.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                         capture_output=True, text=True, timeout=30)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def fill(path, leave: int) -> None:
    """Writes `path` until the file system is full, then frees `leave` bytes of it."""
    chunk = b"\0" * (64 << 10)
    with open(path, "wb") as f:
        try:
            while True:
                f.write(chunk)
                f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
        try:
            f.flush()
        except OSError:
            pass  # the buffered tail did not fit either
    os.truncate(path, max(0, os.path.getsize(path) - leave))


def test_disk_full_is_resource_exhausted_and_recovers(start_server, small_fs, cp):
    database = small_fs / "pools.db"
    srv = start_server("--database", str(database), test_service=False)
    filler = small_fs / "filler"
    with grpc.insecure_channel(srv.target) as ch:
        stub = cp.grpc.ClusterPoolServiceStub(ch)
        stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, "before")), timeout=10)
        fill(filler, leave=128 << 10)

        long_uri = "s3://bucket/" + "p" * 2000  # a big row: the space goes in a few writes
        failure = None
        for i in range(500):
            try:
                stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, f"p{i}", uri=long_uri)), timeout=10)
            except grpc.RpcError as e:
                failure = (i, e.code(), e.details())
                break
        assert failure is not None, "500 creates of 2 KiB each fit in 128 KiB of free space"
        full_at, code, details = failure
        assert code == grpc.StatusCode.RESOURCE_EXHAUSTED, (code, details)
        assert str(database) in details and "full" in details, details
        # reads go on; the refused write left nothing
        assert stub.Get(cp.pool.GetRequest(id=pid(cp, "before")), timeout=10).cluster_pool.id.name == "before"
        with pytest.raises(grpc.RpcError) as missing:
            stub.Get(cp.pool.GetRequest(id=pid(cp, f"p{full_at}")), timeout=10)
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND

        os.remove(filler)  # space returns: the same write now succeeds, and more after it
        for i in range(full_at, full_at + 20):
            stub.Create(cp.pool.CreateRequest(cluster_pool=make_pool(cp, f"p{i}", uri=long_uri)), timeout=10)
        listed = stub.List(cp.pool.ListRequest(request=cp.list.ListRequest(limit=1000)), timeout=10)
        assert {p.id.name for p in listed.cluster_pools} >= {"before", *(f"p{i}" for i in range(full_at + 20))}
