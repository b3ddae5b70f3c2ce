"""Queue resource and accelerator caps (QueueSpec.max_resources = 8, max_accelerators = 10) through
grpcio with requests encoded by Python protobuf from our proto/: stored, returned by every queue
read, replaced by updates, kept across a server restart; the buf.validate rules of the official
descriptors (and positive Kubernetes quantities and counts) rejected as INVALID_ARGUMENT with the
rule's message; WatchQueueMetrics and ResolveQueue answered UNIMPLEMENTED saying so."""
import grpc
import pytest

import protogen
from test_clusters import code_of
from test_queues import create, get, listed, ql, qid, spec, stubs  # noqa: F401 (fixtures)

S = grpc.StatusCode


@pytest.fixture(scope="module")
def caps(ql):
    tasks = protogen.module("flyteidl2/core/tasks.proto")
    acc = protogen.module("cloudidl/cluster/accelerator_definition.proto")
    R = tasks.Resources

    def res(name, value):
        return R.ResourceEntry(name=R.ResourceName.Value(name), value=value)

    def gpu(device, count, partition=None, device_class=0, model=0, declare=True):
        a = tasks.GPUAccelerator(device=device, device_class=device_class, accelerator_model=model)
        if partition is not None:
            a.partition_size = partition
        elif declare:
            a.unpartitioned = True
        return acc.AcceleratorCapacity(accelerator=a, count=count)

    return res, gpu, tasks


def as_tuples(s):
    resources = [(r.name, r.value) for r in s.max_resources]
    accelerators = [(a.accelerator.device_class, a.accelerator.device, a.accelerator.WhichOneof("partition_size_value"),
                     a.accelerator.partition_size, a.accelerator.accelerator_model, a.count) for a in s.max_accelerators]
    return resources, accelerators


def update(stubs, ql, name, pool="default", **kw):
    return stubs.queues.UpdateQueue(ql.queue.UpdateQueueRequest(id=qid(ql, name), spec=spec(ql, pool, **kw)),
                                    timeout=10).queue


def test_caps_stored_read_updated_and_kept_across_restart(start_server, database, ql, caps):
    res, gpu, tasks = caps
    first = start_server("--database", database("caps.db"), "--default-organization", "acme", test_service=False)
    resources = [res("CPU", "4"), res("MEMORY", "16Gi"), res("EPHEMERAL_STORAGE", "100G")]
    accelerators = [gpu("nvidia-h100", 8, model=tasks.NVIDIA_H100), gpu("", 2),
                    gpu("nvidia-a100", 3, partition="1g.5gb", model=tasks.NVIDIA_A100),
                    gpu("google-tpu-v6e", 16, device_class=1, model=tasks.GOOGLE_TPU_V6E)]
    with grpc.insecure_channel(first.target) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        stubs = type("Stubs", (), {"queues": ql.grpc.QueueServiceStub(ch)})
        created = create(stubs, ql, "gpu", max_resources=resources, max_accelerators=accelerators,
                         scheduling=ql.queue.SCHEDULING_ALGORITHM_GREEDY_CAPACITY)
        want = as_tuples(ql.queue.QueueSpec(max_resources=resources, max_accelerators=accelerators))
        assert as_tuples(created.spec) == want
        assert want[1][0] == (0, "nvidia-h100", "unpartitioned", "", tasks.NVIDIA_H100, 8)
        assert as_tuples(get(stubs, ql, "gpu").spec) == want
        [queue] = [q for q in listed(stubs, ql).queues if q.id.name == "gpu"]
        assert as_tuples(queue.spec) == want

        # an update replaces the caps it sends; the default queue takes caps too
        changed = update(stubs, ql, "gpu", max_resources=[res("MEMORY", "32Gi")], max_accelerators=[gpu("", 4)])
        assert as_tuples(changed.spec) == ([(3, "32Gi")], [(0, "", "unpartitioned", "", 0, 4)])
        update(stubs, ql, "default", max_resources=[res("CPU", "500m")])
        assert as_tuples(get(stubs, ql, "default").spec)[0] == [(1, "500m")]
    assert first.stop() == 0

    second = start_server("--database", database("caps.db"), "--default-organization", "acme", test_service=False)
    with grpc.insecure_channel(second.target) as ch:
        stubs = type("Stubs", (), {"queues": ql.grpc.QueueServiceStub(ch)})
        assert as_tuples(get(stubs, ql, "gpu").spec) == ([(3, "32Gi")], [(0, "", "unpartitioned", "", 0, 4)])
        assert as_tuples(get(stubs, ql, "default").spec)[0] == [(1, "500m")]
        # an empty list removes a cap
        cleared = update(stubs, ql, "gpu", max_resources=[], max_accelerators=[gpu("nvidia-h100", 1)])
        assert as_tuples(cleared.spec) == ([], [(0, "nvidia-h100", "unpartitioned", "", 0, 1)])


@pytest.mark.parametrize("kind, entries, message", [
    ("max_resources", lambda res, gpu: [res("CPU", "4"), res("GPU", "2")],
     "spec.max_resources[1]: max_resources may not cap gpu; cap GPUs per accelerator type with max_accelerators"),
    ("max_resources", lambda res, gpu: [res("MEMORY", "16GB")],
     'spec.max_resources[0].value "16GB" (MEMORY) is not a Kubernetes quantity'),
    ("max_resources", lambda res, gpu: [res("CPU", "0")], 'spec.max_resources[0].value "0" (CPU) must be positive'),
    ("max_resources", lambda res, gpu: [res("CPU", "-1")], 'spec.max_resources[0].value "-1" (CPU) must be positive'),
    ("max_resources", lambda res, gpu: [res("CPU", "1"), res("CPU", "2")], "spec.max_resources names CPU twice"),
    ("max_resources", lambda res, gpu: [res("UNKNOWN", "1")], "spec.max_resources[0].name is required"),
    ("max_accelerators", lambda res, gpu: [gpu("nvidia-h100", 8), gpu("nvidia-h100", 2)],
     "spec.max_accelerators[1] (NVIDIA_GPU/nvidia-h100): each accelerator (device_class, device, partition_size) "
     "may appear at most once"),
    ("max_accelerators", lambda res, gpu: [gpu("", 8, device_class=1)],
     "spec.max_accelerators[0]: an entry without a device is only supported for NVIDIA_GPU; name the device"),
    ("max_accelerators", lambda res, gpu: [gpu("nvidia-h100", 8, declare=False)],
     "spec.max_accelerators[0]: accelerator must declare its partitioning: set unpartitioned, or a partition_size"),
    ("max_accelerators", lambda res, gpu: [gpu("nvidia-a100", 8, partition="")],
     "spec.max_accelerators[0]: partition_size must be non-empty; use unpartitioned to declare a whole device"),
    ("max_accelerators", lambda res, gpu: [gpu("nvidia-h100", 0)], "spec.max_accelerators[0].count must be greater than 0"),
    ("max_accelerators", lambda res, gpu: [gpu("nvidia-h100", -5)], "spec.max_accelerators[0].count must be greater than 0"),
])
def test_cap_rules_reject_with_the_rule_message(stubs, ql, caps, kind, entries, message):
    res, gpu, _ = caps
    sent = {kind: entries(res, gpu)}
    code, details = code_of(lambda: create(stubs, ql, "capped", **sent))
    assert (code, details[:len(message)]) == (S.INVALID_ARGUMENT, message)
    code, details = code_of(lambda: update(stubs, ql, "default", **sent))
    assert (code, details[:len(message)]) == (S.INVALID_ARGUMENT, message)
    assert code_of(lambda: get(stubs, ql, "capped"))[0] == S.NOT_FOUND  # nothing written
    assert as_tuples(get(stubs, ql, "default").spec) == ([], [])


def test_missing_accelerator_and_unset_oneof_member(stubs, ql, caps):
    _, gpu, tasks = caps
    acc = protogen.module("cloudidl/cluster/accelerator_definition.proto")
    code, details = code_of(lambda: create(stubs, ql, "q", max_accelerators=[acc.AcceleratorCapacity(count=1)]))
    assert code == S.INVALID_ARGUMENT and "spec.max_accelerators[0].accelerator is required" in details
    # unpartitioned=false still declares the partitioning (the oneof member is set) and reads back as sent
    entry = gpu("nvidia-l4", 2, declare=False)
    entry.accelerator.unpartitioned = False
    q = create(stubs, ql, "q", max_accelerators=[entry])
    assert q.spec.max_accelerators[0].accelerator.WhichOneof("partition_size_value") == "unpartitioned"


def test_watch_queue_metrics_and_resolve_queue_are_unimplemented(stubs, ql):
    q = ql.queue
    stream = stubs.queues.WatchQueueMetrics(q.WatchQueueMetricsRequest(
        pool_id=ql.common.ClusterPoolIdentifier(name="default"), queue_names=["default"]), timeout=10)
    with pytest.raises(grpc.RpcError) as watch:
        next(stream)
    assert watch.value.code() == S.UNIMPLEMENTED
    assert "WatchQueueMetrics is not implemented by this server" in watch.value.details()
    code, details = code_of(lambda: stubs.queues.ResolveQueue(q.ResolveQueueRequest(queue_name="default"), timeout=10))
    assert code == S.UNIMPLEMENTED and "ResolveQueue is not implemented by this server" in details


def test_unknown_spec_fields_are_refused_not_dropped(stubs, ql, caps):
    """A field our schema lacks (a newer client's) in a CreateQueue/UpdateQueue spec, cap or
    accelerator cannot be stored: INVALID_ARGUMENT naming where and which, nothing written."""
    res, gpu, _ = caps
    q = ql.queue

    def with_field_11(message):  # appends field 11 (varint 1) to a message, as a newer schema would send
        return type(message).FromString(message.SerializeToString() + b"\x58\x01")

    s = spec(ql, max_resources=[res("CPU", "1")], max_accelerators=[gpu("nvidia-h100", 1)])
    code, details = code_of(lambda: stubs.queues.CreateQueue(
        q.CreateQueueRequest(id=qid(ql, "newer"), spec=with_field_11(s)), timeout=10))
    assert code == S.INVALID_ARGUMENT and details.startswith("spec carries field 11, unknown to this server")
    nested = spec(ql)
    nested.max_resources.append(with_field_11(res("CPU", "1")))
    code, details = code_of(lambda: update(stubs, ql, "default", max_resources=list(nested.max_resources)))
    assert code == S.INVALID_ARGUMENT and details.startswith("spec.max_resources[0] carries field 11")
    entry = gpu("nvidia-h100", 1)
    entry.accelerator.CopyFrom(with_field_11(entry.accelerator))
    code, details = code_of(lambda: create(stubs, ql, "newer", max_accelerators=[entry]))
    assert code == S.INVALID_ARGUMENT and details.startswith("spec.max_accelerators[0].accelerator carries field 11")
    request = with_field_11(q.CreateQueueRequest(id=qid(ql, "newer"), spec=s))
    code, details = code_of(lambda: stubs.queues.CreateQueue(request, timeout=10))
    assert code == S.INVALID_ARGUMENT and details.startswith("the request carries field 11")
    assert code_of(lambda: get(stubs, ql, "newer"))[0] == S.NOT_FOUND
    assert as_tuples(get(stubs, ql, "default").spec) == ([], [])
