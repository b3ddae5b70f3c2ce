"""How the server reads request messages: a singular sub-message sent twice is merged as the
protobuf encoding rules say (Python protobuf reads the same bytes the same way)."""
from types import SimpleNamespace

import grpc
import pytest

import protogen

QUEUES = "cloudidl.queue.QueueService"


@pytest.fixture(scope="session")
def m(pb):  # pb generates every module of proto/ once per session
    return SimpleNamespace(
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        pool=protogen.module("cloudidl/clusterpool/clusterpool.proto"),
        queue=protogen.module("cloudidl/queue/queue.proto"),
        common=protogen.module("cloudidl/common/common.proto"),
        list=protogen.module("cloudidl/common/list.proto"))


def _field(number: int, payload: bytes) -> bytes:
    def varint(n):
        out = bytearray()
        while n >= 0x80:
            out.append(n & 0x7F | 0x80)
            n >>= 7
        out.append(n)
        return bytes(out)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def test_update_queue_with_spec_sent_twice_merges_them(start_server, tmp_path, m):
    """UpdateQueueRequest.spec as two fields 2: the first sets run_concurrency (and the pool),
    the second action_concurrency; both survive, as Python protobuf reads those bytes."""
    q, c = m.queue, m.common
    srv = start_server("--database", str(tmp_path / "merge.db"), "--default-organization", "acme", test_service=False)
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
