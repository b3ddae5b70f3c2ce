"""Organization names follow the rule of every other name (rules.md, Names): a request naming
an invalid one is INVALID_ARGUMENT naming the rule, over gRPC, Connect and the CLI's --org,
and creates nothing; digits-only names (the official CLI's `127`) stay valid."""
import subprocess
from types import SimpleNamespace

import pytest

import protogen
from connect_clients import Caller, outcome
from test_cli import FLYTE_BIN
from test_clusterpool import cp, make_pool  # noqa: F401  (cp is a fixture)

BAD = "Bad Org!"
RULE = (f'organization name "{BAD}" is invalid: use 1-63 characters, lowercase letters, digits and \'-\', '
        "starting and ending with a letter or digit")
POOLS = "cloudidl.clusterpool.ClusterPoolService"
CLUSTERS = "cloudidl.cluster.ClusterService"
QUEUES = "cloudidl.queue.QueueService"


@pytest.fixture(scope="module")
def m(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        queue=protogen.module("cloudidl/queue/queue.proto"),
        common=protogen.module("cloudidl/common/common.proto"))


def calls(m, cp, org):
    """(service, method, request, response type) of a write and reads of each service in `org`."""
    c = m.common
    return [
        (POOLS, "Create", m.pool.CreateRequest(cluster_pool=make_pool(cp, "prod", org=org)), m.pool.CreateResponse),
        (POOLS, "Get", m.pool.GetRequest(id=c.ClusterPoolIdentifier(organization=org, name="default")),
         m.pool.GetResponse),
        (POOLS, "List", m.pool.ListRequest(organization=org), m.pool.ListResponse),
        (CLUSTERS, "CreateCluster", m.cluster.CreateClusterRequest(
            cluster_id=c.ClusterIdentifier(organization=org, name="c1")), m.cluster.CreateClusterResponse),
        (QUEUES, "CreateQueue", m.queue.CreateQueueRequest(id=c.QueueIdentifier(organization=org, name="q1")),
         m.queue.CreateQueueResponse),
        (QUEUES, "ListQueues", m.queue.ListQueuesRequest(organization=org), m.queue.ListQueuesResponse),
    ]


def stored_organizations(database, name: str) -> set:
    rows = database.query(name, "SELECT organization FROM cluster_pools UNION SELECT organization FROM clusters "
                                "UNION SELECT organization FROM queues")
    return {r[0] for r in rows}


@pytest.mark.parametrize("protocol", ["grpc", "connect"])
def test_invalid_organization_is_invalid_argument(start_server, database, m, cp, protocol):
    srv = start_server("--database", database("pools.db"), test_service=False)
    caller = Caller(srv.port, protocol)
    try:
        for service, method, request, response in calls(m, cp, BAD):
            code, message = outcome(lambda: caller.unary(service, method, request, response))
            assert code == "INVALID_ARGUMENT" and RULE in message, (method, code, message)
        # a digits-only organization (the official CLI's from 127.0.0.1) is a valid name
        for service, method, request, response in calls(m, cp, "127"):
            code, message = outcome(lambda: caller.unary(service, method, request, response))
            assert code != "INVALID_ARGUMENT" or "organization" not in message, (method, code, message)
    finally:
        caller.close()
    assert srv.stop() == 0
    assert stored_organizations(database, "pools.db") == {"127"}, "a rejected organization was stored"


def test_cli_org_flag(start_server, database, tmp_path):
    srv = start_server("--database", database("pools.db"), test_service=False)
    (tmp_path / "home").mkdir()
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    get = [str(FLYTE_BIN), "get", "cluster-pool", "--endpoint", srv.target, "--insecure"]
    bad = subprocess.run([*get, "--org", BAD], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0, bad.stdout
    assert bad.stderr.startswith("Error: INVALID_ARGUMENT: ") and RULE in bad.stderr, bad.stderr
    good = subprocess.run([*get, "--org", "acme-2"], env=env, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert "default" in good.stdout
