"""One fuzzing campaign of test_fuzz.py: a fresh server, a small world, mutated bodies of every
unary method of one service over one protocol, and the promises each answer is judged by."""
from __future__ import annotations

import http.client
import json
import random
import socket
import time
from dataclasses import dataclass

import grpc

import protogen
from fuzz_judge import Judge
from fuzz_mutations import Mutator
from server_process import ServerProcess

ALLOWED = {"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION", "ABORTED",
           "RESOURCE_EXHAUSTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "UNAUTHENTICATED", "PERMISSION_DENIED"}
CALL_DEADLINE = 5.0  # seconds; any answer takes milliseconds, so only a hang reaches it
RSS_GROWTH_KIB = 64 * 1024
HANGS_PER_METHOD = 2  # then long-string bodies of that method are not sent again (each costs a deadline)


def modules():
    m = protogen.module
    return (m("cloudidl/clusterpool/clusterpool.proto"), m("cloudidl/cluster/cluster.proto"),
            m("cloudidl/queue/queue.proto"), m("cloudidl/common/common.proto"), m("cloudidl/common/list.proto"))


def seed_requests() -> dict:
    """A valid request for every unary method, naming the world `Campaign.setup` makes."""
    pool, cl, q, c, lst = modules()
    config = c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri="s3://fz-bucket/prefix", endpoint="https://minio:9000"),
                                 secret_store=c.SecretStore(type=1, locator="us-east-1"),
                                 image_registry=c.ImageRegistry(locator="ghcr.io/acme/union"))
    pid = lambda name: c.ClusterPoolIdentifier(name=name)  # noqa: E731
    cid = lambda name: c.ClusterIdentifier(name=name)  # noqa: E731
    qid = lambda name: c.QueueIdentifier(name=name)  # noqa: E731
    listing = lst.ListRequest(limit=10, filters=[lst.Filter(function=lst.Filter.CONTAINS, field="name", values=["p"])],
                              sort_by_fields=[lst.Sort(key="name", direction=lst.Sort.ASCENDING)])
    spec = q.QueueSpec(run_concurrency=5, action_concurrency=50, depth=3, priority=q.PRIORITY_MEDIUM,
                       fairness=q.FAIRNESS_ALGORITHM_ROUND_ROBIN, scheduling=q.SCHEDULING_ALGORITHM_STRICT_FIFO,
                       clusters=["c1"], cluster_pool_name="prod")
    status = cl.Status(health=cl.Status.HEALTHY, state=cl.STATE_ENABLED, unhealthy_reasons=["none"],
                       operator_cluster_data=cl.OperatorClusterData(metadata_object_store_ref=config.object_store_ref,
                                                                    secret_store=config.secret_store,
                                                                    image_registry=config.image_registry))
    return {
        "cloudidl.clusterpool.ClusterPoolService": {
            "Create": pool.CreateRequest(cluster_pool=pool.ClusterPool(id=pid("fz-pool"), config=config)),
            "Update": pool.UpdateRequest(cluster_pool=pool.ClusterPool(id=pid("staging"), config=config)),
            "Delete": pool.DeleteRequest(id=pid("doomed")),
            "Undelete": pool.UndeleteRequest(id=pid("doomed")),
            "Get": pool.GetRequest(id=pid("prod")),
            "List": pool.ListRequest(request=listing),
        },
        "cloudidl.cluster.ClusterService": {
            "Heartbeat": cl.HeartbeatRequest(cluster_id=cid("c1")),
            "CreateCluster": cl.CreateClusterRequest(cluster_id=cid("fz-c"), cluster_pool_name="prod"),
            "UpdateCluster": cl.UpdateClusterRequest(cluster_id=cid("c1"), cluster_pool_name="prod"),
            "UpdateClusterState": cl.UpdateClusterStateRequest(cluster_id=cid("c2"), state=cl.CLUSTER_STATE_DRAINING),
            "UpdateStatus": cl.UpdateStatusRequest(cluster_id=cid("c1"), status=status),
            "GetCluster": cl.GetRequest(cluster_id=cid("c1"), include_deleted=True),
            "DeleteCluster": cl.DeleteRequest(cluster_id=cid("fz-c")),
            "UndeleteCluster": cl.UndeleteRequest(cluster_id=cid("fz-c")),
            "ListClusters": cl.ListRequest(request=listing),
            "Count": cl.CountRequest(filters=list(listing.filters)),
        },
        "cloudidl.queue.QueueService": {
            "CreateQueue": q.CreateQueueRequest(id=qid("fz-q"), spec=spec, state=q.QUEUE_STATE_ACTIVE),
            "UpdateQueue": q.UpdateQueueRequest(id=qid("q1"), spec=spec),
            "GetQueue": q.GetQueueRequest(id=qid("q1")),
            "UpdateQueueState": q.UpdateQueueStateRequest(id=qid("q2"), state=q.QUEUE_STATE_DRAINED),
            "ListQueues": q.ListQueuesRequest(request=listing),
            "DeleteQueue": q.DeleteQueueRequest(id=qid("fz-q")),
            "UndeleteQueue": q.UndeleteQueueRequest(id=qid("fz-q")),
        },
    }


@dataclass
class Violation:
    promise: str
    method: str
    detail: str
    ops: list
    body: bytes

    def describe(self) -> str:
        return (f"- {self.method}: {self.promise}: {self.detail[:300]}\n"
                f"    mutations {self.ops}, body ({len(self.body)} bytes) {self.body[:120].hex()}")


class Caller:
    """Sends raw bodies over gRPC (grpcio, identity serializers) or Connect unary (HTTP/1.1)."""

    def __init__(self, protocol: str, port: int):
        self.protocol, self.port = protocol, port
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(self.channel).result(timeout=10)
        self.http = None

    def close(self):
        self.channel.close()
        if self.http:
            self.http.close()

    def call(self, path: str, body: bytes) -> tuple[str, str, bytes]:
        """(CODE_NAME, message, reply body)."""
        if self.protocol == "grpc":
            try:
                reply = self.channel.unary_unary(path)(body, timeout=CALL_DEADLINE)
                return "OK", "", reply
            except grpc.RpcError as e:
                return e.code().name, e.details() or "", b""
        for attempt in (0, 1):  # a kept-alive connection the server closed meanwhile: once more
            if self.http is None:
                self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CALL_DEADLINE + 2)
            try:
                self.http.request("POST", path, body, {"Content-Type": "application/proto", "Connect-Protocol-Version": "1",
                                                       "Connect-Timeout-Ms": str(int(CALL_DEADLINE * 1000))})
                resp = self.http.getresponse()
                data = resp.read()
            except socket.timeout:
                self.http.close()
                self.http = None
                return "DEADLINE_EXCEEDED", "no answer within the deadline (client side)", b""
            except (ConnectionError, http.client.HTTPException) as e:
                self.http.close()
                self.http = None
                if attempt == 0 and isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError)):
                    continue
                return "UNAVAILABLE", f"{type(e).__name__}: {e}", b""
            if resp.will_close:
                self.http.close()
                self.http = None
            if resp.status == 200:
                return "OK", "", data
            try:
                err = json.loads(data)
                return {"canceled": "CANCELLED"}.get(err["code"], err["code"].upper()), err.get("message", ""), b""
            except (ValueError, KeyError, TypeError, AttributeError):
                return "UNKNOWN", f"HTTP {resp.status} without a Connect error: {data[:200]!r}", b""
        raise AssertionError("unreachable")


class Campaign(Judge):
    """Mutated bodies of every unary method of `service`, over `protocol`, on a fresh server."""

    def __init__(self, service: str, protocol: str, seed: int, bodies: int, server_bin, workdir, database=None):
        self.service, self.protocol, self.bodies = service, protocol, bodies
        self.rng = random.Random(f"{seed}-{service}-{protocol}")
        self.seeds = seed_requests()[service]
        self.unary_methods = set(self.seeds)
        self.methods_called: set[str] = set()
        self.mutators = {name: Mutator(self.rng, req.DESCRIPTOR) for name, req in self.seeds.items()}
        self.pool, self.cl, self.q, self.c, self.lst = modules()
        self.server = ServerProcess(server_bin, ["--database", database or str(workdir / "fuzz.db"), "--default-organization", "acme",
                                                 "--default-identity", "fuzzer"], workdir / "server.stderr.log")
        self.violations: list[Violation] = []
        self.calls = self.skipped = 0
        self.codes: dict[str, int] = {}
        self.hangs: dict[str, int] = {}
        self.rss_start = self.rss_max = self.rss_end = 0
        self.exit_code = None
        self.elapsed = 0.0
        self.caller = Caller(protocol, self.server.port)
        self.reader = self.caller.channel  # read-backs over gRPC with the generated classes
        # (organization, name) of every pool, and of every cluster or queue, that exists or existed.
        self.pools = {("acme", n) for n in ("default", "prod", "staging", "doomed")}
        self.names = {("acme", n) for n in ("default", "c1", "c2", "q1", "q2")}

    def summary(self) -> str:
        codes = ", ".join(f"{k} {v}" for k, v in sorted(self.codes.items(), key=lambda kv: -kv[1]))
        return (f"{self.calls} calls in {self.elapsed:.1f}s ({codes}); {self.skipped} long-string bodies not sent "
                f"after {HANGS_PER_METHOD} hangs; RSS {self.rss_start} -> max {self.rss_max}, end {self.rss_end} KiB; "
                f"exit {self.exit_code}; {len(self.violations)} broken promises")

    def unary(self, service, method, request, response_cls):
        call = self.reader.unary_unary(f"/{service}/{method}", request_serializer=type(request).SerializeToString,
                                       response_deserializer=response_cls.FromString)
        return call(request, timeout=CALL_DEADLINE)

    def setup(self):
        """Pools prod, staging, doomed; clusters c1, c2 in prod; queues q1 (prod), q2."""
        P, C, Q, c = "cloudidl.clusterpool.ClusterPoolService", "cloudidl.cluster.ClusterService", "cloudidl.queue.QueueService", self.c
        for name in ("prod", "staging", "doomed"):
            config = c.ClusterPoolConfig(object_store_ref=c.ObjectStoreRef(uri=f"s3://{name}-bucket"),
                                         secret_store=c.SecretStore(type=1))
            self.unary(P, "Create", self.pool.CreateRequest(cluster_pool=self.pool.ClusterPool(
                id=c.ClusterPoolIdentifier(name=name), config=config)), self.pool.CreateResponse)
        for name in ("c1", "c2"):
            self.unary(C, "CreateCluster", self.cl.CreateClusterRequest(cluster_id=c.ClusterIdentifier(name=name),
                                                                        cluster_pool_name="prod"), self.cl.CreateClusterResponse)
        for name, pool in (("q1", "prod"), ("q2", "")):
            self.unary(Q, "CreateQueue", self.q.CreateQueueRequest(id=c.QueueIdentifier(name=name), spec=self.q.QueueSpec(
                run_concurrency=10, action_concurrency=100, cluster_pool_name=pool)), self.q.CreateQueueResponse)

    def run(self):
        self.setup()
        self.rss_start = self.rss_max = self.server.rss_kib()
        methods = sorted(self.seeds)
        i = 0
        while self.calls < self.bodies:
            method = methods[i % len(methods)]
            i += 1
            seed = self.seeds[method]
            mutated = self.mutators[method].mutate(seed.SerializeToString())
            if mutated.long_string and self.hangs.get(method, 0) >= HANGS_PER_METHOD:
                self.skipped += 1
                continue
            started = time.monotonic()
            code, message, reply = self.caller.call(f"/{self.service}/{method}", mutated.body)
            elapsed = time.monotonic() - started
            self.calls += 1
            self.methods_called.add(method)
            self.codes[code] = self.codes.get(code, 0) + 1
            if self.server.proc.poll() is not None:
                self.violate("the server stays alive", method, f"exited with {self.server.proc.returncode} "
                             f"after this body; stderr: {self.server.stderr_tail(1500)}", mutated)
                return
            self.judge(method, seed, mutated, code, message, reply, elapsed)
            if sum(self.hangs.values()) > 3 * HANGS_PER_METHOD + 4:
                self.violate("calls end", method, "too many calls without an answer: campaign stopped", mutated)
                return
            if self.calls % 50 == 0:
                self.rss_max = max(self.rss_max, self.server.rss_kib())
        self.rss_end = self.server.rss_kib()
        self.rss_max = max(self.rss_max, self.rss_end)
        if self.rss_end - self.rss_start > RSS_GROWTH_KIB:
            self.violations.append(Violation("memory stays bounded", "(all)", f"RSS grew from {self.rss_start} to "
                                             f"{self.rss_end} KiB (limit +{RSS_GROWTH_KIB} KiB)", [], b""))

    def shutdown(self):
        self.caller.close()
        if self.server.proc.poll() is None:
            self.exit_code = self.server.stop()
            if self.exit_code != 0:
                self.violations.append(Violation("SIGTERM ends the server with exit code 0", "(shutdown)",
                                                 f"exit code {self.exit_code}; stderr: {self.server.stderr_tail(1500)}", [], b""))
        else:
            self.exit_code = self.server.proc.returncode
            self.server.stop()

    def violate(self, promise, method, detail, mutated):
        self.violations.append(Violation(promise, method, detail, mutated.ops, mutated.body))
