"""How test_fuzz.py judges one answer: only promises of rules.md, each broken one recorded as a
Violation."""
from __future__ import annotations

import grpc
from google.protobuf.message import DecodeError

from fuzz_mutations import undefined_enums

P, C, Q = "cloudidl.clusterpool.ClusterPoolService", "cloudidl.cluster.ClusterService", "cloudidl.queue.QueueService"


def config_values(config) -> tuple:
    return (config.object_store_ref.uri, config.object_store_ref.endpoint, config.secret_store.type,
            config.secret_store.locator, config.image_registry.locator)


def spec_values(spec, create: bool) -> tuple:
    pool = spec.cluster_pool_name or ("default" if create else "")
    return (spec.run_concurrency, spec.action_concurrency, spec.depth, spec.priority, spec.fairness, spec.scheduling,
            sorted(set(spec.clusters)), pool)


class Judge:
    """Mixed into Campaign: needs allowed(), violate(), unary(), the modules and the name sets."""

    def judge(self, method, seed, mutated, code, message, reply, elapsed):
        from fuzz_campaign import ALLOWED, CALL_DEADLINE
        try:
            sent = type(seed).FromString(mutated.body)
        except DecodeError:
            sent = None
        # A status whose message is too long for the client's header list limit (grpcio: 8 KiB
        # soft, 16 KiB hard) never reaches it: grpcio reports its own RESOURCE_EXHAUSTED, or
        # nothing at all until the deadline.
        lost = code == "RESOURCE_EXHAUSTED" and "metadata size exceeds" in message
        if code not in ALLOWED or lost:
            if code == "DEADLINE_EXCEEDED" or elapsed >= CALL_DEADLINE:
                self.hangs[method] = self.hangs.get(method, 0) + 1
            return self.violate("every call ends in time with a status from the allowed set", method,
                                f"{code} after {elapsed:.1f}s: {message}", mutated)
        if code != "OK":
            return self.check_nothing_created(method, sent, mutated)
        if sent is None:
            return self.violate("malformed protobuf is INVALID_ARGUMENT", method,
                                "answered OK to a body Python protobuf refuses to parse", mutated)
        if bad := undefined_enums(sent):
            self.violate("unknown enum numbers are INVALID_ARGUMENT", method, f"answered OK to {', '.join(bad)}",
                         mutated)
        try:
            problem = self.read_back(method, sent)
        except grpc.RpcError as e:
            problem = f"the read-back failed with {e.code().name}: {e.details()}"
        if problem:
            self.violate("an accepted write reads back as protobuf reads what was sent", method, problem, mutated)

    def read_back(self, method, sent) -> str | None:
        pool, cl, q = self.pool, self.cl, self.q
        if method in ("Create", "Update"):
            p = sent.cluster_pool
            self.pools.add((p.id.organization or "acme", p.id.name))
            got = self.unary(P, "Get", pool.GetRequest(id=p.id), pool.GetResponse).cluster_pool
            if config_values(got.config) != config_values(p.config):
                return f"sent config {config_values(p.config)}, Get reads {config_values(got.config)}"
        elif method == "Delete":
            code = self.code_of(lambda: self.unary(P, "Get", pool.GetRequest(id=sent.id), pool.GetResponse))
            if code != "NOT_FOUND":
                return f"Get of the deleted pool answered {code}, want NOT_FOUND"
        elif method == "CreateCluster":
            self.names.add((sent.cluster_id.organization or "acme", sent.cluster_id.name))
            got = self.unary(C, "GetCluster", cl.GetRequest(cluster_id=sent.cluster_id), cl.GetResponse).cluster
            if got.pool.name != (sent.cluster_pool_name or "default"):
                return f"registered into {sent.cluster_pool_name!r}, GetCluster reads pool {got.pool.name!r}"
        elif method in ("CreateQueue", "UpdateQueue"):
            if method == "CreateQueue":
                self.names.add((sent.id.organization or "acme", sent.id.name))
            got = self.unary(Q, "GetQueue", q.GetQueueRequest(id=sent.id), q.GetQueueResponse).queue
            want, have = spec_values(sent.spec, method == "CreateQueue"), spec_values(got.spec, False)
            if method == "UpdateQueue" and not sent.spec.cluster_pool_name:
                want, have = want[:-1], have[:-1]
            if want != have:
                return f"sent spec {want}, GetQueue reads {have}"
        return None

    def check_nothing_created(self, method, sent, mutated):
        """A refused create leaves no pool, cluster or queue behind (never a partial write)."""
        if sent is None or method not in ("Create", "CreateCluster", "CreateQueue"):
            return
        pool, cl, q = self.pool, self.cl, self.q
        if method == "Create":
            ident = sent.cluster_pool.id
            if (ident.organization or "acme", ident.name) in self.pools or ident.name == "default":
                return
            code = self.code_of(lambda: self.unary(P, "Get", pool.GetRequest(id=ident), pool.GetResponse))
        else:
            ident = sent.cluster_id if method == "CreateCluster" else sent.id
            if (ident.organization or "acme", ident.name) in self.names or ident.name == "default":
                return
            if method == "CreateCluster":
                code = self.code_of(lambda: self.unary(C, "GetCluster", cl.GetRequest(cluster_id=ident, include_deleted=True),
                                                       cl.GetResponse))
            else:
                code = self.code_of(lambda: self.unary(Q, "GetQueue", q.GetQueueRequest(id=ident), q.GetQueueResponse))
        if code == "OK":
            self.violate("a refused write changes nothing", method, f"refused, yet {ident.name!r} now reads back",
                         mutated)

    @staticmethod
    def code_of(fn) -> str:
        try:
            fn()
        except grpc.RpcError as e:
            return e.code().name
        return "OK"
