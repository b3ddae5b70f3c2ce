"""Our `flyte` and the official one (flyte 2.12.1 + flyteplugins-union 0.19.1, in
.venv-official) side by side: one config file (`admin.endpoint: dns:///127.0.0.1:PORT`, no
org) against one server (issue 10, points 2 and 3).

What the official CLI prints, read from its code:
- The organization is `--org`, else `task.org`, else the endpoint host's first label when
  it has more than two: `127` here (flyte/_utils/org_discovery.py).
- `-of json-raw`: `json.dumps([MessageToDict(message)])` for pools and clusters (default
  options: lowerCamelCase, enum names, int64 as strings, defaults omitted), a list for one
  object too; for queues `Queue.to_dict()`, its own document. `get queue NAME` prints
  `pretty_repr([queue.to_dict()])` (a Python literal) whatever -of says. Rich prints it
  through a terminal console: bold escapes, lines cut at COLUMNS (hence COLUMNS=100000).
- `-of table-simple`: the table without borders or title.
"""
import ast
import json
import os
import re
import subprocess
from pathlib import Path

import grpc
import pytest

import protogen
from test_cli import FLYTE_BIN, SEED_MANIFEST, flyte_bin  # noqa: F401 (fixture)
from test_official_cli import OFFICIAL_PYTHON, official_cli  # noqa: F401 (fixture)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The official CLI's entry point, ending in os._exit: pyqwest on CPython 3.11 sometimes aborts
# at interpreter exit (SIGABRT after the output is out), which is no answer of the CLI's.
OFFICIAL_MAIN = """\
import os, sys
from flyte.cli.main import main
sys.argv[0] = "flyte"
try:
    main()
    code = 0
except SystemExit as e:
    code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
"""


class Both:
    """Runs either CLI with the same config file against the same server."""

    def __init__(self, home: Path, config: Path):
        self.home, self.config = home, config

    def env(self, **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("FLYTE", "_U_", "UCTL")) and k not in ("VISUAL", "EDITOR")}
        env.update(HOME=str(self.home), DO_NOT_TRACK="1", COLUMNS="100000", NO_COLOR="1", **extra)
        return env

    def ours(self, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(FLYTE_BIN), *args, "--config", str(self.config)], cwd=self.home,
                              env=self.env(**env), capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
        assert (proc.returncode == 0) == ok, f"flyte {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        return proc

    def official(self, *args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(OFFICIAL_PYTHON), "-c", OFFICIAL_MAIN, "--config", str(self.config), *args],
                              cwd=self.home,
                              env=self.env(), capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, f"official flyte {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        return proc

    def official_raw(self, *args: str):
        """The official `-of json-raw` output, parsed (JSON, or the Python literal of `get queue NAME`)."""
        text = ANSI.sub("", self.official("-of", "json-raw", *args).stdout).strip()
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return ast.literal_eval(text)

    def ours_raw(self, *args: str):
        return json.loads(self.ours(*args, "-o", "json-raw").stdout)


@pytest.fixture
def both(flyte_bin, official_cli, start_server, database, tmp_path, pb) -> Both:  # pb: protogen modules
    srv = start_server("--database", database("parity.db"), test_service=False)
    Both.target = srv.target
    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{srv.port}\n  insecure: true\n")
    (home / "prod.yaml").write_text(SEED_MANIFEST)
    return Both(home, config)


def populate(both: Both):
    both.ours("create", "cluster-pool", "prod", "--file", "prod.yaml")
    both.ours("create", "cluster", "c1", "--pool", "prod")
    both.ours("create", "cluster", "c2")
    both.ours("create", "queue", "gpu", "--run-concurrency", "10", "--action-concurrency", "100",
              "--cluster-pool", "prod", "--max-resources", "cpu=64,memory=512Gi",
              "--max-accelerators", "H100=8,nvidia_gpu=2", "--scheduling", "greedy_capacity")
    both.official("create", "queue", "batch", "--run-concurrency", "3", "--action-concurrency", "4",
                  "--priority", "max")
    both.ours("update", "queue", "batch", "--drain")
    both.ours("delete", "queue", "batch", "--yes")
    both.ours("delete", "cluster", "c2", "--yes")
    report_status(both.target, "c1")


def report_status(target: str, name: str):
    """c1 reports, as a data plane would: a heartbeat, then a status with a data plane that
    differs from its pool's and a running load, so its message has health, reasons and nested
    (some empty) messages."""
    cluster, common = (protogen.module("cloudidl/cluster/cluster.proto"),
                       protogen.module("cloudidl/common/common.proto"))
    stubs = protogen.module("cloudidl/cluster/cluster.proto", grpc=True)
    cid = common.ClusterIdentifier(organization="127", name=name)
    status = cluster.Status(health=cluster.Status.HEALTHY)
    status.operator_cluster_data.metadata_object_store_ref.uri = "s3://elsewhere"
    status.capabilities.execution_load.CopyFrom(cluster.ExecutionLoad(
        active_executions_count=1, active_node_executions_count=2, active_task_executions_count=3))
    status.capabilities.propeller_config_version = "v7"
    with grpc.insecure_channel(target) as ch:
        stub = stubs.ClusterServiceStub(ch)
        stub.Heartbeat(cluster.HeartbeatRequest(cluster_id=cid), timeout=10)
        stub.UpdateStatus(cluster.UpdateStatusRequest(cluster_id=cid, status=status), timeout=10)


def test_one_config_file_gives_one_view(both: Both):
    """No --org: both derive organization 127 from dns:///127.0.0.1:PORT and list the same pools."""
    both.ours("create", "cluster-pool", "prod", "--file", "prod.yaml")
    ours = both.ours_raw("get", "cluster-pool")
    official = both.official_raw("get", "cluster-pool")
    assert ours == official
    assert sorted((p["id"]["organization"], p["id"]["name"]) for p in ours) == [("127", "default"), ("127", "prod")]
    assert both.ours("get", "cluster-pool").stdout.startswith("Cluster pools in organization 127\nNAME ")
    # an explicit --config beats an endpoint in the environment (it silently lost before)
    dead = both.ours("get", "cluster-pool", "-o", "json", FLYTE_ENDPOINT="127.0.0.1:1", FLYTE_ADMIN_ENDPOINT="127.0.0.1:1")
    assert {p["name"] for p in json.loads(dead.stdout)} == {"default", "prod"}
    # --org still wins over the derived organization, in both CLIs
    assert both.ours_raw("get", "cluster-pool", "--org", "acme")[0]["id"]["organization"] == "acme"
    assert both.official_raw("--org", "acme", "get", "cluster-pool")[0]["id"]["organization"] == "acme"


RAW_VIEWS = [
    ("get", "cluster-pool", "prod"), ("get", "cluster-pool"), ("get", "cluster", "c1"), ("get", "cluster"),
    ("get", "cluster", "--deleted"), ("get", "queue", "gpu"), ("get", "queue", "c1"), ("get", "queue"),
    ("get", "queue", "--deleted"),
]


def test_json_raw_is_what_the_official_cli_prints(both: Both):
    """Every field, parsed: the same pool, cluster and queue, and their lists (deleted ones too)."""
    populate(both)
    for args in RAW_VIEWS:
        ours = both.ours_raw(*args)
        assert ours == both.official_raw(*args), " ".join(args)
        assert isinstance(ours, list) and ours, (args, ours)
    # the official table-simple: a header line first (no title, no borders), as ours
    official = ANSI.sub("", both.official("-of", "table-simple", "get", "queue").stdout).splitlines()
    assert "Name" in official[0].split() and not any(c in official[0] for c in "┌│═")


def test_our_formats(both: Both):
    """json-raw is the protobuf JSON mapping; json and yaml keep numbers and booleans; tables
    name the organization in their title, table-simple is the table without it."""
    populate(both)
    [pool] = both.ours_raw("get", "cluster-pool", "prod")
    assert pool["id"] == {"organization": "127", "name": "prod"}
    assert pool["config"]["secretStore"] == {"type": "SECRET_STORE_TYPE_AWS_SECRETS_MANAGER", "locator": "us-east-1"}
    assert pool["memberClusters"] == [{"organization": "127", "name": "c1"}]
    [c1] = both.ours_raw("get", "cluster", "c1")
    assert c1["status"]["health"] == "UNHEALTHY" and c1["status"]["unhealthyReasons"], c1
    assert c1["status"]["operatorClusterData"] == {  # present but empty messages are {}
        "metadataObjectStoreRef": {"uri": "s3://elsewhere"}, "secretStore": {}, "imageRegistry": {}}, c1
    [cluster] = both.ours_raw("get", "cluster", "--deleted")
    assert cluster["spec"]["id"]["name"] == "c2" and cluster["drainStatus"]["overallState"] == "CLUSTER_STATE_DELETED"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3,9})?Z", cluster["deletedAt"]), cluster

    gpu = json.loads(both.ours("get", "queue", "gpu", "-o", "json").stdout)
    assert gpu["spec"]["run_concurrency"] == 10 and gpu["spec"]["action_concurrency"] == 100
    assert gpu["spec"]["max_accelerators"] == {"nvidia_gpu/nvidia-h100": 8, "nvidia_gpu": 2}
    assert gpu["state_generation"] == 1 and gpu["cluster_managed"] is False
    assert json.loads(both.ours("get", "queue", "c1", "-o", "json").stdout)["cluster_managed"] is True
    assert isinstance(json.loads(both.ours("get", "cluster", "c1", "-o", "json").stdout)["generation"], int)
    yaml = both.ours("get", "queue", "gpu", "-o", "yaml").stdout
    assert "  run_concurrency: 10\n" in yaml and "cluster_managed: false\n" in yaml

    for args, title in [
        (("get", "cluster-pool"), "Cluster pools in organization 127"),
        (("get", "cluster-pool", "prod"), "Cluster pool prod in organization 127"),
        (("get", "cluster"), "Clusters in organization 127"),
        (("get", "cluster", "c1"), "Cluster c1 in organization 127"),
        (("get", "queue"), "Queues in organization 127"),
        (("get", "queue", "gpu"), "Queue gpu in organization 127"),
        (("get", "queue", "--org", "acme"), "Queues in organization acme"),
    ]:
        assert both.ours(*args).stdout.splitlines()[0] == title, args

    simple = both.ours("get", "queue", "-o", "table-simple").stdout
    assert both.ours("get", "queue").stdout == "Queues in organization 127\n" + simple
    assert simple.splitlines()[0].split()[:3] == ["NAME", "POOL", "STATE"]
    assert both.ours("get", "cluster-pool", "prod", "-o", "table-simple").stdout.startswith("Name:")


def test_queue_list_shows_no_limit_like_the_detail(both: Both):
    both.ours("create", "queue", "open", "--run-concurrency", "0", "--action-concurrency", "0")
    rows = {line.split()[0]: line for line in both.ours("get", "queue").stdout.splitlines()[2:]}
    assert "   no limit   no limit   " in rows["open"], rows["open"]
    assert "Run concurrency:     no limit" in both.ours("get", "queue", "open").stdout
