"""Decode memory stays bounded under requests near the 4 MiB limit carrying 100k-400k repeated
elements (issue 16, 3b): three clients send them concurrently for a few seconds while the
server's RSS is sampled from /proc; it must stay within 64 MiB of idle, every such request must
be refused as RESOURCE_EXHAUSTED naming the field (the per-request value limit, checked before
anything is unpacked), and the server must keep answering ordinary calls."""
import threading
import time

import grpc
import pytest

from server_process import RssSampler
from wire_bytes import len_field as field, varint

MiB = 1024 * 1024
MAX_GROWTH_MIB = 64
LOAD_SECONDS = 8
POOLS_LIST = "/cloudidl.clusterpool.ClusterPoolService/List"
CLUSTERS_LIST = "/cloudidl.cluster.ClusterService/ListClusters"
CREATE_QUEUE = "/cloudidl.queue.QueueService/CreateQueue"
GET_POOL = "/cloudidl.clusterpool.ClusterPoolService/Get"


def near_limit(count: int, element) -> bytes:
    """`count` elements from element(padding), padded so the whole stays just under 4 MiB."""
    base = len(element(b""))
    pad = max(0, (4 * MiB - 4096) // count - base - 1)
    one = element(b"x" * pad)
    return one * count


def list_request(count: int, kind: str) -> bytes:
    """A cloudidl.common.ListRequest with `count` filters or sort_by_fields."""
    if kind == "filters":  # Filter { field: "n", values: [pad] }
        elements = near_limit(count, lambda pad: field(4, field(2, b"n") + field(3, pad)))
    else:  # Sort { key: pad, direction: ASCENDING }
        elements = near_limit(count, lambda pad: field(6, field(1, pad) + b"\x10\x01"))
    return elements


def requests():
    """(path, body, field named in the refusal) of each kind of oversized request."""
    out = []
    for count in (100_000, 250_000, 400_000):
        out.append((POOLS_LIST, field(3, list_request(count, "filters")), "cloudidl.common.ListRequest.filters"))
        out.append((CLUSTERS_LIST, field(2, list_request(count, "sort")), "cloudidl.common.ListRequest.sort_by_fields"))
        # CreateQueueRequest { id: {name: "q"}, spec: { clusters: [count pins] } }
        pins = near_limit(count, lambda pad: field(6, b"c" + pad))
        out.append((CREATE_QUEUE, field(1, field(2, b"q")) + field(2, pins), "cloudidl.queue.QueueSpec.clusters"))
    for _, body, _ in out:
        assert 3 * MiB < len(body) < 4 * MiB, len(body)
    return out


def test_large_repeated_fields_keep_decode_memory_bounded(start_server):
    srv = start_server(test_service=False)
    bodies = requests()
    refusals: list[str] = []
    errors: list[str] = []
    with grpc.insecure_channel(srv.target, options=[("grpc.max_send_message_length", 8 * MiB)]) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        raw = {path: ch.unary_unary(path, request_serializer=None, response_deserializer=None)
               for path in {p for p, _, _ in bodies} | {GET_POOL}}
        get_default = field(1, field(2, b"default"))
        raw[GET_POOL](get_default, timeout=10)  # warm up: the default pool exists
        baseline = srv.rss_kib()
        sampler = RssSampler(srv)
        sampler.start()
        stop = time.monotonic() + LOAD_SECONDS

        def client(offset: int):
            i = offset
            while time.monotonic() < stop:
                path, body, name = bodies[i % len(bodies)]
                i += 1
                try:
                    raw[path](body, timeout=30)
                    errors.append(f"{path} with {name} answered OK")
                except grpc.RpcError as e:
                    if e.code() != grpc.StatusCode.RESOURCE_EXHAUSTED or name not in (e.details() or ""):
                        errors.append(f"{path}: {e.code()} {e.details()!r}, want RESOURCE_EXHAUSTED naming {name}")
                    else:
                        refusals.append(name)

        threads = [threading.Thread(target=client, args=(k * 3,)) for k in range(3)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(LOAD_SECONDS + 60)
            # ordinary calls are served during and after the load
            raw[GET_POOL](get_default, timeout=10)
            time.sleep(0.2)  # one more sample after the last request is done
        finally:
            peak = sampler.stop()
        after = srv.rss_kib()
    assert not errors, errors[:5]
    assert len(refusals) >= 6, f"only {len(refusals)} large requests were sent in {LOAD_SECONDS} s"
    growth_mib = (peak - baseline) / 1024
    print(f"RSS idle {baseline // 1024} MiB, peak {peak // 1024} MiB, after {after // 1024} MiB, "
          f"{len(refusals)} requests of 100k-400k elements")
    assert growth_mib < MAX_GROWTH_MIB, (
        f"server RSS grew by {growth_mib:.0f} MiB (idle {baseline // 1024} MiB, peak {peak // 1024} MiB) "
        f"under {len(refusals)} requests of 100k-400k repeated elements")
