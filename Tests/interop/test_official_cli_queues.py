"""The official `flyte` CLI's queue commands (flyte==2.12.1 + flyteplugins-union==0.19.1 from the
official venv, see requirements-official.txt) against our QueueService, unchanged, over Connect
on cleartext HTTP/1.1 (`admin.insecure: true`). What each command did is read back through
grpcio. The official client sends `clusters: ["*"]` for "every member", a depth of 10000,
priority medium and strict FIFO by default, and reads a deleted queue through GetQueue."""
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest

from test_clusters import create_pool
from test_queues import available, get, ql, register  # noqa: F401 (ql is a fixture)

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_VENV = Path(os.environ.get("OFFICIAL_VENV", ROOT / ".venv-official"))
if not OFFICIAL_VENV.is_absolute():
    OFFICIAL_VENV = ROOT / OFFICIAL_VENV
OFFICIAL_FLYTE = OFFICIAL_VENV / "bin/flyte"


@pytest.fixture
def official(start_server, database, tmp_path, ql):
    if not OFFICIAL_FLYTE.exists():
        pytest.fail(f"{OFFICIAL_FLYTE} is missing: make the venv {OFFICIAL_VENV} from "
                    f"Tests/interop/requirements-official.txt (tools/test does) or set OFFICIAL_VENV",
                    pytrace=False)
    srv = start_server("--database", database("official-queues.db"), "--default-organization", "acme",
                       test_service=False)
    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{srv.port}\n  insecure: true\ntask:\n  org: acme\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_"))}
    env.update(HOME=str(home), DO_NOT_TRACK="1", COLUMNS="240", NO_COLOR="1")

    def flyte(*args: str, ok: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(OFFICIAL_FLYTE), "--config", str(config), *args], env=env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)
        if ok:
            assert proc.returncode == 0, f"flyte {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        else:
            assert proc.returncode != 0, f"flyte {' '.join(args)} succeeded:\n{proc.stdout}"
        return proc

    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        stubs = SimpleNamespace(queues=ql.grpc.QueueServiceStub(ch), clusters=ql.cluster_grpc.ClusterServiceStub(ch),
                                pools=ql.pool_grpc.ClusterPoolServiceStub(ch))
        yield SimpleNamespace(flyte=flyte, stubs=stubs)


def test_official_queue_commands(official, ql):
    q, flyte, stubs = ql.queue, official.flyte, official.stubs
    flyte("create", "queue", "gpu", "--run-concurrency", "2", "--action-concurrency", "3", "--priority", "max",
          "--scheduling", "greedy_capacity")
    gpu = get(stubs, ql, "gpu")
    assert (gpu.spec.run_concurrency, gpu.spec.action_concurrency, gpu.spec.depth) == (2, 3, 10000)
    assert gpu.spec.priority == q.PRIORITY_MAX and gpu.spec.scheduling == q.SCHEDULING_ALGORITHM_GREEDY_CAPACITY
    assert gpu.spec.cluster_pool_name == "default" and list(gpu.spec.clusters) == []  # "*": every member
    assert gpu.id.organization == "acme" and gpu.status.state == q.QUEUE_STATE_ACTIVE

    create_pool(stubs, ql, "prod")
    register(stubs, ql, "c1", "prod")
    flyte("create", "queue", "pinned", "--run-concurrency", "1", "--action-concurrency", "1", "--cluster-pool", "prod",
          "--cluster", "c1")
    assert available(get(stubs, ql, "pinned")) == ["c1"]
    listed = flyte("get", "queue").stdout
    assert all(name in listed for name in ("c1", "default", "gpu", "pinned"))

    refused = flyte("delete", "queue", "gpu", "--yes", ok=False)
    assert "drain it first" in refused.stdout + refused.stderr
    flyte("update", "queue", "gpu", "--drain")
    assert get(stubs, ql, "gpu").status.state == q.QUEUE_STATE_DRAINED
    flyte("update", "queue", "gpu", "--scheduling", "strict_fifo")
    assert get(stubs, ql, "gpu").spec.scheduling == q.SCHEDULING_ALGORITHM_STRICT_FIFO
    flyte("delete", "queue", "gpu", "--yes")
    assert get(stubs, ql, "gpu").status.state == q.QUEUE_STATE_DELETED
    assert "gpu" in flyte("get", "queue", "--deleted").stdout
    flyte("undelete", "queue", "gpu")
    flyte("update", "queue", "gpu", "--activate")
    assert get(stubs, ql, "gpu").status.state == q.QUEUE_STATE_ACTIVE

    implicit = flyte("update", "queue", "c1", "--drain", ok=False)
    assert "implicit queue of cluster" in implicit.stdout + implicit.stderr
    assert get(stubs, ql, "c1").status.state == q.QUEUE_STATE_ACTIVE


def test_official_queue_caps(official, ql):
    """`flyte create queue --max-resources/--max-accelerators` and `update queue` store caps that read
    back through grpcio and through the official CLI (`-of json-raw`); the server's own rules
    (a positive quantity) reach the official CLI's error output."""
    import json
    import re

    flyte, stubs = official.flyte, official.stubs
    flyte("create", "queue", "gpu", "--run-concurrency", "2", "--action-concurrency", "3",
          "--max-resources", "cpu=4", "--max-resources", "memory=16Gi", "--max-accelerators", "H100=8",
          "--max-accelerators", "nvidia_gpu=2", "--max-accelerators", "A100/1g.5gb=1", "--scheduling", "greedy_capacity")
    spec = get(stubs, ql, "gpu").spec
    assert [(r.name, r.value) for r in spec.max_resources] == [(1, "4"), (3, "16Gi")]
    accelerators = [(a.accelerator.device_class, a.accelerator.device, a.accelerator.WhichOneof("partition_size_value"),
                     a.accelerator.partition_size, a.accelerator.accelerator_model, a.count) for a in spec.max_accelerators]
    assert accelerators == [(0, "nvidia-h100", "unpartitioned", "", 13, 8), (0, "", "unpartitioned", "", 0, 2),
                            (0, "nvidia-a100", "partition_size", "1g.5gb", 9, 1)]

    def official_row():
        # rich may still embolden brackets: its style codes are not JSON
        rows = json.loads(re.sub(r"\x1b\[[0-9;]*m", "", flyte("-of", "json-raw", "get", "queue").stdout))
        return next(row for row in rows if row["name"] == "gpu")

    row = official_row()
    assert row["max_resources"] == {"cpu": "4", "memory": "16Gi"}
    assert row["max_accelerators"] == {"nvidia_gpu/nvidia-h100": 8, "nvidia_gpu": 2, "nvidia_gpu/nvidia-a100/1g.5gb": 1}
    assert row["scheduling"] == "greedy_capacity"

    flyte("update", "queue", "gpu", "--max-resources", "memory=32Gi", "--max-accelerators", "V6E=4")
    row = official_row()
    assert row["max_resources"] == {"memory": "32Gi"}
    assert row["max_accelerators"] == {"google_tpu/google-tpu-v6e": 4}
    flyte("update", "queue", "gpu", "--scheduling", "strict_fifo")  # an unrelated edit keeps the caps
    row = official_row()
    assert row["scheduling"] == "strict_fifo" and row["max_resources"] == {"memory": "32Gi"}
    assert row["max_accelerators"] == {"google_tpu/google-tpu-v6e": 4}
    flyte("update", "queue", "gpu", "--clear-max-resources")
    assert official_row()["max_resources"] == {}

    # the official client allows a zero cap; this server requires a positive one
    zero = flyte("update", "queue", "gpu", "--max-resources", "cpu=0", ok=False)
    assert 'spec.max_resources[0].value "0" (CPU) must be positive' in zero.stdout + zero.stderr
    assert official_row()["max_resources"] == {}


def test_official_watch_says_metrics_are_unimplemented(official):
    """`flyte get queue NAME --watch` streams WatchQueueMetrics: it ends with the server's
    UNIMPLEMENTED message instead of hanging or a generic unknown-method error."""
    watch = official.flyte("get", "queue", "default", "--watch", ok=False)
    assert "WatchQueueMetrics is not implemented by this server" in watch.stdout + watch.stderr
