"""cloudidl.queue.QueueService through grpcio, with requests encoded by Python protobuf from our
proto/: the default queue, create/update/state/delete/undelete rules with their status codes,
implicit queues, paging and filters, and available_clusters following cluster drains,
activations and data-plane drift."""
from types import SimpleNamespace

import grpc
import pytest

import protogen
from test_clusters import cid, code_of, create_pool


@pytest.fixture(scope="session")
def ql(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        queue=protogen.module("cloudidl/queue/queue.proto"),
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        list=protogen.module("cloudidl/common/list.proto"),
        grpc=protogen.module("cloudidl/queue/queue.proto", grpc=True),
        cluster_grpc=protogen.module("cloudidl/cluster/cluster.proto", grpc=True),
        pool_grpc=protogen.module("cloudidl/clusterpool/clusterpool.proto", grpc=True))


@pytest.fixture
def stubs(start_server, database, ql):
    srv = start_server("--database", database("queues.db"), "--default-organization", "acme",
                       "--default-identity", "py-tester", test_service=False)
    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield SimpleNamespace(queues=ql.grpc.QueueServiceStub(ch), clusters=ql.cluster_grpc.ClusterServiceStub(ch),
                              pools=ql.pool_grpc.ClusterPoolServiceStub(ch))


def qid(ql, name, **kw):
    return ql.common.QueueIdentifier(name=name, **kw)


def spec(ql, pool="", pins=(), run=10, actions=100, **kw):
    return ql.queue.QueueSpec(run_concurrency=run, action_concurrency=actions, cluster_pool_name=pool,
                              clusters=list(pins), **kw)


def create(stubs, ql, name, pool="", pins=(), **kw):
    return stubs.queues.CreateQueue(ql.queue.CreateQueueRequest(id=qid(ql, name), spec=spec(ql, pool, pins, **kw),
                                                                state=ql.queue.QUEUE_STATE_ACTIVE), timeout=10).queue


def get(stubs, ql, name):
    return stubs.queues.GetQueue(ql.queue.GetQueueRequest(id=qid(ql, name)), timeout=10).queue


def set_state(stubs, ql, name, state, expected=0):
    return stubs.queues.UpdateQueueState(ql.queue.UpdateQueueStateRequest(
        id=qid(ql, name), state=state, expected_state_generation=expected), timeout=10).queue


def delete(stubs, ql, name, expected=0):
    return stubs.queues.DeleteQueue(ql.queue.DeleteQueueRequest(id=qid(ql, name), expected_state_generation=expected),
                                    timeout=10).queue


def register(stubs, ql, name, pool):
    stubs.clusters.CreateCluster(ql.cluster.CreateClusterRequest(cluster_id=cid(ql, name), cluster_pool_name=pool),
                                 timeout=10)


def available(queue):
    return [c.name for c in queue.status.available_clusters]


def listed(stubs, ql, org="", limit=0, token="", filters=()):
    return stubs.queues.ListQueues(ql.queue.ListQueuesRequest(
        organization=org, request=ql.list.ListRequest(limit=limit, token=token, filters=list(filters))), timeout=10)


def test_default_queue_and_create_rules(stubs, ql):
    q = ql.queue
    default = get(stubs, ql, "default")
    assert default.id.organization == "acme" and default.spec.cluster_pool_name == "default"
    assert default.status.state == q.QUEUE_STATE_ACTIVE and default.status.state_generation == 1
    assert not default.status.cluster_managed

    create_pool(stubs, ql, "prod")
    create_pool(stubs, ql, "staging")
    register(stubs, ql, "c1", "prod")
    register(stubs, ql, "s1", "staging")
    gpu = create(stubs, ql, "gpu", "prod", ["c1"], depth=10, priority=q.PRIORITY_MAX,
                 fairness=q.FAIRNESS_ALGORITHM_ROUND_ROBIN, scheduling=q.SCHEDULING_ALGORITHM_GREEDY_CAPACITY)
    assert (gpu.spec.run_concurrency, gpu.spec.action_concurrency, gpu.spec.depth) == (10, 100, 10)
    assert gpu.spec.priority == q.PRIORITY_MAX and gpu.spec.scheduling == q.SCHEDULING_ALGORITHM_GREEDY_CAPACITY
    assert available(gpu) == ["c1"] and gpu.authorship.created_by.user.id.subject == "py-tester"
    # the official client's wildcard routes to every member
    assert list(create(stubs, ql, "wild", "prod", ["*"]).spec.clusters) == []

    S = grpc.StatusCode
    attempt = lambda name, pool="prod", pins=(), **kw: code_of(  # noqa: E731
        lambda: create(stubs, ql, name, pool, pins, **kw))[0]
    assert attempt("default", "default") == S.ALREADY_EXISTS
    assert attempt("gpu") == S.ALREADY_EXISTS
    assert attempt("c1") == S.ALREADY_EXISTS
    assert attempt("q", "missing") == S.NOT_FOUND
    assert attempt("q", "prod", ["s1"]) == S.FAILED_PRECONDITION
    assert attempt("q", "prod", ["c1", "c1"]) == S.INVALID_ARGUMENT
    assert attempt("q", "prod", ["*", "c1"]) == S.INVALID_ARGUMENT
    assert attempt("Bad_Name") == S.INVALID_ARGUMENT
    assert attempt("q", priority=7) == S.INVALID_ARGUMENT
    assert attempt("q", scheduling=5) == S.INVALID_ARGUMENT
    scoped = code_of(lambda: stubs.queues.CreateQueue(q.CreateQueueRequest(
        id=qid(ql, "q", project="p"), spec=spec(ql)), timeout=10))
    assert scoped[0] == S.INVALID_ARGUMENT
    assert code_of(lambda: get(stubs, ql, "nope"))[0] == S.NOT_FOUND


def test_lifecycle_pool_change_and_implicit_queues(stubs, ql):
    q, S = ql.queue, grpc.StatusCode
    create_pool(stubs, ql, "prod")
    create_pool(stubs, ql, "staging")
    register(stubs, ql, "c1", "prod")
    create(stubs, ql, "q", "prod")
    code, details = code_of(lambda: delete(stubs, ql, "q"))
    assert code == S.FAILED_PRECONDITION and "drain" in details
    update = lambda pool: stubs.queues.UpdateQueue(  # noqa: E731
        q.UpdateQueueRequest(id=qid(ql, "q"), spec=spec(ql, pool)), timeout=10).queue
    assert code_of(lambda: update("staging"))[0] == S.FAILED_PRECONDITION
    assert code_of(lambda: update(""))[0] == S.INVALID_ARGUMENT
    drained = set_state(stubs, ql, "q", q.QUEUE_STATE_DRAINING, expected=1)
    assert drained.status.state == q.QUEUE_STATE_DRAINED and drained.status.state_generation == 2
    assert code_of(lambda: set_state(stubs, ql, "q", q.QUEUE_STATE_ACTIVE, expected=1))[0] == S.ABORTED
    assert update("staging").spec.cluster_pool_name == "staging"
    deleted = delete(stubs, ql, "q", expected=2)
    assert deleted.status.state == q.QUEUE_STATE_DELETED and deleted.HasField("deleted_at")
    assert code_of(lambda: set_state(stubs, ql, "q", q.QUEUE_STATE_DRAINING))[0] == S.NOT_FOUND
    restored = stubs.queues.UndeleteQueue(q.UndeleteQueueRequest(id=qid(ql, "q")), timeout=10).queue
    assert restored.status.state == q.QUEUE_STATE_DRAINED and not restored.HasField("deleted_at")

    implicit = get(stubs, ql, "c1")
    assert implicit.status.cluster_managed and implicit.spec.cluster_pool_name == "prod"
    assert list(implicit.spec.clusters) == ["c1"] and available(implicit) == ["c1"]
    assert code_of(lambda: set_state(stubs, ql, "c1", q.QUEUE_STATE_DRAINING))[0] == S.FAILED_PRECONDITION
    assert code_of(lambda: delete(stubs, ql, "c1"))[0] == S.FAILED_PRECONDITION


def test_list_paging_and_filters(stubs, ql):
    create_pool(stubs, ql, "prod")
    names = [f"q{i:02d}" for i in range(15)]
    for i, name in enumerate(names):
        create(stubs, ql, name, "prod" if i % 2 else "")
    seen, token = [], ""
    while True:
        page = listed(stubs, ql, limit=4, token=token)
        seen += [x.id.name for x in page.queues]
        token = page.token
        if not token:
            break
    assert seen == ["default"] + names
    F = ql.list.Filter
    in_prod = listed(stubs, ql, filters=[F(function=F.EQUAL, field="pool", values=["prod"])])
    assert [x.id.name for x in in_prod.queues] == names[1::2]
    set_state(stubs, ql, "q03", ql.queue.QUEUE_STATE_DRAINING)
    drained = listed(stubs, ql, filters=[F(function=F.EQUAL, field="state", values=["QUEUE_STATE_DRAINED"])])
    assert [x.id.name for x in drained.queues] == ["q03"]
    delete(stubs, ql, "q03")
    gone = listed(stubs, ql, filters=[F(function=F.EXISTS, field="deleted_at")])
    assert [x.id.name for x in gone.queues] == ["q03"]
    assert [x.id.name for x in listed(stubs, ql, org="other").queues] == ["default"]
    bad = code_of(lambda: listed(stubs, ql, filters=[F(function=F.EQUAL, field="color", values=["x"])]))
    assert bad[0] == grpc.StatusCode.INVALID_ARGUMENT


def test_available_clusters_follow_cluster_drain_activate_and_drift(stubs, ql):
    create_pool(stubs, ql, "prod")  # s3://prod-bucket, AWS secrets manager
    register(stubs, ql, "c1", "prod")
    register(stubs, ql, "c2", "prod")
    create(stubs, ql, "all", "prod")
    create(stubs, ql, "pinned", "prod", ["c2"])
    assert available(get(stubs, ql, "all")) == ["c1", "c2"]
    C = ql.cluster
    drain = lambda name, state: stubs.clusters.UpdateClusterState(  # noqa: E731
        C.UpdateClusterStateRequest(cluster_id=cid(ql, name), state=state), timeout=10)
    drain("c1", C.CLUSTER_STATE_DRAINING)
    assert available(get(stubs, ql, "all")) == ["c2"]
    assert get(stubs, ql, "c1").status.state == ql.queue.QUEUE_STATE_DRAINED
    drain("c1", C.CLUSTER_STATE_ACTIVE)
    assert available(get(stubs, ql, "all")) == ["c1", "c2"]

    def report(uri):
        data = C.OperatorClusterData(metadata_object_store_ref=ql.common.ObjectStoreRef(uri=uri),
                                     secret_store=ql.common.SecretStore(type=1))
        stubs.clusters.UpdateStatus(C.UpdateStatusRequest(cluster_id=cid(ql, "c2"),
                                                          status=C.Status(operator_cluster_data=data)), timeout=10)
    report("s3://elsewhere")
    assert available(get(stubs, ql, "all")) == ["c1"] and available(get(stubs, ql, "pinned")) == []
    report("s3://prod-bucket")
    assert available(get(stubs, ql, "pinned")) == ["c2"]


def test_move_sequence_leaves_no_queue_routing_nowhere(stubs, ql):
    create_pool(stubs, ql, "prod")
    create_pool(stubs, ql, "staging")
    register(stubs, ql, "prod-us-east-1", "prod")
    C = ql.cluster
    stubs.clusters.UpdateClusterState(C.UpdateClusterStateRequest(
        cluster_id=cid(ql, "prod-us-east-1"), state=C.CLUSTER_STATE_DRAINING), timeout=10)
    stubs.clusters.DeleteCluster(C.DeleteRequest(cluster_id=cid(ql, "prod-us-east-1")), timeout=10)
    assert get(stubs, ql, "prod-us-east-1").status.state == ql.queue.QUEUE_STATE_DELETED
    register(stubs, ql, "prod-us-east-1", "staging")
    moved = get(stubs, ql, "prod-us-east-1")
    assert moved.spec.cluster_pool_name == "staging" and available(moved) == ["prod-us-east-1"]
    for queue in listed(stubs, ql).queues:
        pool = stubs.pools.Get(ql.pool.GetRequest(id=ql.common.ClusterPoolIdentifier(
            name=queue.spec.cluster_pool_name)), timeout=10).cluster_pool
        members = {m.name for m in pool.member_clusters}
        assert set(available(queue)) <= members and set(queue.spec.clusters) <= members
        if queue.id.name != "default":
            assert available(queue), queue.id.name
    # the old pool has nothing left referencing it: it can be deleted
    stubs.pools.Delete(ql.pool.DeleteRequest(id=ql.common.ClusterPoolIdentifier(name="prod")), timeout=10)


def test_default_queue_is_never_deleted_nor_moved(stubs, ql):
    """Issue 9.9: the default queue drains, activates and takes spec changes, but a delete or a
    move out of the default pool is FAILED_PRECONDITION, whatever its state."""
    q, S = ql.queue, grpc.StatusCode
    create_pool(stubs, ql, "prod")
    update = lambda pool: stubs.queues.UpdateQueue(  # noqa: E731
        q.UpdateQueueRequest(id=qid(ql, "default"), spec=spec(ql, pool, run=3, actions=4)), timeout=10).queue
    code, details = code_of(lambda: update("prod"))
    assert code == S.FAILED_PRECONDITION and 'stays in cluster pool "default"' in details
    drained = set_state(stubs, ql, "default", q.QUEUE_STATE_DRAINING)
    assert drained.status.state == q.QUEUE_STATE_DRAINED  # the drain still works
    code, details = code_of(lambda: delete(stubs, ql, "default"))
    assert code == S.FAILED_PRECONDITION and 'queue "default" cannot be deleted' in details
    code, _ = code_of(lambda: delete(stubs, ql, "default", expected=drained.status.state_generation))
    assert code == S.FAILED_PRECONDITION
    code, details = code_of(lambda: update("prod"))
    assert code == S.FAILED_PRECONDITION and 'stays in cluster pool "default"' in details
    kept = get(stubs, ql, "default")
    assert kept.status.state == q.QUEUE_STATE_DRAINED and kept.spec.cluster_pool_name == "default"
    assert kept.status.state_generation == drained.status.state_generation
    assert update("default").spec.run_concurrency == 3  # its spec still changes
    active = set_state(stubs, ql, "default", q.QUEUE_STATE_ACTIVE)
    assert active.status.state == q.QUEUE_STATE_ACTIVE
    assert code_of(lambda: stubs.queues.UndeleteQueue(q.UndeleteQueueRequest(id=qid(ql, "default")), timeout=10))[0] \
        == S.NOT_FOUND
