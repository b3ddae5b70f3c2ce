"""How the server reads request messages, over gRPC (grpcio), Connect and gRPC-Web (connectrpc):
enum numbers their enum does not define are INVALID_ARGUMENT naming the field (rules.md), in
every request message and at any depth; a singular sub-message sent twice is merged as the
protobuf encoding rules say (Python protobuf reads the same bytes the same way)."""
from types import SimpleNamespace

import grpc
import pytest

import protogen
from connect_clients import Caller, outcome
from wire_bytes import len_field as _field

CLUSTERS = "cloudidl.cluster.ClusterService"
POOLS = "cloudidl.clusterpool.ClusterPoolService"
QUEUES = "cloudidl.queue.QueueService"
PROTOCOLS = ["grpc", "connect", "grpc-web"]


@pytest.fixture(scope="session")
def m(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        queue=protogen.module("cloudidl/queue/queue.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        list=protogen.module("cloudidl/common/list.proto"))


@pytest.fixture
def callers(start_server, database):
    """One server (a cluster c1 registered into default) and a Caller per protocol."""
    srv = start_server("--database", database("decoding.db"), "--default-organization", "acme",
                       "--default-identity", "tester", test_service=False)
    made = {p: Caller(srv.port, p) for p in PROTOCOLS}
    yield made
    for c in made.values():
        c.close()


def status_request(m, health=1, state=1, secret_type=None):
    c = m.common
    status = m.cluster.Status(health=health, state=state)
    if secret_type is not None:
        status.operator_cluster_data.secret_store.CopyFrom(c.SecretStore(type=secret_type, locator="x"))
    return m.cluster.UpdateStatusRequest(cluster_id=c.ClusterIdentifier(name="c1"), status=status)


def sorted_list(m, direction):
    return m.list.ListRequest(limit=10, sort_by_fields=[m.list.Sort(key="name", direction=direction)])


def list_calls(m, direction):
    """(service, method, request, response type) of every List method, sorted with `direction`."""
    return [
        (POOLS, "List", m.pool.ListRequest(request=sorted_list(m, direction)), m.pool.ListResponse),
        (CLUSTERS, "ListClusters", m.cluster.ListRequest(request=sorted_list(m, direction)), m.cluster.ListResponse),
        (QUEUES, "ListQueues", m.queue.ListQueuesRequest(request=sorted_list(m, direction)), m.queue.ListQueuesResponse),
    ]


UNDEFINED_STATUS = (
    [("health", v, f"status.health: unknown enum value {v}") for v in (7, 10, 50, -1)]
    + [("state", v, f"status.state: unknown enum value {v}") for v in (3, 2147483647)]
    + [("secret_type", v, f"status.operator_cluster_data.secret_store.type: unknown enum value {v}")
       for v in (7, 1000)])


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_undefined_enum_values_are_invalid_argument_naming_the_field(callers, m, protocol):
    c = callers[protocol]
    c.unary(CLUSTERS, "CreateCluster", m.cluster.CreateClusterRequest(
        cluster_id=m.common.ClusterIdentifier(name="c1")), m.cluster.CreateClusterResponse)
    for field, value, expected in UNDEFINED_STATUS:
        request = status_request(m, **{field: value})
        code, message = outcome(lambda: c.unary(CLUSTERS, "UpdateStatus", request, m.cluster.UpdateStatusResponse))
        assert (code, expected in message) == ("INVALID_ARGUMENT", True), (
            f"UpdateStatus with {field} {value} over {protocol}: {code} {message!r}, want INVALID_ARGUMENT {expected!r}")
    for direction in (-1, -2):
        for service, method, request, response in list_calls(m, direction):
            code, message = outcome(lambda: c.unary(service, method, request, response))
            expected = f"request.sort_by_fields[0].direction: unknown enum value {direction}"
            assert (code, expected in message) == ("INVALID_ARGUMENT", True), (
                f"{method} with direction {direction} over {protocol}: {code} {message!r}")
    # Defined values are still accepted, at every depth.
    for request in (status_request(m, health=2, state=2, secret_type=1), status_request(m, health=0, state=0)):
        assert outcome(lambda: c.unary(CLUSTERS, "UpdateStatus", request, m.cluster.UpdateStatusResponse)) == ("OK", "")
    for direction in (0, 1):
        for service, method, request, response in list_calls(m, direction):
            assert outcome(lambda: c.unary(service, method, request, response)) == ("OK", ""), (method, direction)


def test_update_queue_with_spec_sent_twice_merges_them(start_server, database, m):
    """UpdateQueueRequest.spec as two fields 2: the first sets run_concurrency (and the pool),
    the second action_concurrency; both survive, as Python protobuf reads those bytes."""
    q, c = m.queue, m.common
    srv = start_server("--database", database("merge.db"), "--default-organization", "acme", test_service=False)
    with grpc.insecure_channel(srv.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        create = ch.unary_unary(f"/{QUEUES}/CreateQueue", request_serializer=q.CreateQueueRequest.SerializeToString,
                                response_deserializer=q.CreateQueueResponse.FromString)
        create(q.CreateQueueRequest(id=c.QueueIdentifier(name="q1"), spec=q.QueueSpec(
            run_concurrency=1, action_concurrency=1, cluster_pool_name="default"), state=q.QUEUE_STATE_ACTIVE),
            timeout=10)
        body = (_field(1, c.QueueIdentifier(name="q1").SerializeToString())
                + _field(2, q.QueueSpec(run_concurrency=5, cluster_pool_name="default").SerializeToString())
                + _field(2, q.QueueSpec(action_concurrency=70).SerializeToString()))
        python = q.UpdateQueueRequest.FromString(body).spec
        assert (python.run_concurrency, python.action_concurrency, python.cluster_pool_name) == (5, 70, "default")
        update = ch.unary_unary(f"/{QUEUES}/UpdateQueue", request_serializer=None,
                                response_deserializer=q.UpdateQueueResponse.FromString)
        updated = update(body, timeout=10).queue.spec
        assert (updated.run_concurrency, updated.action_concurrency) == (5, 70), str(updated)
        get = ch.unary_unary(f"/{QUEUES}/GetQueue", request_serializer=q.GetQueueRequest.SerializeToString,
                             response_deserializer=q.GetQueueResponse.FromString)
        spec = get(q.GetQueueRequest(id=c.QueueIdentifier(name="q1")), timeout=10).queue.spec
        assert (spec.run_concurrency, spec.action_concurrency, spec.cluster_pool_name) == (5, 70, "default")
