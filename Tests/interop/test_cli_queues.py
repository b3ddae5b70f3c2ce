"""The `flyte` queue commands against the real server (QueueService over SQLite): create with
every flag, get (table, detail, json), update by flags, --edit, --drain and --activate, delete
with the drained rule, undelete, implicit and default queues, and the error lines."""
import json

from test_cli import Flyte, error_line, flyte, flyte_bin, on_terminal, pool_server, scripted_editor  # noqa: F401 (fixtures)
from test_cli_clusters_e2e import create_prod


def test_queue_lifecycle(flyte: Flyte):
    create_prod(flyte)
    flyte("create", "cluster", "c1", "--pool", "prod")
    out = flyte("create", "queue", "gpu", "--run-concurrency", "2", "--action-concurrency", "3",
                "--cluster-pool", "prod", "--cluster", "c1", "--depth", "10", "--priority", "max",
                "--fairness", "round_robin").stdout
    assert out == 'Created queue "gpu" in pool "prod".\n'
    queue = json.loads(flyte("get", "queue", "gpu", "-o", "json").stdout)
    assert queue["spec"] == {"run_concurrency": 2, "action_concurrency": 3, "depth": 10, "priority": "max",
                             "fairness": "round_robin", "scheduling": "strict_fifo", "cluster_pool_name": "prod", "clusters": ["c1"],
                             "max_resources": {}, "max_accelerators": {}}
    assert queue["state"] == "ACTIVE" and queue["available_clusters"] == ["c1"] and queue["organization"] == "127"
    assert queue["state_generation"] == 1 and queue["cluster_managed"] is False
    detail = flyte("get", "queue", "gpu").stdout
    assert "Available clusters:" in detail and "Pinned clusters:" in detail

    flyte("update", "queue", "gpu", "--run-concurrency", "5")
    assert json.loads(flyte("get", "queue", "gpu", "-o", "json").stdout)["spec"]["run_concurrency"] == 5

    busy = flyte("delete", "queue", "gpu", "--yes", ok=False)
    assert error_line(busy).startswith("Error: FAILED_PRECONDITION: ") and "drain" in busy.stderr
    drained = flyte("update", "queue", "gpu", "--drain").stdout
    assert drained == 'Drained queue "gpu" (state DRAINED, generation 2).\n'
    stale = flyte("update", "queue", "gpu", "--activate", "--expected-state-generation", "1", ok=False)
    assert error_line(stale).startswith("Error: ABORTED: ")
    assert flyte("delete", "queue", "gpu", "--yes").stdout == 'Deleted queue "gpu".\n'
    gone = json.loads(flyte("get", "queue", "gpu", "-o", "json").stdout)
    assert gone["state"] == "DELETED" and "deleted_at" in gone
    deleted_rows = flyte("get", "queue", "--deleted").stdout.splitlines()
    assert deleted_rows[0] == "Queues in organization 127"
    assert deleted_rows[1].split()[-2:] == ["DELETED", "AT"] and deleted_rows[2].split()[0] == "gpu"
    assert flyte("undelete", "queue", "gpu").stdout == 'Restored queue "gpu".\n'
    assert "state ACTIVE" in flyte("update", "queue", "gpu", "--activate").stdout

    implicit = flyte("delete", "queue", "c1", "--yes", ok=False)
    assert error_line(implicit).startswith("Error: FAILED_PRECONDITION: ") and "cluster" in implicit.stderr
    table = flyte("get", "queue").stdout.splitlines()[1:]  # after the title
    assert table[0].split() == ["NAME", "POOL", "STATE", "RUNS", "ACTIONS", "PRIORITY", "AVAILABLE", "CLUSTERS", "MANAGED"]
    rows = {line.split()[0]: line.split() for line in table[1:]}
    assert list(rows) == ["c1", "default", "gpu"]
    assert rows["c1"][1:3] == ["prod", "ACTIVE"] and rows["c1"][-1] == "cluster"
    assert rows["gpu"][:3] == ["gpu", "prod", "ACTIVE"] and rows["gpu"][-2:] == ["c1", "-"]
    assert rows["default"][:3] == ["default", "default", "ACTIVE"]
    in_prod = [line.split()[0] for line in flyte("get", "queue", "--pool", "prod").stdout.splitlines()[2:]]
    assert in_prod == ["c1", "gpu"]
    flyte("update", "queue", "gpu", "--drain")
    drained = [line.split()[0] for line in flyte("get", "queue", "--state", "drained").stdout.splitlines()[2:]]
    assert drained == ["gpu"]
    assert "cannot be combined" in flyte("get", "queue", "gpu", "--state", "active", ok=False).stderr


def test_create_rejections_and_pool_moves(flyte: Flyte):
    create_prod(flyte)
    flyte("create", "cluster", "c1", "--pool", "prod")
    missing = flyte("create", "queue", "q", "--run-concurrency", "1", "--action-concurrency", "1",
                    "--cluster-pool", "nope", ok=False)
    assert error_line(missing).startswith("Error: NOT_FOUND: ")
    stranger = flyte("create", "queue", "q", "--run-concurrency", "1", "--action-concurrency", "1",
                     "--cluster", "c1", ok=False)  # c1 is in prod, the queue in default
    assert error_line(stranger).startswith("Error: FAILED_PRECONDITION: ")
    taken = flyte("create", "queue", "c1", "--run-concurrency", "1", "--action-concurrency", "1", ok=False)
    assert error_line(taken).startswith("Error: ALREADY_EXISTS: ")
    required = flyte("create", "queue", "q", ok=False)
    assert "--run-concurrency and --action-concurrency are required" in required.stderr

    flyte("create", "queue", "q", "--run-concurrency", "1", "--action-concurrency", "1")
    active = flyte("update", "queue", "q", "--cluster-pool", "prod", ok=False)
    assert error_line(active).startswith("Error: FAILED_PRECONDITION: ") and "DRAINED" in active.stderr
    flyte("update", "queue", "q", "--drain")
    flyte("update", "queue", "q", "--cluster-pool", "prod")
    moved = json.loads(flyte("get", "queue", "q", "-o", "json").stdout)
    assert moved["spec"]["cluster_pool_name"] == "prod" and moved["available_clusters"] == ["c1"]


def test_update_queue_edit(flyte: Flyte, tmp_path):
    flyte("create", "queue", "q", "--run-concurrency", "1", "--action-concurrency", "1")
    editor, folder = scripted_editor(tmp_path / "editor", [
        "spec:\n  run_concurrency: many\n",
        "name: q\nspec:\n  run_concurrency: 4\n  action_concurrency: 8\n  priority: min\n",
    ])
    out = on_terminal(flyte, ["update", "queue", "q", "--edit"], b"r\n", env=flyte.env(EDITOR=str(editor))).stdout
    assert out == 'Updated queue "q".\n'
    assert "run_concurrency: 1" in (folder / "seen-1.yaml").read_text()
    assert "#! ERROR: invalid manifest: spec.run_concurrency must be a whole number" in (folder / "seen-2.yaml").read_text()
    spec = json.loads(flyte("get", "queue", "q", "-o", "json").stdout)["spec"]
    assert (spec["run_concurrency"], spec["action_concurrency"], spec["priority"]) == (4, 8, "min")
    assert spec["cluster_pool_name"] == "default"


def test_move_sequence_leaves_no_queue_routing_nowhere(flyte: Flyte):
    create_prod(flyte)
    flyte("create", "cluster", "prod-us-east-1", "--pool", "prod")
    flyte("create", "queue", "gpu", "--run-concurrency", "0", "--action-concurrency", "0", "--cluster-pool", "prod",
          "--cluster", "prod-us-east-1")
    assert "Depth:" in flyte("get", "queue", "gpu").stdout and "no limit" in flyte("get", "queue", "gpu").stdout
    flyte("update", "cluster", "prod-us-east-1", "--drain")
    assert json.loads(flyte("get", "queue", "gpu", "-o", "json").stdout)["available_clusters"] == []
    pinned = flyte("delete", "cluster", "prod-us-east-1", "--yes", ok=False)
    assert error_line(pinned).startswith("Error: FAILED_PRECONDITION: ") and '"gpu"' in pinned.stderr
    flyte("update", "queue", "gpu", "--drain")
    flyte("delete", "queue", "gpu", "--yes")
    flyte("delete", "cluster", "prod-us-east-1", "--yes")
    flyte("create", "cluster", "prod-us-east-1", "--pool", "default")
    queues = json.loads(flyte("get", "queue", "-o", "json").stdout)
    by_name = {q["name"]: q for q in queues}
    assert list(by_name) == ["default", "prod-us-east-1"]
    assert by_name["prod-us-east-1"]["spec"]["cluster_pool_name"] == "default"
    for queue in queues:  # every live queue routes to the re-registered cluster in its new pool
        assert queue["available_clusters"] == ["prod-us-east-1"], queue["name"]
    flyte("delete", "cluster-pool", "prod", "--yes")  # nothing references the old pool any more


def test_queue_caps_and_scheduling(flyte: Flyte):
    out = flyte("create", "queue", "gpu", "--run-concurrency", "1", "--action-concurrency", "1",
                "--max-resources", "cpu=4,memory=16Gi", "--max-accelerators", "H100=8",
                "--max-accelerators", "nvidia_gpu=2,A100/1g.5gb=1", "--scheduling", "greedy_capacity").stdout
    assert out == 'Created queue "gpu" in pool "default".\n'
    spec = json.loads(flyte("get", "queue", "gpu", "-o", "json").stdout)["spec"]
    assert spec["max_resources"] == {"cpu": "4", "memory": "16Gi"} and spec["scheduling"] == "greedy_capacity"
    assert spec["max_accelerators"] == {"nvidia_gpu/nvidia-h100": 8, "nvidia_gpu": 2,
                                        "nvidia_gpu/nvidia-a100/1g.5gb": 1}
    detail = flyte("get", "queue", "gpu").stdout
    assert "Max resources:       cpu=4, memory=16Gi\n" in detail and "Scheduling:          greedy_capacity\n" in detail

    flyte("update", "queue", "gpu", "--max-resources", "memory=32Gi", "--scheduling", "strict_fifo")
    spec = json.loads(flyte("get", "queue", "gpu", "-o", "json").stdout)["spec"]
    assert spec["max_resources"] == {"memory": "32Gi"} and spec["scheduling"] == "strict_fifo"
    assert len(spec["max_accelerators"]) == 3  # not named: kept
    flyte("update", "queue", "gpu", "--max-accelerators", "none")
    assert json.loads(flyte("get", "queue", "gpu", "-o", "json").stdout)["spec"]["max_accelerators"] == {}

    # the CLI refuses what it can tell is wrong; the server refuses the rest with the rule's message
    local = flyte("update", "queue", "gpu", "--max-resources", "gpu=1", ok=False)
    assert "--max-resources: gpu cannot be capped as a resource" in local.stderr
    unknown = flyte("update", "queue", "gpu", "--max-accelerators", "X9000=1", ok=False)
    assert '"X9000" is not a known accelerator' in unknown.stderr
    zero = flyte("update", "queue", "gpu", "--max-resources", "cpu=0", ok=False)
    assert error_line(zero) == 'Error: INVALID_ARGUMENT: spec.max_resources[0].value "0" (CPU) must be positive: ' \
                               'leave the resource out to leave it uncapped'
