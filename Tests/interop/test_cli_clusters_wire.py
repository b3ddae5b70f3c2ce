"""What `flyte`'s cluster and queue commands put on the wire and how they print the replies,
against a scripted grpcio server (Python protobuf from our proto/): the seed's
`flyte create cluster prod-us-east-1 --pool prod`, the generation guard of drain, listing with
page tokens, queue specs, error lines, and `get cluster --watch` following a stream until
Ctrl-C. The same commands against the real server: test_cli_clusters_e2e.py.
"""
import json
import os
import queue as queues
import selectors
import signal
import subprocess
import time
from concurrent import futures
from types import SimpleNamespace

import grpc
import pytest

import protogen
from test_cli import FLYTE_BIN, Flyte, flyte_bin, scripted_editor  # noqa: F401 (fixture)


@pytest.fixture(scope="session")
def pbs(pb):
    return SimpleNamespace(
        cluster=protogen.module("cloudidl/cluster/cluster.proto"),
        queue=protogen.module("cloudidl/queue/queue.proto"),
        common=protogen.module("cloudidl/common/common.proto"))


class Scripted:
    """A grpcio server whose handlers record each request and answer from `replies`
    (a method name -> function(request, context) returning the response)."""

    def __init__(self, pbs):
        self.pbs, self.requests, self.replies = pbs, [], {}
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        handlers = {}
        for service, module in (("cloudidl.cluster.ClusterService", pbs.cluster),
                                ("cloudidl.queue.QueueService", pbs.queue)):
            descriptor = module.DESCRIPTOR.services_by_name[service.rsplit(".", 1)[1]]
            methods = {}
            for method in descriptor.methods:
                request_class = self.message_class(method.input_type)
                response_class = self.message_class(method.output_type)
                handler = self.handler(method.name)
                kind = grpc.unary_stream_rpc_method_handler if method.server_streaming else grpc.unary_unary_rpc_method_handler
                methods[method.name] = kind(handler, request_deserializer=request_class.FromString,
                                            response_serializer=response_class.SerializeToString)
            handlers[service] = methods
        for service, methods in handlers.items():
            self.server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, methods),))
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()

    def message_class(self, descriptor):
        module = self.pbs.cluster if descriptor.full_name.startswith("cloudidl.cluster.") else self.pbs.queue
        return getattr(module, descriptor.name)

    def handler(self, name):
        def handle(request, context):
            self.requests.append((name, request))
            if name not in self.replies:
                context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{name} not scripted")
            return self.replies[name](request, context)
        return handle

    def sent(self, name):
        return [r for n, r in self.requests if n == name]


@pytest.fixture
def fake(pbs):
    server = Scripted(pbs)
    yield server
    server.server.stop(0)


@pytest.fixture
def cli(flyte_bin, fake, tmp_path) -> Flyte:
    home = tmp_path / "home"
    home.mkdir()
    config = tmp_path / "config.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///127.0.0.1:{fake.port}\n  insecure: true\n")
    return Flyte(home, config, tmp_path)


def cluster(pbs, name, pool="prod", state=1, generation=1, health=1, reasons=()):
    c, common = pbs.cluster, pbs.common
    return c.Cluster(
        spec=c.Spec(id=common.ClusterIdentifier(organization="acme", name=name)),
        status=c.Status(health=health, unhealthy_reasons=list(reasons)),
        queues=[common.QueueIdentifier(organization="acme", name=name)],
        pool=common.ClusterPoolIdentifier(organization="acme", name=pool),
        drain_status=c.ClusterDrainStatus(overall_state=state, generation=generation))


def test_the_seeds_create_cluster_sends_name_and_pool(cli, fake, pbs):
    fake.replies["CreateCluster"] = lambda r, c: pbs.cluster.CreateClusterResponse()
    assert cli("create", "cluster", "prod-us-east-1", "--pool", "prod").stdout == \
        'Created cluster "prod-us-east-1" in pool "prod".\n'
    cli("create", "cluster", "dev-1", "--org", "acme")
    first, second = fake.sent("CreateCluster")
    assert (first.cluster_id.name, first.cluster_id.organization, first.cluster_pool_name) == ("prod-us-east-1", "", "prod")
    assert (second.cluster_id.name, second.cluster_id.organization, second.cluster_pool_name) == ("dev-1", "acme", "")


def test_get_cluster_lists_every_page_and_shows_drift(cli, fake, pbs):
    def list_clusters(request, context):
        if request.request.token == "":
            return pbs.cluster.ListResponse(clusters=[cluster(pbs, "a")], token="t2")
        return pbs.cluster.ListResponse(clusters=[cluster(pbs, "b", state=2, health=2)])
    fake.replies["ListClusters"] = list_clusters
    lines = cli("get", "cluster", "--pool", "prod").stdout.splitlines()
    assert [line.split() for line in lines] == [
        ["NAME", "POOL", "STATE", "HEALTH", "QUEUES"], ["a", "prod", "ACTIVE", "HEALTHY", "a"],
        ["b", "prod", "DRAINING", "UNHEALTHY", "b"]]
    requests = fake.sent("ListClusters")
    assert [r.request.token for r in requests] == ["", "t2"]
    assert [(f.field, f.values) for f in requests[0].request.filters] == [("pool", ["prod"])]

    reasons = ["object store s3://a differs from pool prod's s3://b", "registry x differs from pool prod's y"]
    fake.replies["GetCluster"] = lambda r, c: pbs.cluster.GetResponse(cluster=cluster(pbs, "b", health=2, reasons=reasons))
    detail = cli("get", "cluster", "b").stdout
    assert f"Unhealthy reasons:  - {reasons[0]}\n" in detail
    assert f"                    - {reasons[1]}\n" in detail
    as_yaml = cli("get", "cluster", "b", "-o", "yaml").stdout
    assert as_yaml.startswith("name: b\norganization: acme\npool: prod\nstate: ACTIVE\n")


def test_drain_sends_no_guard_unless_given_and_reports_aborted(cli, fake, pbs):
    fake.replies["GetCluster"] = lambda r, c: pbs.cluster.GetResponse(cluster=cluster(pbs, "c1", generation=6))

    def update(request, context):
        if request.expected_generation not in (0, 6):  # 0: no guard
            context.abort(grpc.StatusCode.ABORTED, "cluster \"c1\" changed: generation is 6")
        return pbs.cluster.UpdateClusterStateResponse(cluster=cluster(pbs, "c1", state=request.state, generation=7))
    fake.replies["UpdateClusterState"] = update
    assert cli("update", "cluster", "c1", "--drain").stdout == 'Draining cluster "c1" (state DRAINING, generation 7).\n'
    stale = cli("update", "cluster", "c1", "--activate", "--expected-generation", "5", ok=False)
    assert stale.returncode == 1
    assert stale.stderr == 'Error: ABORTED: cluster "c1" changed: generation is 6\n'
    assert [(r.state, r.expected_generation) for r in fake.sent("UpdateClusterState")] == [(2, 0), (1, 5)]
    assert fake.sent("GetCluster") == []


def test_create_queue_sends_the_whole_spec(cli, fake, pbs):
    def create(request, context):
        return pbs.queue.CreateQueueResponse(queue=pbs.queue.Queue(id=request.id, spec=request.spec))
    fake.replies["CreateQueue"] = create
    out = cli("create", "queue", "gpu", "--run-concurrency", "2", "--action-concurrency", "3", "--cluster-pool", "prod",
              "--cluster", "c1", "--cluster", "c2", "--depth", "9", "--priority", "max", "--fairness",
              "shuffle_interleave").stdout
    assert out == 'Created queue "gpu" in pool "prod".\n'
    (request,) = fake.sent("CreateQueue")
    spec = request.spec
    assert (spec.run_concurrency, spec.action_concurrency, spec.depth) == (2, 3, 9)
    assert (spec.priority, spec.fairness) == (100, 2)
    assert (spec.cluster_pool_name, list(spec.clusters)) == ("prod", ["c1", "c2"])
    assert request.state == 1 and request.id.name == "gpu"


def test_update_queue_edit_reopens_on_a_bad_spec_and_keeps_what_it_does_not_show(cli, fake, pbs, tmp_path):
    q = pbs.queue
    current = q.QueueSpec(run_concurrency=1, action_concurrency=2, priority=1, cluster_pool_name="prod", scheduling=2)
    fake.replies["GetQueue"] = lambda r, c: q.GetQueueResponse(queue=q.Queue(id=r.id, spec=current))
    fake.replies["UpdateQueue"] = lambda r, c: q.UpdateQueueResponse(queue=q.Queue(id=r.id, spec=r.spec))
    editor, folder = scripted_editor(tmp_path / "editor", [
        "name: gpu\nspec:\n  run_concurrency: many\n",
        "name: gpu\nspec:\n  run_concurrency: 4\n  action_concurrency: 8\n  priority: max\n"
        "  cluster_pool_name: prod\n  clusters: [c1]\n",
    ])
    out = cli("update", "queue", "gpu", "--edit", env=cli.env(EDITOR=str(editor))).stdout
    assert out == 'Updated queue "gpu".\n'
    shown = (folder / "seen-1.yaml").read_text()
    assert "name: gpu\nspec:\n  run_concurrency: 1\n  action_concurrency: 2\n" in shown
    assert "  priority: min\n" in shown
    assert (folder / "seen-2.yaml").read_text().startswith(
        "#! ERROR: invalid manifest: spec.run_concurrency must be a whole number")
    (request,) = fake.sent("UpdateQueue")
    spec = request.spec
    assert (spec.run_concurrency, spec.action_concurrency, spec.priority) == (4, 8, 100)
    assert (spec.cluster_pool_name, list(spec.clusters), spec.scheduling) == ("prod", ["c1"], 2)


def test_an_unimplemented_service_is_one_error_line(cli, fake):
    proc = cli("get", "queue", ok=False)
    assert proc.returncode == 1
    assert proc.stderr == "Error: UNIMPLEMENTED: ListQueues not scripted\n"


def test_get_cluster_watch_follows_the_stream_until_ctrl_c(cli, fake, pbs):
    changes = queues.Queue()

    def watch(request, context):
        yield pbs.cluster.WatchClustersResponse(clusters=[])
        while context.is_active():
            try:
                summary = changes.get(timeout=0.1)
            except queues.Empty:
                continue
            yield pbs.cluster.WatchClustersResponse(clusters=[summary])
    fake.replies["WatchClusters"] = watch

    def summary(name, state, health=1):
        c, common = pbs.cluster, pbs.common
        return c.ClusterSummary(id=common.ClusterIdentifier(name=name), cluster_pool=common.ClusterPoolIdentifier(name="prod"),
                                health=c.ClusterHealth(status=health), drain_status=c.ClusterDrainStatus(overall_state=state))

    proc = subprocess.Popen([str(FLYTE_BIN), "get", "cluster", "--watch"], cwd=cli.cwd, env=cli.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = LineReader(proc)
        assert lines.next().split() == ["NAME", "POOL", "STATE", "HEALTH", "QUEUES"]
        for state, health, expected in [(1, 1, "ACTIVE HEALTHY"), (2, 1, "DRAINING HEALTHY"),
                                        (2, 3, "DRAINING UNHEALTHY"), (5, 1, "DELETED HEALTHY")]:
            start = time.monotonic()
            changes.put(summary("w1", state, health))
            assert lines.next().split() == ["w1", "prod", *expected.split(), "-"]
            assert time.monotonic() - start < 1
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGINT  # Ctrl-C ends the live view


class LineReader:
    """Lines of a running process's stdout, each awaited for at most 5 s (read unbuffered, so
    a printed line is never stuck in a reader's buffer)."""

    def __init__(self, proc):
        self.proc, self.buffer, self.fd = proc, b"", proc.stdout.fileno()

    def next(self) -> str:
        deadline = time.monotonic() + 5
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            selector = selectors.DefaultSelector()
            selector.register(self.fd, selectors.EVENT_READ)
            if remaining <= 0 or not selector.select(timeout=remaining):
                pytest.fail(f"no line from flyte get cluster --watch within 5 s (have {self.buffer!r})")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                pytest.fail(f"flyte get cluster --watch ended: {self.proc.stderr.read()!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode() if line.strip() else self.next()
