"""Our flyteidl2.auth protos (AuthMetadataService, IdentityService) match the official client's:
the same package, message and service names, and every field with the official number, name,
type and label, compared through the official package's own descriptors (from the official venv)
against ours compiled from proto/ (google.protobuf.Struct from our struct.proto: the map written
as its entries, the same on the wire)."""
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
FILES = ["flyteidl2/auth/auth_service.proto", "flyteidl2/auth/identity.proto"]
MODULES = ["flyteidl2.auth.auth_service_pb2", "flyteidl2.auth.identity_pb2"]

# (message, field number) of an official field ours leaves out: why that is safe.
LEFT_OUT: dict = {}


@pytest.fixture(scope="module")
def files():
    python = OFFICIAL_VENV / "bin/python"
    if not python.exists():
        pytest.fail(f"{python} is missing: make the venv {OFFICIAL_VENV} (tools/test does) or set OFFICIAL_VENV",
                    pytrace=False)
    dumped = subprocess.run([str(python), str(Path(__file__).with_name("official_descriptors.py")), *MODULES],
                            capture_output=True, text=True, timeout=120, check=True)
    official = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(dumped.stdout))
    from grpc_tools import protoc
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ours.pb"
        include = Path(protoc.__file__).resolve().parent / "_proto"
        assert protoc.main(["protoc", f"-I{ROOT / 'proto'}", f"-I{include}",
                            f"--descriptor_set_out={out}", *FILES]) == 0
        ours = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    return {f.name: f for f in official.file}, {f.name: f for f in ours.file}


@pytest.mark.parametrize("name", FILES)
def test_messages_and_fields_match_the_official_descriptors(files, name):
    official, ours = files[0][name], files[1][name]
    assert ours.package == official.package == "flyteidl2.auth"
    o_msgs = {m.name: m for m in official.message_type}
    u_msgs = {m.name: m for m in ours.message_type}
    assert sorted(u_msgs) == sorted(o_msgs)
    for msg_name, o_msg in o_msgs.items():
        u_fields = {f.number: f for f in u_msgs[msg_name].field}
        for f in o_msg.field:
            if (msg_name, f.number) in LEFT_OUT:
                assert f.number not in u_fields, f"{msg_name}.{f.name} is ours now: drop it from LEFT_OUT"
                continue
            u = u_fields.pop(f.number, None)
            assert u is not None, f"{msg_name}.{f.name} = {f.number} is missing from our {name}"
            assert (u.name, u.type, u.label, u.type_name) == (f.name, f.type, f.label, f.type_name), \
                f"{msg_name} field {f.number}: ours {u} differs from the official {f}"
        assert not u_fields, f"{msg_name}: fields the official message lacks: {list(u_fields.values())}"


@pytest.mark.parametrize("name", FILES)
def test_services_match_the_official_descriptors(files, name):
    official, ours = files[0][name], files[1][name]

    def shape(fd):
        return {s.name: {m.name: (m.input_type, m.output_type, m.client_streaming, m.server_streaming)
                         for m in s.method} for s in fd.service}

    assert shape(ours) == shape(official)
    assert shape(ours)  # each file serves a service
