"""Three server replicas on one PostgreSQL database (each following the change log): a write
through one is read through another once it has caught up, concurrent Creates of one name over
the replicas admit exactly one, the seed's move sequence works with each step on a different
replica, and a watcher on one replica sees changes made through another."""
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import grpc
import pytest

from test_clusters import cid, code_of


def eventually(what, condition, timeout=20.0):
    """Polls `condition` until it holds (generous timeout for a loaded 2-core machine)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.005)


@pytest.fixture
def replicas(start_server, postgres_database, cl):  # noqa: F811
    """Three servers on one fresh PostgreSQL database, each as stubs (clusters, pools)."""
    servers = [start_server("--database", postgres_database, "--default-organization", "acme",
                            "--default-identity", "py-tester", "--heartbeat-timeout", "5", test_service=False)
               for _ in range(3)]
    channels = [grpc.insecure_channel(srv.target) for srv in servers]
    try:
        for ch in channels:
            grpc.channel_ready_future(ch).result(timeout=10)
        yield [SimpleNamespace(clusters=cl.grpc.ClusterServiceStub(ch), pools=cl.pool_grpc.ClusterPoolServiceStub(ch))
               for ch in channels]
    finally:
        for ch in channels:
            ch.close()


def pool_message(cl, name):  # noqa: F811
    c = cl.common
    return cl.pool.ClusterPool(
        id=c.ClusterPoolIdentifier(name=name),
        config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri=f"s3://{name}-bucket"),
                                   secret_store=c.SecretStore(type=1)))


def get_pool(replica, cl, name):  # noqa: F811
    """The pool read through `replica`, None when it answers NOT_FOUND (one call: a second one could
    see a deletion the first did not, the replica following the change log in between)."""
    try:
        return replica.pools.Get(cl.pool.GetRequest(id=cl.common.ClusterPoolIdentifier(name=name)), timeout=10).cluster_pool
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.NOT_FOUND:
            raise
        return None


def members(replica, cl, name):  # noqa: F811
    pool = get_pool(replica, cl, name)
    return None if pool is None else [m.name for m in pool.member_clusters]


def test_a_write_through_a_is_read_through_b(replicas, cl):  # noqa: F811
    a, b, c = replicas
    a.pools.Create(cl.pool.CreateRequest(cluster_pool=pool_message(cl, "prod")), timeout=10)
    eventually("B and C see the pool", lambda: get_pool(b, cl, "prod") is not None and get_pool(c, cl, "prod") is not None)
    assert get_pool(b, cl, "prod") == get_pool(a, cl, "prod")
    b.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                             timeout=10)
    eventually("A and C see B's member", lambda: members(a, cl, "prod") == ["c1"] and members(c, cl, "prod") == ["c1"])


def test_concurrent_creates_of_one_name_over_three_replicas_admit_one(replicas, cl):  # noqa: F811
    request = cl.pool.CreateRequest(cluster_pool=pool_message(cl, "contested"))
    with ThreadPoolExecutor(max_workers=32) as workers:
        codes = list(workers.map(lambda i: code_of(lambda: replicas[i % 3].pools.Create(request, timeout=30))[0],
                                 range(200)))
    assert codes.count(grpc.StatusCode.OK) == 1, codes
    assert codes.count(grpc.StatusCode.ALREADY_EXISTS) == 199, codes
    for replica in replicas:
        eventually("every replica has the pool", lambda: get_pool(replica, cl, "contested") is not None)


def test_seed_move_sequence_each_step_on_another_replica(replicas, cl):  # noqa: F811
    step = iter(range(1000))
    on = lambda: replicas[next(step) % 3]  # noqa: E731  the next step's replica
    on().pools.Create(cl.pool.CreateRequest(cluster_pool=pool_message(cl, "prod")), timeout=10)
    on().pools.Create(cl.pool.CreateRequest(cluster_pool=pool_message(cl, "staging")), timeout=10)
    on().clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                                timeout=10)
    drained = on().clusters.UpdateClusterState(cl.cluster.UpdateClusterStateRequest(
        cluster_id=cid(cl, "c1"), state=cl.cluster.CLUSTER_STATE_DRAINING, expected_generation=1), timeout=10).cluster
    assert drained.drain_status.overall_state == cl.cluster.CLUSTER_STATE_DRAINED  # never reported: at once
    stale = lambda: on().clusters.DeleteCluster(  # noqa: E731
        cl.cluster.DeleteRequest(cluster_id=cid(cl, "c1"), expected_generation=1), timeout=10)
    assert code_of(stale)[0] == grpc.StatusCode.ABORTED
    deleted = on().clusters.DeleteCluster(cl.cluster.DeleteRequest(
        cluster_id=cid(cl, "c1"), expected_generation=drained.drain_status.generation), timeout=10).cluster
    assert deleted.drain_status.overall_state == cl.cluster.CLUSTER_STATE_DELETED
    on().clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="staging"),
                                timeout=10)
    for replica in replicas:
        eventually("every replica sees c1 moved", lambda: members(replica, cl, "prod") == []
                   and members(replica, cl, "staging") == ["c1"])
    on().pools.Delete(cl.pool.DeleteRequest(id=cl.common.ClusterPoolIdentifier(name="prod")), timeout=10)
    for replica in replicas:
        eventually("every replica sees prod deleted", lambda: get_pool(replica, cl, "prod") is None)


def test_a_watcher_on_b_sees_changes_made_through_a(replicas, cl):  # noqa: F811
    a, b, _ = replicas
    a.pools.Create(cl.pool.CreateRequest(cluster_pool=pool_message(cl, "prod")), timeout=10)
    eventually("B sees the pool", lambda: get_pool(b, cl, "prod") is not None)
    stream = b.clusters.WatchClusters(cl.cluster.WatchClustersRequest(), timeout=30)
    assert list(next(stream).clusters) == []
    a.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                             timeout=10)
    created = next(stream)
    assert [c.id.name for c in created.clusters] == ["c1"]
    assert created.clusters[0].drain_status.overall_state == cl.cluster.CLUSTER_STATE_ACTIVE
    a.clusters.UpdateClusterState(cl.cluster.UpdateClusterStateRequest(
        cluster_id=cid(cl, "c1"), state=cl.cluster.CLUSTER_STATE_DRAINING), timeout=10)
    assert next(stream).clusters[0].drain_status.overall_state == cl.cluster.CLUSTER_STATE_DRAINED
    stream.cancel()


def test_heartbeats_to_a_keep_the_cluster_healthy_on_b_and_silence_makes_it_unhealthy(replicas, cl):  # noqa: F811
    a, b, c = replicas
    a.pools.Create(cl.pool.CreateRequest(cluster_pool=pool_message(cl, "prod")), timeout=10)
    a.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                             timeout=10)
    health = lambda replica: replica.clusters.GetCluster(  # noqa: E731
        cl.cluster.GetRequest(cluster_id=cid(cl, "c1")), timeout=10).cluster.status.health
    eventually("every replica has c1", lambda: all(code_of(lambda: health(r))[0] == grpc.StatusCode.OK
                                                   for r in replicas))
    beat = lambda replica: replica.clusters.Heartbeat(  # noqa: E731
        cl.cluster.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
    # heartbeats to A only, for longer than the 5 s timeout: B and C (never heard from the
    # cluster) read it healthy from A's times, shared through the database
    started = time.monotonic()
    while time.monotonic() - started < 6.5:
        beat(a)
        time.sleep(0.25)
    eventually("B and C read c1 healthy", lambda: health(b) == cl.cluster.Status.HEALTHY
               and health(c) == cl.cluster.Status.HEALTHY)
    # then to B only: A keeps reading it healthy past the timeout of its own last heartbeat
    started = time.monotonic()
    while time.monotonic() - started < 6.5:
        beat(b)
        time.sleep(0.25)
    eventually("A reads c1 healthy from B's heartbeats", lambda: health(a) == cl.cluster.Status.HEALTHY)
    # silence on every replica: unhealthy everywhere
    eventually("c1 unhealthy on every replica",
               lambda: all(health(r) == cl.cluster.Status.UNHEALTHY for r in replicas), timeout=30)
