"""Our identity and authorizer services (proto/cloudidl/{identity,authorizer}, with the
cloudidl.common messages they use) have the official package's layout: for every method of
identity.md's table, the same name, streaming and message types, and recursively through every
message they reach the same fields (name, number, type, label, message or enum type, oneof) and
enum values. Compared through the official package's own descriptors (flyteplugins-union, from the
official venv) against protoc's reading of our proto/. Our files hold only what these methods
reach."""
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

# identity.md: the methods in scope, by service.
METHODS = {
    "cloudidl.identity.AppsService": ["Create", "Get", "List", "Update", "Delete"],
    "cloudidl.identity.RoleService": ["CreateRole", "GetRole", "List", "UpdateRole", "DeleteRole",
                                      "CreateRoleAction", "DeleteRoleAction"],
    "cloudidl.identity.PolicyService": ["CreatePolicy", "GetPolicy", "List", "DeletePolicy",
                                        "CreatePolicyBinding", "DeletePolicyBinding"],
    "cloudidl.identity.UserService": ["CreateUser", "GetUser", "ListUsers", "DeleteUser"],
    "cloudidl.identity.MemberService": ["ListMembers"],
    "cloudidl.authorizer.AuthorizerService": ["AssignIdentity", "UnassignIdentity", "GetIdentityAssignments",
                                              "ListIdentityAssignments"],
}
OFFICIAL_MODULES = [f"flyteplugins.union.internal.identity.{m}_service_pb2"
                    for m in ("app", "role", "policy", "user", "member")] + [
    "flyteplugins.union.internal.authorizer.authorizer_pb2"]
# Our files that hold nothing but what the methods above reach.
OWN_FILES = ["cloudidl/identity/", "cloudidl/authorizer/", "cloudidl/common/authorization.proto",
             "cloudidl/common/role.proto", "cloudidl/common/policy.proto"]
# Enum values ours has beyond the official ones here, and why.
EXTRA_ENUM_VALUES = {
    (".cloudidl.common.Filter.Function", "VALUE_NOT_IN", 9): "the cluster-pool services' list filters (wire.md); "
    "the official identity package's copy of ListRequest lacks it, so its clients never send it",
}


def index(fds):
    types, services, files = {}, {}, {}

    def walk(prefix, m, file):
        name = f"{prefix}.{m.name}"
        types[name] = m
        files[name] = file
        for nested in m.nested_type:
            walk(name, nested, file)
        for e in m.enum_type:
            types[f"{name}.{e.name}"] = e
            files[f"{name}.{e.name}"] = file

    for f in fds.file:
        for m in f.message_type:
            walk("." + f.package, m, f.name)
        for e in f.enum_type:
            types[f".{f.package}.{e.name}"] = e
            files[f".{f.package}.{e.name}"] = f.name
        for s in f.service:
            services[f"{f.package}.{s.name}"] = s
    return types, services, files


@pytest.fixture(scope="module")
def descriptor_sets(tmp_path_factory):
    python = OFFICIAL_VENV / "bin/python"
    if not python.exists():
        pytest.fail(f"{python} is missing: make the venv {OFFICIAL_VENV} (tools/test does) or set OFFICIAL_VENV",
                    pytrace=False)
    dumped = subprocess.run([str(python), str(Path(__file__).with_name("official_descriptors.py")),
                             *OFFICIAL_MODULES], capture_output=True, text=True, timeout=120, check=True)
    official = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(dumped.stdout))
    from grpc_tools import protoc
    out = tmp_path_factory.mktemp("ours") / "ours.pb"
    protos = sorted(p.relative_to(ROOT / "proto").as_posix() for p in (ROOT / "proto").rglob("*.proto"))
    include = Path(protoc.__file__).resolve().parent / "_proto"
    assert protoc.main(["protoc", f"-I{ROOT / 'proto'}", f"-I{include}", "--include_imports",
                        f"--descriptor_set_out={out}", *protos]) == 0
    return index(official), index(descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()))


def field_layout(message):
    def oneof(f):
        if not f.HasField("oneof_index") or f.proto3_optional:
            return None
        return message.oneof_decl[f.oneof_index].name
    return {f.number: (f.name, f.type, f.label, f.type_name, oneof(f), f.proto3_optional) for f in message.field}


def compare_reachable(official, ours):
    """Every type the in-scope methods reach, compared; returns the set of reached type names."""
    (o_types, o_svcs, _), (u_types, u_svcs, _) = official, ours
    reached, pending, differences = set(), [], []
    for service, methods in METHODS.items():
        assert service in u_svcs, f"our proto/ lacks the service {service}"
        ours_by_name = {m.name: m for m in u_svcs[service].method}
        assert sorted(ours_by_name) == sorted(methods), f"{service}: ours has {sorted(ours_by_name)}"
        for name in methods:
            [o] = [m for m in o_svcs[service].method if m.name == name]
            u = ours_by_name[name]
            for attr in ("input_type", "output_type", "client_streaming", "server_streaming"):
                if getattr(o, attr) != getattr(u, attr):
                    differences.append(f"{service}/{name} {attr}: official {getattr(o, attr)!r}, ours {getattr(u, attr)!r}")
            pending += [o.input_type, o.output_type]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        if name not in u_types:
            differences.append(f"{name}: missing from ours")
            continue
        o, u = o_types[name], u_types[name]
        if isinstance(o, descriptor_pb2.EnumDescriptorProto):
            o_values = [(v.name, v.number) for v in o.value]
            u_values = [(v.name, v.number) for v in u.value if (name, v.name, v.number) not in EXTRA_ENUM_VALUES]
            if o_values != u_values:
                differences.append(f"enum {name}: official {o_values}, ours {u_values}")
            continue
        o_fields, u_fields = field_layout(o), field_layout(u)
        for number in sorted(set(o_fields) | set(u_fields)):
            if o_fields.get(number) != u_fields.get(number):
                differences.append(f"{name} field {number}: official {o_fields.get(number)}, ours {u_fields.get(number)}")
        pending += [f.type_name for f in o.field if f.type_name]
    return reached, differences


def test_identity_services_have_the_official_layout(descriptor_sets):
    official, ours = descriptor_sets
    reached, differences = compare_reachable(official, ours)
    assert differences == []
    # the layouts that matter most to the CLI, named so a regression reads plainly
    u_types = ours[0]
    assert {f.name: f.number for f in u_types[".cloudidl.identity.App"].field}["client_secret"] == 16
    assert {f.name: f.number for f in u_types[".cloudidl.common.Resource"].field}["cluster"] == 6
    assert len(reached) > 60


def test_our_identity_files_hold_only_what_the_methods_reach(descriptor_sets):
    official, ours = descriptor_sets
    reached, _ = compare_reachable(official, ours)
    u_types, _, u_files = ours
    own = {name for name, file in u_files.items() if any(file.startswith(p) for p in OWN_FILES)}
    # nested enums are reached through their message's fields; top-level ones must be reached themselves
    assert own - reached == set(), f"not reachable from an in-scope method: {sorted(own - reached)}"


def test_a_changed_field_number_is_caught(descriptor_sets):
    """The comparison can fail: one field of ours renumbered is reported by name."""
    official, ours = descriptor_sets
    u_types, u_svcs, u_files = ours
    changed = descriptor_pb2.DescriptorProto()
    changed.CopyFrom(u_types[".cloudidl.common.PolicyBinding"])
    changed.field[1].number = 7
    _, differences = compare_reachable(official, ({**u_types, ".cloudidl.common.PolicyBinding": changed},
                                                  u_svcs, u_files))
    assert any(d.startswith(".cloudidl.common.PolicyBinding field 2") for d in differences), differences
