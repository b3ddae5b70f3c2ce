"""cloudidl.cluster.ClusterService through grpcio, with requests encoded by Python protobuf from
our proto/: registration, membership, lifecycle, the seed's move sequence, listing, and the
status code of each rule."""
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import grpc
import pytest

import protogen


@pytest.fixture
def stubs(start_server, database, cl):
    srv = start_server("--database", database("clusters.db"), "--default-organization", "acme",
                       "--default-identity", "py-tester", test_service=False)
    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield SimpleNamespace(clusters=cl.grpc.ClusterServiceStub(ch), pools=cl.pool_grpc.ClusterPoolServiceStub(ch))


def create_pool(stubs, cl, name):
    c = cl.common
    pool = cl.pool.ClusterPool(
        id=c.ClusterPoolIdentifier(name=name),
        config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri=f"s3://{name}-bucket"),
                                   secret_store=c.SecretStore(type=1)))
    stubs.pools.Create(cl.pool.CreateRequest(cluster_pool=pool), timeout=10)


def cid(cl, name):
    return cl.common.ClusterIdentifier(name=name)


def code_of(fn):
    try:
        fn()
    except grpc.RpcError as e:
        return e.code(), e.details()
    return grpc.StatusCode.OK, ""


def members(stubs, cl, pool):
    got = stubs.pools.Get(cl.pool.GetRequest(id=cl.common.ClusterPoolIdentifier(name=pool)), timeout=10)
    return [m.name for m in got.cluster_pool.member_clusters]


def test_register_get_and_membership(stubs, cl):
    create_pool(stubs, cl, "prod")
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "prod-us-east-1"),
                                                                 cluster_pool_name="prod"), timeout=10)
    got = stubs.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, "prod-us-east-1")), timeout=10).cluster
    assert got.spec.id.organization == "acme" and got.pool.name == "prod"
    assert got.drain_status.overall_state == cl.cluster.CLUSTER_STATE_ACTIVE
    assert got.drain_status.generation == 1
    assert [q.name for q in got.queues] == ["prod-us-east-1"]
    assert got.authorship.created_by.user.id.subject == "py-tester"
    assert members(stubs, cl, "prod") == ["prod-us-east-1"]


def test_rules_and_status_codes(stubs, cl):
    create_pool(stubs, cl, "prod")
    create_pool(stubs, cl, "staging")
    create = lambda name, pool: stubs.clusters.CreateCluster(  # noqa: E731
        cl.cluster.CreateClusterRequest(cluster_id=cid(cl, name), cluster_pool_name=pool), timeout=10)
    create("c1", "prod")
    assert code_of(lambda: create("c1", "prod"))[0] == grpc.StatusCode.ALREADY_EXISTS
    code, details = code_of(lambda: create("c1", "staging"))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "drain" in details and "delete" in details
    code, _ = code_of(lambda: stubs.clusters.UpdateCluster(
        cl.cluster.UpdateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="staging"), timeout=10))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    # Into its own pool: ALREADY_EXISTS, as registering it there again (rules.md).
    code, details = code_of(lambda: stubs.clusters.UpdateCluster(
        cl.cluster.UpdateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"), timeout=10))
    assert code == grpc.StatusCode.ALREADY_EXISTS and '"prod"' in details
    assert code_of(lambda: create("default", "prod"))[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert code_of(lambda: create("Bad", "prod"))[0] == grpc.StatusCode.INVALID_ARGUMENT
    assert code_of(lambda: create("c2", "missing"))[0] == grpc.StatusCode.NOT_FOUND
    code, details = code_of(lambda: stubs.pools.Delete(
        cl.pool.DeleteRequest(id=cl.common.ClusterPoolIdentifier(name="prod")), timeout=10))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "c1" in details


def test_move_sequence_and_generation_guards(stubs, cl):
    create_pool(stubs, cl, "prod")
    create_pool(stubs, cl, "staging")
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                                 timeout=10)
    state = lambda s, gen: stubs.clusters.UpdateClusterState(  # noqa: E731
        cl.cluster.UpdateClusterStateRequest(cluster_id=cid(cl, "c1"), state=s, expected_generation=gen), timeout=10)
    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(lambda _: code_of(lambda: state(cl.cluster.CLUSTER_STATE_DRAINING, 1))[0], range(20)))
    assert codes.count(grpc.StatusCode.OK) == 1 and codes.count(grpc.StatusCode.ABORTED) == 19
    got = stubs.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, "c1")), timeout=10).cluster
    assert got.drain_status.overall_state == cl.cluster.CLUSTER_STATE_DRAINED  # never reported: at once
    delete = lambda gen: stubs.clusters.DeleteCluster(  # noqa: E731
        cl.cluster.DeleteRequest(cluster_id=cid(cl, "c1"), expected_generation=gen), timeout=10)
    assert code_of(lambda: delete(1))[0] == grpc.StatusCode.ABORTED
    deleted = delete(got.drain_status.generation).cluster
    assert deleted.drain_status.overall_state == cl.cluster.CLUSTER_STATE_DELETED and deleted.HasField("deleted_at")
    assert members(stubs, cl, "prod") == []
    code, _ = code_of(lambda: stubs.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, "c1")), timeout=10))
    assert code == grpc.StatusCode.NOT_FOUND
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="staging"),
                                 timeout=10)
    assert members(stubs, cl, "staging") == ["c1"]
    stubs.pools.Delete(cl.pool.DeleteRequest(id=cl.common.ClusterPoolIdentifier(name="prod")), timeout=10)


def test_list_and_count(stubs, cl):
    create_pool(stubs, cl, "prod")
    for name in ["a", "b", "c"]:
        stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, name), cluster_pool_name="prod"),
                                     timeout=10)
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "d")), timeout=10)
    page = stubs.clusters.ListClusters(cl.cluster.ListRequest(request=cl.list.ListRequest(limit=2)), timeout=10)
    assert [c.spec.id.name for c in page.clusters] == ["a", "b"] and page.token
    rest = stubs.clusters.ListClusters(cl.cluster.ListRequest(request=cl.list.ListRequest(limit=2, token=page.token)),
                                       timeout=10)
    assert [c.spec.id.name for c in rest.clusters] == ["c", "d"] and rest.token == ""
    by_pool = [cl.list.Filter(function=cl.list.Filter.EQUAL, field="pool", values=["default"])]
    assert stubs.clusters.Count(cl.cluster.CountRequest(filters=by_pool), timeout=10).count == 1
    assert stubs.clusters.Count(cl.cluster.CountRequest(), timeout=10).count == 4


def test_heartbeat_timeout_flag_and_drift(start_server, database, cl):
    srv = start_server("--database", database("hb.db"), "--default-organization", "acme",
                       "--heartbeat-timeout", "1", test_service=False)
    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        stubs = SimpleNamespace(clusters=cl.grpc.ClusterServiceStub(ch), pools=cl.pool_grpc.ClusterPoolServiceStub(ch))
        create_pool(stubs, cl, "prod")  # s3://prod-bucket, AWS secrets manager
        stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                                     timeout=10)
        get = lambda: stubs.clusters.GetCluster(  # noqa: E731
            cl.cluster.GetRequest(cluster_id=cid(cl, "c1")), timeout=10).cluster.status
        stream = stubs.clusters.WatchClusters(cl.cluster.WatchClustersRequest(), timeout=20)
        assert [c.id.name for c in next(stream).clusters] == ["c1"]
        stubs.clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
        assert next(stream).clusters[0].health.status == cl.cluster.HEALTH_STATUS_HEALTHY
        # no heartbeat for the 1 s timeout: the server announces it to watchers
        timed_out = next(stream).clusters[0]
        assert timed_out.health.status == cl.cluster.HEALTH_STATUS_UNHEALTHY
        reason = timed_out.health.unhealthy_reasons[0]
        assert reason.startswith("no heartbeat for ") and reason.endswith("(timeout 1s)")
        stream.cancel()
        silent = get()
        assert silent.health == cl.cluster.Status.UNHEALTHY and silent.unhealthy_reasons[0].startswith("no heartbeat")
        data = cl.cluster.OperatorClusterData(metadata_object_store_ref=cl.common.ObjectStoreRef(uri="s3://a"),
                                              secret_store=cl.common.SecretStore(type=1))
        stubs.clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(
            cluster_id=cid(cl, "c1"), status=cl.cluster.Status(operator_cluster_data=data)), timeout=10)
        drifted = get()
        assert drifted.health == cl.cluster.Status.UNHEALTHY
        assert list(drifted.unhealthy_reasons) == ["object store s3://a differs from pool prod's s3://prod-bucket"]
        code, _ = code_of(lambda: stubs.clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=cid(cl, "nope")),
                                                           timeout=10))
        assert code == grpc.StatusCode.NOT_FOUND


def test_watch_clusters(stubs, cl):
    create_pool(stubs, cl, "prod")
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c0"), cluster_pool_name="prod"),
                                 timeout=10)
    stream = stubs.clusters.WatchClusters(cl.cluster.WatchClustersRequest(), timeout=20)
    first = next(stream)
    assert [c.id.name for c in first.clusters] == ["c0"]
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                                 timeout=10)
    created = next(stream)
    assert [c.id.name for c in created.clusters] == ["c1"]
    assert created.clusters[0].drain_status.overall_state == cl.cluster.CLUSTER_STATE_ACTIVE
    stubs.clusters.UpdateClusterState(cl.cluster.UpdateClusterStateRequest(
        cluster_id=cid(cl, "c1"), state=cl.cluster.CLUSTER_STATE_DRAINING), timeout=10)
    assert next(stream).clusters[0].drain_status.overall_state == cl.cluster.CLUSTER_STATE_DRAINED
    stream.cancel()


def test_open_watch_ends_at_graceful_shutdown(start_server, database, cl):
    srv = start_server("--database", database("watch.db"), test_service=False)
    import time
    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        stream = cl.grpc.ClusterServiceStub(ch).WatchClusters(cl.cluster.WatchClustersRequest(), timeout=30)
        assert list(next(stream).clusters) == []
        started = time.monotonic()
        assert srv.stop() == 0
        # the watch ended with the shutdown, well before the 10 s grace period forces it
        assert time.monotonic() - started < 5
        with pytest.raises((StopIteration, grpc.RpcError)):
            next(stream)


def test_health_is_saved_at_shutdown_and_loaded_at_start(start_server, database, cl):
    db = database("health.db")
    flags = ("--database", db, "--default-organization", "acme", "--health-save-interval", "3600")
    data = cl.cluster.OperatorClusterData(metadata_object_store_ref=cl.common.ObjectStoreRef(uri="s3://a"),
                                          secret_store=cl.common.SecretStore(type=1))

    def connect(srv):
        ch = grpc.insecure_channel(srv.target)
        grpc.channel_ready_future(ch).result(timeout=10)
        return ch, SimpleNamespace(clusters=cl.grpc.ClusterServiceStub(ch), pools=cl.pool_grpc.ClusterPoolServiceStub(ch))

    srv = start_server(*flags, test_service=False)
    ch, stubs = connect(srv)
    create_pool(stubs, cl, "prod")
    for name in ["beating", "drifting"]:
        stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, name), cluster_pool_name="prod"),
                                     timeout=10)
    stubs.clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=cid(cl, "beating")), timeout=10)
    stubs.clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(
        cluster_id=cid(cl, "drifting"), status=cl.cluster.Status(operator_cluster_data=data)), timeout=10)
    ch.close()
    assert srv.stop() == 0  # SIGTERM: the health is saved once more (the interval is an hour)

    srv = start_server(*flags, test_service=False)
    ch, stubs = connect(srv)
    get = lambda name: stubs.clusters.GetCluster(  # noqa: E731
        cl.cluster.GetRequest(cluster_id=cid(cl, name)), timeout=10).cluster.status
    assert get("beating").health == cl.cluster.Status.HEALTHY
    drifting = get("drifting")
    assert drifting.health == cl.cluster.Status.UNHEALTHY
    assert list(drifting.unhealthy_reasons) == ["object store s3://a differs from pool prod's s3://prod-bucket"]
    assert drifting.operator_cluster_data.metadata_object_store_ref.uri == "s3://a"
    # the pool changes to what the cluster reported: drift is re-checked, and watchers told
    stream = stubs.clusters.WatchClusters(cl.cluster.WatchClustersRequest(), timeout=20)
    next(stream)
    pool = stubs.pools.Get(cl.pool.GetRequest(id=cl.common.ClusterPoolIdentifier(name="prod")), timeout=10).cluster_pool
    pool.config.object_store_ref.uri = "s3://a"
    stubs.pools.Update(cl.pool.UpdateRequest(cluster_pool=pool), timeout=10)
    healed = next(stream).clusters[0]
    assert healed.id.name == "drifting" and healed.health.status == cl.cluster.HEALTH_STATUS_HEALTHY
    stream.cancel()
    assert get("drifting").health == cl.cluster.Status.HEALTHY
    ch.close()


def test_registering_a_deleted_name_replaces_it(stubs, cl):
    create_pool(stubs, cl, "prod")
    create_pool(stubs, cl, "staging")
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                                 timeout=10)
    deleted = stubs.clusters.DeleteCluster(cl.cluster.DeleteRequest(cluster_id=cid(cl, "c1")), timeout=10).cluster
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="staging"),
                                 timeout=10)
    got = stubs.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, "c1"), include_deleted=True),
                                    timeout=10).cluster
    assert got.pool.name == "staging" and not got.HasField("deleted_at")
    assert got.drain_status.overall_state == cl.cluster.CLUSTER_STATE_ACTIVE
    assert got.drain_status.generation == deleted.drain_status.generation + 1
    code, details = code_of(lambda: stubs.clusters.UndeleteCluster(
        cl.cluster.UndeleteRequest(cluster_id=cid(cl, "c1")), timeout=10))
    assert code == grpc.StatusCode.NOT_FOUND and "no deleted cluster" in details
    deleted_filter = [cl.list.Filter(function=cl.list.Filter.EXISTS, field="deleted_at")]
    assert stubs.clusters.Count(cl.cluster.CountRequest(filters=deleted_filter), timeout=10).count == 0


def test_list_errors_name_clusters(stubs, cl):
    bad = [cl.list.Filter(function=cl.list.Filter.EQUAL, field="region", values=["x"])]
    code, details = code_of(lambda: stubs.clusters.ListClusters(
        cl.cluster.ListRequest(request=cl.list.ListRequest(filters=bad)), timeout=10))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert details.startswith('cannot filter clusters on field "region"') and "cluster pools" not in details


def test_drift_is_one_reason_per_data_plane_item(stubs, cl):
    """Issue 9.5: another object store, secret store (type and locator) and registry are exactly
    three reasons, one per item of the data-plane contract, each naming both sides."""
    c = cl.common
    pool = cl.pool.ClusterPool(
        id=c.ClusterPoolIdentifier(name="prod"),
        config=c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri="s3://prod-bucket"),
                                   secret_store=c.SecretStore(type=1, locator="us-east-1"),
                                   image_registry=c.ImageRegistry(locator="ghcr.io/acme")))
    stubs.pools.Create(cl.pool.CreateRequest(cluster_pool=pool), timeout=10)
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                                 timeout=10)

    def report(uri, endpoint="", type=1, locator="us-east-1", registry="ghcr.io/acme"):
        data = cl.cluster.OperatorClusterData(
            metadata_object_store_ref=c.ObjectStoreRef(uri=uri, endpoint=endpoint),
            secret_store=c.SecretStore(type=type, locator=locator), image_registry=c.ImageRegistry(locator=registry))
        stubs.clusters.UpdateStatus(cl.cluster.UpdateStatusRequest(
            cluster_id=cid(cl, "c1"), status=cl.cluster.Status(operator_cluster_data=data)), timeout=10)
        return stubs.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, "c1")), timeout=10).cluster.status

    drifted = report("s3://other", type=3, locator="vault-x", registry="quay.io/acme")  # 3: AZURE_KEY_VAULT
    assert drifted.health == cl.cluster.Status.UNHEALTHY and drifted.state == cl.cluster.STATE_DISABLED
    assert list(drifted.unhealthy_reasons) == [
        "object store s3://other differs from pool prod's s3://prod-bucket",
        "secret store AZURE_KEY_VAULT vault-x differs from pool prod's AWS_SECRETS_MANAGER us-east-1",
        "image registry quay.io/acme differs from pool prod's ghcr.io/acme",
    ]
    endpoint = report("s3://prod-bucket", endpoint="https://minio.local:9000")
    assert list(endpoint.unhealthy_reasons) == [
        "object store s3://prod-bucket endpoint https://minio.local:9000 differs from pool prod's s3://prod-bucket"]
    healed = report("s3://prod-bucket")
    assert healed.health == cl.cluster.Status.HEALTHY and list(healed.unhealthy_reasons) == []


def test_silent_deleting_cluster_is_deleted_by_the_timeout_and_stays_deleted(start_server, database, cl):
    """Issue 9.8: a cluster that reported and is then deleted is DELETING; silent for the
    heartbeat timeout (its data plane is gone) it becomes DELETED by itself, its implicit queue
    with it, watchers see it, and after a restart it is still DELETED with its name free."""
    ql = SimpleNamespace(queue=protogen.module("cloudidl/queue/queue.proto"),
                         grpc=protogen.module("cloudidl/queue/queue.proto", grpc=True))
    db = database("deleting.db")

    def connect(srv):
        ch = grpc.insecure_channel(srv.target)
        grpc.channel_ready_future(ch).result(timeout=10)
        return ch, SimpleNamespace(clusters=cl.grpc.ClusterServiceStub(ch), pools=cl.pool_grpc.ClusterPoolServiceStub(ch),
                                   queues=ql.grpc.QueueServiceStub(ch))

    srv = start_server("--database", db, "--default-organization", "acme", "--heartbeat-timeout", "2",
                       test_service=False)
    ch, stubs = connect(srv)
    create_pool(stubs, cl, "prod")
    create_pool(stubs, cl, "other")
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="prod"),
                                 timeout=10)
    stream = stubs.clusters.WatchClusters(cl.cluster.WatchClustersRequest(), timeout=30)
    assert [c.id.name for c in next(stream).clusters] == ["c1"]
    stubs.clusters.Heartbeat(cl.cluster.HeartbeatRequest(cluster_id=cid(cl, "c1")), timeout=10)
    deleting = stubs.clusters.DeleteCluster(cl.cluster.DeleteRequest(cluster_id=cid(cl, "c1")), timeout=10).cluster
    assert deleting.drain_status.overall_state == cl.cluster.CLUSTER_STATE_DELETING
    seen = []
    while not seen or seen[-1] != cl.cluster.CLUSTER_STATE_DELETED:  # no request causes the last one
        for summary in next(stream).clusters:
            if summary.id.name == "c1" and (not seen or seen[-1] != summary.drain_status.overall_state):
                seen.append(summary.drain_status.overall_state)
    assert set(seen) <= {cl.cluster.CLUSTER_STATE_ACTIVE, cl.cluster.CLUSTER_STATE_DELETING,
                         cl.cluster.CLUSTER_STATE_DELETED} and seen == sorted(seen)
    stream.cancel()
    queue = stubs.queues.GetQueue(ql.queue.GetQueueRequest(id=cl.common.QueueIdentifier(name="c1")), timeout=10).queue
    assert queue.status.state == ql.queue.QUEUE_STATE_DELETED
    assert members(stubs, cl, "prod") == []
    ch.close()
    assert srv.stop() == 0

    srv = start_server("--database", db, "--default-organization", "acme", test_service=False)
    ch, stubs = connect(srv)
    deleted = stubs.clusters.GetCluster(cl.cluster.GetRequest(cluster_id=cid(cl, "c1"), include_deleted=True),
                                        timeout=10).cluster
    assert deleted.drain_status.overall_state == cl.cluster.CLUSTER_STATE_DELETED
    assert deleted.drain_status.generation == deleting.drain_status.generation + 1
    stubs.clusters.CreateCluster(cl.cluster.CreateClusterRequest(cluster_id=cid(cl, "c1"), cluster_pool_name="other"),
                                 timeout=10)
    assert members(stubs, cl, "other") == ["c1"]
    queue = stubs.queues.GetQueue(ql.queue.GetQueueRequest(id=cl.common.QueueIdentifier(name="c1")), timeout=10).queue
    assert queue.status.state == ql.queue.QUEUE_STATE_ACTIVE and queue.spec.cluster_pool_name == "other"
    ch.close()
