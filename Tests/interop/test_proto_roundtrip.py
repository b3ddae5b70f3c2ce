"""Byte compatibility of the Swift protobuf bridge (protobuf-c underneath) with Python protobuf.

Every corpus entry is encoded by the Python `protobuf` package, sent through the
`proto-conformance` testee (decode with the generated Swift type, re-encode), and the reply must
be exactly Python's own serialization, and parse back equal. Negative cases (NUL bytes and invalid
UTF-8 in strings, malformed framing) must come back as decode errors.

Testee binary: $PROTO_CONFORMANCE_BIN, default .build/debug/proto-conformance.
"""

from __future__ import annotations

import math
import os
import pathlib
import struct
import subprocess

import pytest
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor as FD

import protogen
from wire_bytes import len_field as _string_field, varint as _varint

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("PROTO_CONFORMANCE_BIN", ROOT / ".build/debug/proto-conformance"))
OK, DECODE_ERROR, ENCODE_ERROR, UNKNOWN_TYPE = 0, 1, 2, 3


# MARK: - fixtures


@pytest.fixture(scope="module")
def classes(tmp_path_factory) -> dict[str, type]:
    """Every message class of proto/, by full name (nested ones included)."""
    protogen.generate(tmp_path_factory.mktemp("protogen"))
    out: dict[str, type] = {}

    def add(desc):
        out[desc.full_name] = message_factory.GetMessageClass(desc)
        for nested in desc.nested_types:
            add(nested)

    for proto in protogen.proto_files():
        mod = protogen.module(proto)
        for desc in mod.DESCRIPTOR.message_types_by_name.values():
            add(desc)
    # google/protobuf/timestamp.proto comes from the protobuf package itself.
    add(descriptor_pool.Default().FindMessageTypeByName("google.protobuf.Timestamp"))
    # A module borrowed from a PyPI package (grpc_health, see protogen) may declare more
    # messages than our .proto does; the corpus covers what proto/ declares.
    declared = set(all_names())
    return {name: cls for name, cls in out.items() if name in declared}


class ConformanceProcess:
    def __init__(self):
        if not BIN.exists():
            pytest.fail(f"{BIN} does not exist: build it (swift build --product proto-conformance) "
                        "or set PROTO_CONFORMANCE_BIN")
        self.proc = subprocess.Popen([str(BIN)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(self, name: str, payload: bytes) -> tuple[int, bytes]:
        n = name.encode()
        self.proc.stdin.write(struct.pack(">I", len(n)) + n + struct.pack(">I", len(payload)) + payload)
        self.proc.stdin.flush()
        head = self.proc.stdout.read(5)
        assert len(head) == 5, f"testee exited (code {self.proc.poll()}) on {name}"
        status, length = struct.unpack(">BI", head)
        return status, self.proc.stdout.read(length)

    def close(self):
        self.proc.stdin.close()
        assert self.proc.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def testee():
    t = ConformanceProcess()
    yield t
    t.close()


def roundtrip(testee, cls, payload: bytes) -> bytes:
    """Asserts the testee re-encodes `payload` exactly as Python does; returns its bytes.

    Map entries (google.protobuf.Struct's fields) have no order on the wire: ours keeps the order
    it read, Python writes its own hash order (which changes with PYTHONHASHSEED) unless asked to be
    deterministic. Payloads built from `fill` are therefore written deterministically (keys sorted)
    and compared with Python's deterministic encoding; for messages without maps it is the same."""
    name = cls.DESCRIPTOR.full_name
    status, body = testee.send(name, payload)
    assert status == OK, f"{name}: status {status}: {body.decode(errors='replace')}"
    original = cls.FromString(payload)
    expected = original.SerializeToString(deterministic=True)
    assert body == expected, (
        f"{name}: re-encoded bytes differ\n python: {expected.hex()}\n swift:  {body.hex()}")
    assert cls.FromString(body) == original
    return body


# MARK: - a generic filler: every field of a message set to a non-default value

STRINGS = ["héllo wörld ✓", "日本語テキスト", "emoji 🚀🎉", "plain ascii", "\u00a0\u2028\U0010ffff"]


def scalar_value(f, i: int):
    t = f.type
    if t in (FD.TYPE_DOUBLE,):
        return [1.5, -2.25e300, math.inf, 5e-324][i % 4]
    if t == FD.TYPE_FLOAT:
        return [1.5, -3.0, 2.0 ** 100, 2.0 ** -149][i % 4]
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
        return [7, -7, -(2 ** 31), 2 ** 31 - 1][i % 4]
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
        return [7, -(2 ** 63), 2 ** 63 - 1, -1][i % 4]
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
        return [7, 2 ** 32 - 1, 128, 1][i % 4]
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
        return [7, 2 ** 64 - 1, 2 ** 63, 300][i % 4]
    if t == FD.TYPE_BOOL:
        return True
    if t == FD.TYPE_STRING:
        return f"{f.name}-{i}-{STRINGS[i % len(STRINGS)]}"
    if t == FD.TYPE_BYTES:
        return bytes([0, 1, 255, i % 256]) * (1 + i % 3)
    if t == FD.TYPE_ENUM:
        known = [v.number for v in f.enum_type.values if v.number != 0] or [0]  # NullValue has 0 only
        # Every third value is a number the schema does not know (proto3 enums are open).
        return 99 if i % 3 == 2 else known[i % len(known)]
    raise AssertionError(f"unexpected type {t}")


def fill(msg, variant: int, depth: int = 0):
    """Sets every field of msg; `variant` picks the oneof member and varies values."""
    for f in msg.DESCRIPTOR.fields:
        oneof = f.containing_oneof
        if oneof is not None and f.number != oneof.fields[variant % len(oneof.fields)].number:
            continue
        i = variant + f.number
        if f.is_repeated and f.type == FD.TYPE_MESSAGE and f.message_type.GetOptions().map_entry:
            # a map (google.protobuf.Struct's fields): ours writes it as its entries
            items, key_field, value_field = (getattr(msg, f.name), f.message_type.fields_by_name["key"],
                                             f.message_type.fields_by_name["value"])
            for k in range(2):
                key = scalar_value(key_field, i + k)
                if value_field.type != FD.TYPE_MESSAGE:
                    items[key] = scalar_value(value_field, i + k)
                elif depth < 4:
                    fill(items[key], variant + k, depth + 1)
                else:
                    items[key].SetInParent()
            continue
        if f.is_repeated:
            items = getattr(msg, f.name)
            for k in range(2):
                if f.type == FD.TYPE_MESSAGE:
                    if depth < 4:
                        fill(items.add(), variant + k, depth + 1)
                    else:
                        items.add()
                else:
                    items.append(scalar_value(f, i + k))
        elif f.type == FD.TYPE_MESSAGE:
            sub = getattr(msg, f.name)
            sub.SetInParent()
            if depth < 4:
                fill(sub, variant, depth + 1)
        else:
            setattr(msg, f.name, scalar_value(f, i))
    return msg


def all_names():
    return sorted(
        ["google.protobuf.Timestamp"]
        + [
            name
            for proto in protogen.proto_files()
            for name in _declared_messages(proto)
        ]
    )


def _declared_messages(proto: str) -> list[str]:
    """Message full names declared in proto/<proto>, read from the .proto text (collection time
    runs before protogen.generate; the classes fixture checks nothing is missing)."""
    import re

    text = (protogen.PROTO_DIR / proto).read_text()
    package = re.search(r"^package\s+([\w.]+);", text, re.M).group(1)
    names, stack, depth = [], [], 0
    for line in text.splitlines():
        line = line.split("//")[0]
        m = re.match(r"\s*message\s+(\w+)\s*\{", line)
        if m:
            stack.append((m.group(1), depth))
            names.append(".".join([package] + [s[0] for s in stack]))
        depth += line.count("{") - line.count("}")
        while stack and depth <= stack[-1][1]:
            stack.pop()
    return names


# MARK: - tests


def test_corpus_covers_every_message_type(classes):
    assert sorted(classes) == all_names()


@pytest.mark.parametrize("variant", [0, 1, 2])
@pytest.mark.parametrize("name", all_names())
def test_every_message_type_populated(testee, classes, name, variant):
    cls = classes[name]
    msg = fill(cls(), variant)
    payload = msg.SerializeToString(deterministic=True)
    if msg.DESCRIPTOR.fields:
        assert payload, name
    roundtrip(testee, cls, payload)


@pytest.mark.parametrize("name", all_names())
def test_every_message_type_empty(testee, classes, name):
    assert roundtrip(testee, classes[name], b"") == b""


@pytest.mark.parametrize("name", all_names())
def test_every_message_type_with_unknown_fields(testee, classes, name):
    cls = classes[name]
    # Unknown fields of every wire type, numbered above anything the schemas use (but below the
    # largest number AllTypes declares).
    unknown = (
        bytes.fromhex("c0 3e ac 02")  # 1000: varint 300
        + bytes.fromhex("ca 3e 03") + b"xyz"  # 1001: length-delimited
        + bytes.fromhex("d5 3e 01 02 03 04")  # 1002: fixed32
        + bytes.fromhex("d9 3e 01 02 03 04 05 06 07 08")  # 1003: fixed64
    )
    payload = fill(cls(), 0).SerializeToString(deterministic=True) + unknown
    body = roundtrip(testee, cls, payload)
    assert body.endswith(unknown)


def test_unknown_fields_in_nested_messages(testee, classes):
    cls = classes["cloudidl.clusterpool.GetResponse"]
    pool = classes["cloudidl.clusterpool.ClusterPool"]
    inner = fill(pool(), 1).SerializeToString(deterministic=True) + bytes.fromhex("f8 3e 05")  # 1007: varint 5
    payload = b"\x0a" + _varint(len(inner)) + inner
    body = roundtrip(testee, cls, payload)
    assert cls.FromString(body).cluster_pool.UnknownFields is not None


def test_all_scalar_extremes(testee, classes):
    cls = classes["rpctest.v1.AllTypes"]
    m = cls(
        f_double=-math.pi, f_float=-(2.0 ** 127), f_int32=-(2 ** 31), f_int64=-(2 ** 63),
        f_uint32=2 ** 32 - 1, f_uint64=2 ** 64 - 1, f_sint32=-(2 ** 31), f_sint64=2 ** 63 - 1,
        f_fixed32=2 ** 32 - 1, f_fixed64=2 ** 64 - 1, f_sfixed32=-(2 ** 31), f_sfixed64=-(2 ** 63),
        f_bool=True, f_string="x" * 100_000, f_bytes=bytes(range(256)) * 40, f_enum=-1,
        f_max_number="largest field number",
    )
    m.r_double.extend([math.inf, -math.inf, 0.0, 1e-300])
    m.r_int32.extend(range(-1000, 1000, 7))
    m.r_uint64.extend([0, 1, 2 ** 64 - 1])
    m.r_bool.extend([True, False] * 50)
    m.r_enum.extend([0, 1, -1, 12345])
    m.r_string.extend(["", "ü", "a" * 300])
    m.r_bytes.extend([b"", b"\x00", b"\xff" * 200])
    roundtrip(testee, cls, m.SerializeToString())


def test_nan_survives(testee, classes):
    cls = classes["rpctest.v1.AllTypes"]
    status, body = testee.send("rpctest.v1.AllTypes", cls(f_double=math.nan, f_float=math.nan).SerializeToString())
    assert status == OK
    back = cls.FromString(body)
    assert math.isnan(back.f_double) and math.isnan(back.f_float)


@pytest.mark.parametrize("member,value", [
    ("c_int32", 0), ("c_int32", -1), ("c_string", ""), ("c_string", "ü"), ("c_bytes", b""),
    ("c_enum", 0), ("c_enum", 99), ("c_double", 0.0), ("c_bool", False), ("c_nested", None), ("c_empty", None),
])
def test_oneof_members_at_any_value(testee, classes, member, value):
    cls = classes["rpctest.v1.AllTypes"]
    m = cls()
    if value is None:
        getattr(m, member).SetInParent()
    else:
        setattr(m, member, value)
    assert m.WhichOneof("choice") == member
    body = roundtrip(testee, cls, m.SerializeToString())
    assert cls.FromString(body).WhichOneof("choice") == member


def test_enriched_identity_oneof(testee, classes):
    cls = classes["cloudidl.common.EnrichedIdentity"]
    for m in (cls(user={"id": {"subject": "u"}, "spec": {"email": "zoë@example.com", "groups": ["a"]}}),
              cls(application={"spec": {"name": "ci"}})):
        roundtrip(testee, cls, m.SerializeToString())


def test_unknown_enum_values(testee, classes):
    cls = classes["cloudidl.common.SecretStore"]
    body = roundtrip(testee, cls, cls(type=77, locator="x").SerializeToString())
    assert cls.FromString(body).type == 77


def _merge_cases(classes):
    """(type, bytes) where a singular embedded message occurs more than once."""
    q, spec = classes["cloudidl.queue.UpdateQueueRequest"], classes["cloudidl.queue.QueueSpec"]
    qid = classes["cloudidl.common.QueueIdentifier"]
    first = spec(run_concurrency=5, priority=1, clusters=["a"], cluster_pool_name="p").SerializeToString()
    second = spec(action_concurrency=7, clusters=["b"], scheduling=2).SerializeToString()
    yield q, _message_field(2, first) + _message_field(2, second)
    # later scalars win; another field in between; a third occurrence
    yield q, (_message_field(2, spec(run_concurrency=5, depth=3).SerializeToString())
              + _message_field(1, qid(name="q").SerializeToString())
              + _message_field(2, spec(run_concurrency=9).SerializeToString())
              + _message_field(2, spec(fairness=1).SerializeToString()))
    # unknown fields of both occurrences, in order
    yield q, (_message_field(2, first + bytes.fromhex("c0 3e 01"))
              + _message_field(2, second + bytes.fromhex("c0 3e 02")))
    # nested: queue twice, each with a spec and a status; the specs merge in turn
    resp, queue = classes["cloudidl.queue.UpdateQueueResponse"], classes["cloudidl.queue.Queue"]
    status = classes["cloudidl.queue.QueueStatus"]
    yield resp, (_message_field(1, queue(spec=spec(run_concurrency=3)).SerializeToString())
                 + _message_field(1, queue(spec=spec(depth=4), status=status(state_generation=2)).SerializeToString()))
    # data plane reported twice: UpdateStatusRequest.status.operator_cluster_data
    upd, st = classes["cloudidl.cluster.UpdateStatusRequest"], classes["cloudidl.cluster.Status"]
    yield upd, (_message_field(2, st(health=1, operator_cluster_data={"secret_store": {"type": 2}}).SerializeToString())
                + _message_field(2, st(operator_cluster_data={"secret_store": {"locator": "l"}}).SerializeToString()))
    # oneof member twice (merged), and with another member in between (starts afresh)
    at, nested = classes["rpctest.v1.AllTypes"], classes["rpctest.v1.AllTypes.Nested"]
    one, two = nested(a=1, tags=["x"]).SerializeToString(), nested(b="y", tags=["z"]).SerializeToString()
    yield at, _message_field(54, one) + _message_field(54, two)
    yield at, _message_field(54, one) + _string_field(52, b"s") + _message_field(54, two)
    yield at, _message_field(54, one) + _message_field(54, two) + _string_field(52, b"s")
    # repeated messages are never merged, singular ones beside them are
    yield at, _message_field(47, one) + _message_field(17, one) + _message_field(47, two) + _message_field(17, two)


def test_duplicated_embedded_messages_are_merged(testee, classes):
    """Protobuf's encoding rules: a non-repeated embedded message that occurs more than once is
    the merge of its occurrences (later scalars win, repeated fields append, sub-messages merge),
    byte for byte as Python protobuf reads it. protobuf-c 1.4 alone kept the later occurrence's
    proto3 scalars only (UpdateQueueRequest.spec twice lost the first run_concurrency)."""
    cases = list(_merge_cases(classes))
    for cls, payload in cases:
        roundtrip(testee, cls, payload)
    merged = classes["cloudidl.queue.UpdateQueueRequest"].FromString(
        roundtrip(testee, *cases[0])).spec
    assert (merged.run_concurrency, merged.action_concurrency, list(merged.clusters)) == (5, 7, ["a", "b"])


def test_bench_reference_response(testee, classes):
    """The benchmark peers' GetResponse for acme/pool-0042 (shared/bench), byte for byte."""
    path = ROOT.parent / "shared/bench/data/nghttpd-root/cloudidl.clusterpool.ClusterPoolService/Get"
    if not path.exists():
        pytest.skip(f"{path} not present")
    framed = path.read_bytes()
    payload = framed[5:]
    assert len(payload) == struct.unpack(">I", framed[1:5])[0]
    roundtrip(testee, classes["cloudidl.clusterpool.GetResponse"], payload)


def test_negative_zero_loses_its_sign(testee, classes):
    """Known protobuf-c difference: its proto3 packer treats -0.0 as the default (it compares with
    ==) and leaves the field out, where Python writes it. The value reads back as 0.0. No field of
    the wire contract is a float or double; only rpctest.v1.AllTypes has them."""
    cls = classes["rpctest.v1.AllTypes"]
    status, body = testee.send("rpctest.v1.AllTypes", cls(f_double=-0.0, f_string="a").SerializeToString())
    assert status == OK
    assert body == cls(f_string="a").SerializeToString()


# MARK: - negative cases


_message_field = _string_field  # the same framing: tag, length, payload


@pytest.mark.parametrize("raw,reason", [
    (b"a\x00b", "contains a NUL byte"),
    (b"\x00", "contains a NUL byte"),
    (b"\xc3\x28", "not valid UTF-8"),
    (b"\xff\xfe", "not valid UTF-8"),
    (b"\xed\xa0\x80", "not valid UTF-8"),  # a UTF-16 surrogate
    (b"\xe2\x82", "not valid UTF-8"),  # truncated sequence
    (b"\xc0\xaf", "not valid UTF-8"),  # overlong
])
def test_bad_strings_are_decode_errors(testee, raw, reason):
    # top level: ClusterPoolIdentifier.name
    status, body = testee.send("cloudidl.common.ClusterPoolIdentifier", _string_field(2, raw))
    assert status == DECODE_ERROR and reason in body.decode(), body
    assert "cloudidl.common.ClusterPoolIdentifier.name" in body.decode()
    # nested: GetRequest.id.name
    inner = _string_field(2, raw)
    status, body = testee.send("cloudidl.clusterpool.GetRequest", b"\x0a" + _varint(len(inner)) + inner)
    assert status == DECODE_ERROR and reason in body.decode(), body
    # repeated: UserSpec.groups
    status, _ = testee.send("cloudidl.common.UserSpec", _string_field(6, b"ok") + _string_field(6, raw))
    assert status == DECODE_ERROR
    # oneof member: ServerReflectionRequest.file_by_filename
    status, _ = testee.send("grpc.reflection.v1.ServerReflectionRequest", _string_field(3, raw))
    assert status == DECODE_ERROR


def test_nul_in_bytes_is_fine(testee, classes):
    roundtrip(testee, classes["rpctest.v1.EchoRequest"], classes["rpctest.v1.EchoRequest"](payload=b"a\x00b").SerializeToString())


@pytest.mark.parametrize("payload", [
    b"\x0a",  # tag, no length
    b"\x0a\x05ab",  # length past the end
    b"\x08\xff",  # truncated varint (ClusterPoolIdentifier has no field 1 varint; still malformed)
    b"\x0f\x00",  # wire type 7
    b"\x00\x01",  # field number 0
    b"\x10\x01",  # name (a string) sent as a varint
])
def test_malformed_bytes_are_decode_errors(testee, payload):
    status, body = testee.send("cloudidl.common.ClusterPoolIdentifier", payload)
    assert status == DECODE_ERROR, body


def test_unknown_type_name(testee):
    status, body = testee.send("no.such.Message", b"")
    assert status == UNKNOWN_TYPE and b"no.such.Message" in body
