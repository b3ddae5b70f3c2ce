"""`flyte apply`, `flyte diff` and `flyte get ... -o yaml` against the real server (both
backends): an organization of 3 pools, 6 clusters, 4 queues, a role and a policy applied from a
folder; a second apply makes no call that writes (counted by method in the server's /metrics);
an edit of one queue and one pool applies as exactly two updates; a cluster moving between pools
is drained, deleted and registered again, or refused while a queue pins it; --prune deletes an
unmanaged queue and pool in that order; the files' errors are reported with file and line before
anything is sent; what get -o yaml prints, apply reads back unchanged, for every kind."""
import json
import re
from collections import Counter
from pathlib import Path

from test_cli import Flyte, flyte, flyte_bin, pool_server  # noqa: F401 (fixtures)
from test_metrics import get1, samples

POOLS = "".join(f"""---
kind: ClusterPool
name: {name}
config:
  object_store_ref:
    uri: s3://{name}-bucket/data
  secret_store:
    type: KUBERNETES
    locator: {name}
""" for name in ("prod", "staging", "dev"))
CLUSTERS = "".join(f"---\nkind: Cluster\nname: {name}\npool: {pool}\n" for name, pool in [
    ("prod-1", "prod"), ("prod-2", "prod"), ("stg-1", "staging"), ("stg-2", "staging"), ("dev-1", "dev"), ("dev-2", "dev")])
QUEUES = "".join(f"""---
kind: Queue
name: {name}
spec:
  run_concurrency: {runs}
  action_concurrency: 100
  cluster_pool_name: {pool}
  clusters: [{pins}]
""" for name, runs, pool, pins in [
    ("gpu", 10, "prod", "prod-1"), ("batch", 20, "prod", ""), ("stg", 5, "staging", ""), ("dev", 1, "dev", "dev-2")])
ACCESS = """---
kind: Role
name: ops
description: operators
actions: [ACTION_MANAGE_CLUSTER, view_cluster_config]
---
kind: Policy
name: ops-prod
description: ops on prod
bindings:
  - role: ops
    resource: {cluster: prod-1}
  - role: viewer
"""
READS = ("Get", "List", "Watch", "Check")


def write_org(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in [("pools.yaml", POOLS), ("clusters.yml", CLUSTERS), ("queues.yaml", QUEUES), ("access.yaml", ACCESS)]:
        (folder / name).write_text(text)
    (folder / "README.md").write_text("not a document: only .yaml and .yml files are read\n")
    return folder


def calls(server) -> Counter:
    """Calls served so far by (service, method), from the server's /metrics."""
    status, _, body = get1(server.port, "/metrics")
    assert status == 200
    counted = Counter()
    for (name, labels), value in samples(body).items():
        if name == "clusterpool_calls_total":
            labels = dict(labels)
            counted[(labels["service"].split(".")[-1], labels["method"])] += int(value)
    return counted


def writes(before: Counter, after: Counter) -> Counter:
    """The calls that write made between two scrapes, by method."""
    return Counter({f"{service}/{method}": n for (service, method), n in (after - before).items()
                    if not method.startswith(READS)})


def as_json(flyte: Flyte, *args: str):
    return json.loads(flyte(*args, "-o", "json").stdout)


def test_apply_an_organization_then_nothing_then_exactly_two_updates(flyte: Flyte, pool_server):
    org = write_org(flyte.cwd / "org")
    out = flyte("apply", "-f", "org").stdout
    assert "+ create cluster-pool prod  (org/pools.yaml:2)\n    config.object_store_ref.uri: s3://prod-bucket/data\n" in out
    assert "Plan: 15 to create.\n" in out and out.endswith("Applied: 15 to create.\n")
    order = [line.split()[1:3] for line in out.splitlines() if line.startswith("created ")]
    assert [kind for kind, _ in order] == ["cluster-pool"] * 3 + ["cluster"] * 6 + ["queue"] * 4 + ["role", "policy"]
    pools = {p["name"]: p for p in as_json(flyte, "get", "cluster-pool")}
    assert sorted(pools) == ["default", "dev", "prod", "staging"]
    assert pools["prod"]["member_clusters"] == ["prod-1", "prod-2"]
    assert pools["staging"]["config"]["secret_store"] == {"type": "KUBERNETES", "locator": "staging"}
    gpu = as_json(flyte, "get", "queue", "gpu")
    assert gpu["spec"]["clusters"] == ["prod-1"] and gpu["spec"]["run_concurrency"] == 10 and gpu["state"] == "ACTIVE"
    assert as_json(flyte, "get", "role", "ops")[0]["actions"] == ["ACTION_MANAGE_CLUSTER", "ACTION_VIEW_CLUSTER_CONFIG"]

    before = calls(pool_server)
    again = flyte("apply", "-f", "org")
    assert again.stdout == "No changes: the organization matches the 15 documents.\n"
    after = calls(pool_server)
    assert writes(before, after) == Counter(), "a second apply wrote"
    assert sum((after - before).values()) >= 5, "the reads of the second apply were not counted"
    assert flyte("diff", "-f", str(org)).returncode == 0

    (org / "queues.yaml").write_text(QUEUES.replace("run_concurrency: 20", "run_concurrency: 25"))
    (org / "pools.yaml").write_text(POOLS.replace("locator: dev", "locator: eu-dev"))
    diff = flyte("diff", "-f", "org", ok=False)
    assert diff.returncode == 1 and diff.stdout.endswith("Plan: 2 to update.\n"), diff.stdout
    before = calls(pool_server)
    out = flyte("apply", "-f", "org").stdout
    assert out == ("~ update cluster-pool dev  (org/pools.yaml:20)\n    config.secret_store.locator: dev -> eu-dev\n"
                   "~ update queue batch  (org/queues.yaml:10)\n    spec.run_concurrency: 20 -> 25\n"
                   "Plan: 2 to update.\nupdated cluster-pool dev\nupdated queue batch\nApplied: 2 to update.\n")
    assert writes(before, calls(pool_server)) == Counter({"ClusterPoolService/Update": 1, "QueueService/UpdateQueue": 1})
    assert as_json(flyte, "get", "queue", "batch")["spec"]["run_concurrency"] == 25


def test_a_moving_cluster_is_drained_deleted_and_registered_again_unless_pinned(flyte: Flyte, pool_server):
    org = write_org(flyte.cwd / "org")
    flyte("apply", "-f", "org")
    (org / "clusters.yml").write_text(CLUSTERS.replace("name: prod-2\npool: prod", "name: prod-2\npool: staging"))
    before = calls(pool_server)
    out = flyte("apply", "-f", "org").stdout
    assert out.startswith("~ move cluster prod-2  (org/clusters.yml:6)\n    pool: prod -> staging\n"
                          "    (drain, delete and register again: a cluster never moves in place)\n"), out
    assert "moved cluster prod-2 to pool staging\n" in out
    assert writes(before, calls(pool_server)) == Counter(
        {"ClusterService/UpdateClusterState": 1, "ClusterService/DeleteCluster": 1, "ClusterService/CreateCluster": 1})
    moved = as_json(flyte, "get", "cluster", "prod-2")
    assert moved["pool"] == "staging" and moved["state"] == "ACTIVE"
    assert as_json(flyte, "get", "queue", "prod-2")["spec"]["cluster_pool_name"] == "staging"
    assert as_json(flyte, "get", "cluster-pool", "prod")["member_clusters"] == ["prod-1"]

    # prod-1 is pinned by queue gpu: its move is refused with the reason, and nothing is sent
    (org / "clusters.yml").write_text(CLUSTERS.replace("pool: prod\n", "pool: dev\n", 1)
                                      .replace("name: prod-2\npool: prod", "name: prod-2\npool: staging"))
    before = calls(pool_server)
    refused = flyte("apply", "-f", "org", ok=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == ("Error: org/clusters.yml:4: cluster prod-1 cannot move from pool prod to dev: queue gpu pins "
                              "it (a pinned cluster is never deleted under its queues); remove prod-1 from their "
                              "spec.clusters and apply, then move it\n")
    assert writes(before, calls(pool_server)) == Counter()
    assert as_json(flyte, "get", "cluster", "prod-1")["pool"] == "prod"

    # a queue changing pool is drained first and activated again after
    (org / "clusters.yml").write_text(CLUSTERS.replace("name: prod-2\npool: prod", "name: prod-2\npool: staging"))
    (org / "queues.yaml").write_text(QUEUES.replace("cluster_pool_name: staging", "cluster_pool_name: dev"))
    before = calls(pool_server)
    out = flyte("apply", "-f", "org").stdout
    assert out.startswith("~ update queue stg  (org/queues.yaml:18)\n    spec.cluster_pool_name: staging -> dev\n"
                          "    (drained to change its pool, then activated again)\n"), out
    assert writes(before, calls(pool_server)) == Counter({"QueueService/UpdateQueueState": 2, "QueueService/UpdateQueue": 1})
    stg = as_json(flyte, "get", "queue", "stg")
    assert stg["spec"]["cluster_pool_name"] == "dev" and stg["state"] == "ACTIVE"


def test_prune_deletes_an_unmanaged_queue_then_its_pool(flyte: Flyte, pool_server):
    org = write_org(flyte.cwd / "org")
    flyte("apply", "-f", "org")
    (flyte.cwd / "old.yaml").write_text(POOLS.split("---\n")[1].replace("prod", "old"))
    flyte("create", "cluster-pool", "old", "--file", "old.yaml")
    flyte("create", "queue", "scratch", "--run-concurrency", "1", "--action-concurrency", "1", "--cluster-pool", "old")
    listed = flyte("apply", "-f", "org").stdout
    assert listed == ("No changes: the organization matches the 15 documents.\n"
                      "Not managed here (on the server, in no document; --prune deletes them):\n"
                      "  queue scratch\n  cluster-pool old\n")
    refused = flyte("apply", "-f", "org", "--prune", ok=False)
    assert "refusing to delete 2 objects without confirmation" in refused.stderr and "--yes" in refused.stderr
    assert as_json(flyte, "get", "queue", "scratch")["state"] == "ACTIVE"
    before = calls(pool_server)
    out = flyte("apply", "-f", "org", "--prune", "--yes").stdout
    assert out == ("- delete queue scratch  (drained first)\n- delete cluster-pool old\nPlan: 2 to delete.\n"
                   "deleted queue scratch\ndeleted cluster-pool old\nApplied: 2 to delete.\n")
    assert writes(before, calls(pool_server)) == Counter(
        {"QueueService/UpdateQueueState": 1, "QueueService/DeleteQueue": 1, "ClusterPoolService/Delete": 1})
    assert as_json(flyte, "get", "queue", "scratch")["state"] == "DELETED"
    assert [p["name"] for p in as_json(flyte, "get", "cluster-pool")] == ["default", "dev", "prod", "staging"]
    # the default pool and queue, the clusters' implicit queues and the built-in roles stay
    assert flyte("apply", "-f", "org", "--prune").stdout == "No changes: the organization matches the 15 documents.\n"
    # a document for the deleted pool restores it
    (org / "old.yaml").write_text((flyte.cwd / "old.yaml").read_text().replace("locator: old", "locator: new"))
    before = calls(pool_server)
    restored = flyte("apply", "-f", "org").stdout
    assert restored.startswith("+ create cluster-pool old  (org/old.yaml:1)\n"), restored
    assert "    (restores the deleted pool, then sets its config)\n" in restored
    assert writes(before, calls(pool_server)) == Counter({"ClusterPoolService/Undelete": 1, "ClusterPoolService/Update": 1})
    assert as_json(flyte, "get", "cluster-pool", "old")["config"]["secret_store"]["locator"] == "new"


def test_errors_in_the_files_name_file_and_line_before_anything_is_sent(flyte: Flyte, pool_server):
    bad = flyte.cwd / "bad"
    bad.mkdir()
    (bad / "a.yaml").write_text("kind: ClusterPool\nname: prod\nconfig:\n  object_store_ref: {uri: s3://p}\n"
                                "  secret_store: {type: KUBERNETES, locaton: x}\n---\nkind: Clustre\nname: c\n")
    (bad / "b.yaml").write_text("kind: Cluster\nname: c1\npool: prod\n---\nkind: Cluster\nname: c1\npool: nowhere\n"
                                "---\nkind: Queue\nname: q\nspec: {run_concurrency: 1, action_concurrency: 1, "
                                "cluster_pool_name: nowhere}\n")
    before = calls(pool_server)
    out = flyte("apply", "-f", "bad", ok=False)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.splitlines() == [
        'Error: bad/a.yaml:5: unknown key "locaton" in config.secret_store; expected locator, type',
        'Error: bad/a.yaml:7: unknown kind "Clustre"; expected one of ClusterPool, Cluster, Queue, Role, Policy, Assignment',
        "Error: bad/b.yaml:7: cluster c1 is named in two pools: prod (bad/b.yaml:3) and nowhere; a cluster belongs to one "
        "pool: keep one of the two documents",
    ]
    (bad / "a.yaml").unlink()
    (bad / "b.yaml").write_text("kind: Queue\nname: q\nspec:\n  run_concurrency: 1\n  action_concurrency: 1\n"
                                "  cluster_pool_name: nowhere\n")
    missing = flyte("diff", "-f", "bad", ok=False)
    assert missing.returncode == 3
    assert missing.stderr == ("Error: bad/b.yaml:6: queue q names pool nowhere, which is neither in the files nor on the "
                              "server; add a ClusterPool document for it\n")
    assert writes(before, calls(pool_server)) == Counter()
    assert flyte("apply", ok=False).returncode == 2  # no -f: a usage error


def test_get_yaml_round_trips_through_apply_for_every_kind(flyte: Flyte, pool_server):
    write_org(flyte.cwd / "org")
    flyte("apply", "-f", "org")
    flyte("create", "api-key", "--name", "ci-deploy")
    (flyte.cwd / "assignment.yaml").write_text("kind: Assignment\napplication: ci-deploy\npolicies: [ops-prod]\n")
    given = flyte("apply", "-f", "assignment.yaml").stdout
    assert "assignment application:ci-deploy  (assignment.yaml:1)\n    policies: + ops-prod\n" in given, given
    exported = flyte.cwd / "exported"
    exported.mkdir()
    for noun in ("cluster-pool", "cluster", "queue", "role", "policy", "assignment"):
        text = flyte("get", noun, "-o", "yaml").stdout
        assert text.startswith("---\nkind: "), text[:80]
        (exported / f"{noun}.yaml").write_text(text)
    # every object as get prints it, nothing left out: no changes, nothing unmanaged
    before = calls(pool_server)
    out = flyte("diff", "-f", "exported", "--prune")
    count = sum(len(re.findall(r"^kind: ", p.read_text(), re.M)) for p in exported.iterdir())
    assert out.stdout == f"No changes: the organization matches the {count} documents.\n"
    assert writes(before, calls(pool_server)) == Counter()
    # one object at a time, too; and an edited one applies as its update
    for args in (("cluster-pool", "prod"), ("cluster", "prod-1"), ("queue", "gpu"), ("role", "ops"), ("policy", "ops-prod"),
                 ("assignment", "--creds-subject", "ci-deploy")):
        one = flyte("get", *args, "-o", "yaml").stdout
        assert not one.startswith("---"), one
        # (the rest of the organization is listed as not managed here)
        assert flyte("apply", "-f", "-", input=one).stdout.startswith("No changes: the organization matches the 1 document.\n")
    edited = flyte("get", "queue", "gpu", "-o", "yaml").stdout.replace("run_concurrency: 10", "run_concurrency: 11")
    assert "~ update queue gpu  (-:1)\n    spec.run_concurrency: 10 -> 11\n" in flyte("apply", "-f", "-", input=edited).stdout


def test_the_readme_documents_apply_as_written(flyte: Flyte):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Organization as code", 1)[1]
    documents = re.search(r"```yaml\n(kind: ClusterPool.*?)```", section, re.S).group(1)
    (flyte.cwd / "org.yaml").write_text(documents)
    flyte("create", "api-key", "--name", "ci-deploy")
    out = flyte("apply", "-f", "org.yaml").stdout
    assert "Plan: 6 to create.\n" in out or "Plan: 5 to create, 1 to update.\n" in out, out
    assert flyte("apply", "-f", "org.yaml").stdout.startswith("No changes: the organization matches the 6 documents.\n")

