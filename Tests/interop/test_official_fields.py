"""Every field the official client (flyteplugins-union, from the official venv) can send to a method
we serve exists in our proto/ with the same number: compared through the official package's own
descriptors against ours, recursively through every request message. A field ours lacks is
silently dropped by protobuf, so each gap is listed here with why it is not sent; anything else
fails this test (e.g. a new official version adding a field)."""
import base64
import os
import subprocess
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_VENV = Path(os.environ.get("OFFICIAL_VENV", ROOT / ".venv-official"))
if not OFFICIAL_VENV.is_absolute():
    OFFICIAL_VENV = ROOT / OFFICIAL_VENV
SERVICES = ["cloudidl.clusterpool.ClusterPoolService", "cloudidl.cluster.ClusterService", "cloudidl.queue.QueueService"]

# (official message, field number) of a request field ours lacks: why nothing is dropped.
NOT_SENT = {
    (".cloudidl.queue.ResolveQueueRequest", 2): "ResolveQueue answers UNIMPLEMENTED, whatever its scope",
    (".cloudidl.queue.ResolveQueueRequest", 3): "ResolveQueue answers UNIMPLEMENTED, whatever its scope",
    **{(".cloudidl.cluster.Status", n): "UpdateStatus: reported by a cluster's operator, not by the CLI or SDK"
       for n in (3, 4, 6, 8, 9, 10, 13, 14, 15, 16)},
    (".cloudidl.cluster.Capabilities", 1): "UpdateStatus: reported by a cluster's operator, not by the CLI or SDK "
    "(resources: a map, which our generator does not support)",
    (".cloudidl.cluster.Capabilities", 4): "UpdateStatus: reported by a cluster's operator, not by the CLI or SDK "
    "(k8s_plugin_config: a proto3 optional google.protobuf.Struct)",
    **{(".cloudidl.cluster.OperatorClusterData", n): "UpdateStatus: reported by a cluster's operator, not the CLI or SDK"
       for n in range(1, 11)},
}


def messages(fds):
    found, services = {}, {}

    def walk(prefix, m):
        found[f"{prefix}.{m.name}"] = m
        for nested in m.nested_type:
            walk(f"{prefix}.{m.name}", nested)

    for f in fds.file:
        for m in f.message_type:
            walk("." + f.package, m)
        for s in f.service:
            services[f"{f.package}.{s.name}"] = s
    return found, services


@pytest.fixture(scope="module")
def descriptor_sets(tmp_path_factory):
    python = OFFICIAL_VENV / "bin/python"
    if not python.exists():
        pytest.fail(f"{python} is missing: make the venv {OFFICIAL_VENV} (tools/test does) or set OFFICIAL_VENV",
                    pytrace=False)
    dumped = subprocess.run([str(python), str(Path(__file__).with_name("official_descriptors.py"))],
                            capture_output=True, text=True, timeout=120, check=True)
    official = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(dumped.stdout))
    from grpc_tools import protoc
    out = tmp_path_factory.mktemp("ours") / "ours.pb"
    protos = sorted(p.relative_to(ROOT / "proto").as_posix() for p in (ROOT / "proto").rglob("*.proto"))
    include = Path(protoc.__file__).resolve().parent / "_proto"
    assert protoc.main(["protoc", f"-I{ROOT / 'proto'}", f"-I{include}", "--include_imports",
                        f"--descriptor_set_out={out}", *protos]) == 0
    return official, descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def test_every_field_the_official_client_sends_is_in_our_proto(descriptor_sets):
    official, ours = descriptor_sets
    (o_msgs, o_svcs), (u_msgs, u_svcs) = messages(official), messages(ours)
    missing, seen = {}, set()

    def compare(o_type, u_type, path):
        if (o_type, u_type) in seen:
            return
        seen.add((o_type, u_type))
        u_fields = {f.number: f for f in u_msgs[u_type].field}
        for f in o_msgs[o_type].field:
            u = u_fields.get(f.number)
            if u is None:
                missing[(o_type, f.number)] = f"{path}.{f.name}"
                continue
            assert u.type == f.type and u.label == f.label, f"{path}.{f.name}: ours {u} differs from {f}"
            if f.type == descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE:
                compare(f.type_name, u.type_name, f"{path}.{f.name}")

    for service in SERVICES:
        for method in u_svcs[service].method:
            [o_method] = [m for m in o_svcs[service].method if m.name == method.name]
            compare(o_method.input_type, method.input_type, method.name)

    unexplained = {k: v for k, v in missing.items() if k not in NOT_SENT}
    assert unexplained == {}, f"official request fields our proto lacks (dropped silently): {unexplained}"
    assert set(missing) == set(NOT_SENT), f"listed as not sent but present now: {set(NOT_SENT) - set(missing)}"
    # the caps this comparison found missing before are ours now, with the official numbers
    spec = u_msgs[".cloudidl.queue.QueueSpec"]
    assert {f.name: f.number for f in spec.field}["max_resources"] == 8
    assert {f.name: f.number for f in spec.field}["max_accelerators"] == 10
    assert {f.name: f.number for f in u_msgs[".flyteidl2.core.GPUAccelerator"].field}["accelerator_model"] == 5
    # what ends DRAINING and DELETING: status.capabilities.execution_load, by the official numbers
    assert {f.name: f.number for f in u_msgs[".cloudidl.cluster.Status"].field}["capabilities"] == 2
    assert {f.name: f.number for f in u_msgs[".cloudidl.cluster.Capabilities"].field}["execution_load"] == 2
