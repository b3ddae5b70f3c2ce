"""Issue 9.8 over the wire: a cluster that has reported leaves DRAINING and DELETING when an
UpdateStatus carries `status.capabilities.execution_load` with all three counts zero, and stays
in them while any count is not zero. grpcio against the real server binary, requests encoded by
Python protobuf from our proto/."""
import os
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest


ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_VENV = Path(os.environ.get("OFFICIAL_VENV", ROOT / ".venv-official"))
if not OFFICIAL_VENV.is_absolute():
    OFFICIAL_VENV = ROOT / OFFICIAL_VENV
OFFICIAL_FLYTE = OFFICIAL_VENV / "bin/flyte"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def server(start_server, database):
    # the default heartbeat timeout (60 s): silence never ends DELETING during these tests
    return start_server("--database", database("load.db"), "--default-organization", "acme",
                        test_service=False)


@pytest.fixture
def stubs(server, cl):
    with grpc.insecure_channel(server.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield SimpleNamespace(clusters=cl.grpc.ClusterServiceStub(ch), pools=cl.pool_grpc.ClusterPoolServiceStub(ch),
                              queues=cl.queue_grpc.QueueServiceStub(ch))


def cid(cl, name):
    return cl.common.ClusterIdentifier(name=name)


def register(stubs, cl, name):
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, name)), timeout=10)


def state_of(stubs, cl, name):
    got = stubs.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, name), include_deleted=True), timeout=10)
    return got.cluster.drain_status.overall_state


def report(stubs, cl, name, *counts, capabilities=True):
    """An UpdateStatus whose execution_load has `counts` (runs, nodes, tasks); none without counts."""
    status = cl.cluster.Status()
    if counts:
        runs, nodes, tasks = counts
        status.capabilities.execution_load.CopyFrom(cl.cluster.ExecutionLoad(
            active_executions_count=runs, active_node_executions_count=nodes, active_task_executions_count=tasks))
    elif capabilities:
        status.capabilities.propeller_config_version = "v1"  # capabilities without a load
    stubs.clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(cluster_id=cid(cl, name), status=status), timeout=10)


def states_until(stream, name, last):
    """The states of `name` the watcher sees (each change once) up to `last`."""
    seen = []
    while not seen or seen[-1] != last:
        for summary in next(stream).clusters:  # the stream's own deadline bounds the wait
            if summary.id.name == name and (not seen or seen[-1] != summary.drain_status.overall_state):
                seen.append(summary.drain_status.overall_state)
    return seen


def test_zero_load_ends_draining_then_deleting(stubs, cl):
    s = cl.cluster
    register(stubs, cl, "c1")
    stream = stubs.clusters.WatchClusters(s.WatchClustersRequest(), timeout=60)
    stubs.clusters.Heartbeat(s.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
    drain = lambda: stubs.clusters.UpdateClusterState(s.UpdateClusterStateRequest(  # noqa: E731
        cluster_id=cid(cl, "c1"), state=s.CLUSTER_STATE_DRAINING), timeout=10).cluster
    assert drain().drain_status.overall_state == s.CLUSTER_STATE_DRAINING  # it has reported: not at once
    # any count not zero, no load at all, or capabilities without a load: still running
    for counts in [(3, 10, 25), (0, 0, 1), (0, 1, 0), (1, 0, 0)] * 5:
        report(stubs, cl, "c1", *counts)
    report(stubs, cl, "c1")
    report(stubs, cl, "c1", capabilities=False)
    stubs.clusters.Heartbeat(s.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
    assert state_of(stubs, cl, "c1") == s.CLUSTER_STATE_DRAINING
    report(stubs, cl, "c1", 0, 0, 0)
    assert state_of(stubs, cl, "c1") == s.CLUSTER_STATE_DRAINED
    assert states_until(stream, "c1", s.CLUSTER_STATE_DRAINED) == [
        s.CLUSTER_STATE_ACTIVE, s.CLUSTER_STATE_DRAINING, s.CLUSTER_STATE_DRAINED]

    activated = stubs.clusters.UpdateClusterState(s.UpdateClusterStateRequest(
        cluster_id=cid(cl, "c1"), state=s.CLUSTER_STATE_ACTIVE), timeout=10).cluster
    assert activated.drain_status.overall_state == s.CLUSTER_STATE_ACTIVE
    report(stubs, cl, "c1", 0, 0, 0)  # zero load of an ACTIVE cluster changes nothing
    assert state_of(stubs, cl, "c1") == s.CLUSTER_STATE_ACTIVE
    deleting = stubs.clusters.DeleteCluster(s.DeleteRequest(cluster_id=cid(cl, "c1")), timeout=10).cluster
    assert deleting.drain_status.overall_state == s.CLUSTER_STATE_DELETING
    report(stubs, cl, "c1", 2, 0, 0)
    assert state_of(stubs, cl, "c1") == s.CLUSTER_STATE_DELETING
    report(stubs, cl, "c1", 0, 0, 0)
    deleted = stubs.clusters.GetCluster(s.GetRequest(cluster_id=cid(cl, "c1"), include_deleted=True), timeout=10).cluster
    assert deleted.drain_status.overall_state == s.CLUSTER_STATE_DELETED and deleted.HasField("deleted_at")
    assert deleted.drain_status.generation == deleting.drain_status.generation + 1
    assert states_until(stream, "c1", s.CLUSTER_STATE_DELETED) == [
        s.CLUSTER_STATE_ACTIVE, s.CLUSTER_STATE_DELETING, s.CLUSTER_STATE_DELETED]
    stream.cancel()

    q = cl.queue
    queue = stubs.queues.GetQueue(q.GetQueueRequest(id=cl.common.QueueIdentifier(name="c1")), timeout=10).queue
    assert queue.status.state == q.QUEUE_STATE_DELETED
    register(stubs, cl, "c1")  # the name is free again
    assert state_of(stubs, cl, "c1") == s.CLUSTER_STATE_ACTIVE
    queue = stubs.queues.GetQueue(q.GetQueueRequest(id=cl.common.QueueIdentifier(name="c1")), timeout=10).queue
    assert queue.status.state == q.QUEUE_STATE_ACTIVE


@pytest.mark.parametrize("field", ["active_executions_count", "active_node_executions_count",
                                   "active_task_executions_count"])
def test_negative_count_is_invalid_argument_naming_the_field(stubs, cl, field):
    s = cl.cluster
    register(stubs, cl, "c1")
    stubs.clusters.Heartbeat(s.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
    stubs.clusters.UpdateClusterState(s.UpdateClusterStateRequest(
        cluster_id=cid(cl, "c1"), state=s.CLUSTER_STATE_DRAINING), timeout=10)
    status = s.Status()
    setattr(status.capabilities.execution_load, field, -1)
    with pytest.raises(grpc.RpcError) as e:
        stubs.clusters.UpdateStatus(s.UpdateStatusRequest(cluster_id=cid(cl, "c1"), status=status), timeout=10)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"status.capabilities.execution_load.{field} is -1" in e.value.details()
    assert state_of(stubs, cl, "c1") == s.CLUSTER_STATE_DRAINING  # refused: nothing recorded


def test_official_cli_shows_the_drain_a_zero_load_ends(server, stubs, cl, tmp_path):
    """`flyte get cluster NAME` of the official CLI (cleartext, Connect over HTTP/1.1) shows
    DRAINING while load is reported, then DRAINED after the zero-load report."""
    if not OFFICIAL_FLYTE.exists():
        pytest.fail(f"{OFFICIAL_FLYTE} is missing: make the venv {OFFICIAL_VENV} from "
                    f"Tests/interop/requirements-official.txt (tools/test does) or set OFFICIAL_VENV", pytrace=False)
    home = tmp_path / "home"
    home.mkdir()
    config = home / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{server.port}\n  insecure: true\ntask:\n  org: acme\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE", "_U_"))}
    env.update(HOME=str(home), DO_NOT_TRACK="1", COLUMNS="240", NO_COLOR="1")

    def drain_shown():
        proc = subprocess.run([str(OFFICIAL_FLYTE), "--config", str(config), "get", "cluster", "c1"], env=env,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        words = ANSI.sub("", proc.stdout).replace("│", " ").split()
        return words[words.index("drain") + 1]

    s = cl.cluster
    register(stubs, cl, "c1")
    stubs.clusters.Heartbeat(s.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
    stubs.clusters.UpdateClusterState(s.UpdateClusterStateRequest(
        cluster_id=cid(cl, "c1"), state=s.CLUSTER_STATE_DRAINING), timeout=10)
    report(stubs, cl, "c1", 1, 2, 3)
    assert drain_shown() == "draining"
    report(stubs, cl, "c1", 0, 0, 0)
    assert drain_shown() == "drained"
