"""Structure-aware mutations of protobuf request bodies for test_fuzz.py.

A body is parsed into a tree of wire fields, guided by the message descriptor where a
length-delimited field is a known sub-message; mutations edit the tree (duplicate, drop or
multiply fields, extreme and undefined varints, long or invalid strings, unknown fields, wrong
wire types) or the encoded bytes (bit flips, inserted or deleted bytes, truncation, corrupt
length prefixes, overlong varints). Everything draws from one `random.Random`, so a seed names
a whole run.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from google.protobuf.descriptor import FieldDescriptor

from wire_bytes import varint

VARINT, I64, LEN, I32 = 0, 1, 2, 5
EXTREMES = [0, 1, 0x7F, 0x80, 0x3FFF, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1]
UNDEFINED_ENUMS = [7, 10, 50, 99, 1000, 2**31 - 1, 2**64 - 1]  # 2**64 - 1 is -1 as an int32
LONG_STRING_SIZES = [300, 1100, 4096, 16384, 65536]
LONG = 4096  # a string at least this long makes a body a "long string" body
UNKNOWN_NUMBERS = [99, 1000, 19000, 2**29 - 1]
BAD_UTF8 = [b"\xff", b"a\xc3\x28b", b"\xed\xa0\x80", b"a\x00b", b"\xf4\x90\x80\x80"]


@dataclass
class Node:
    number: int
    wire: int
    value: int | bytes = 0
    children: list[Node] | None = None  # a parsed sub-message
    desc: FieldDescriptor | None = None
    fake_length: int | None = None  # length-prefix corruption


def clone(n: Node) -> Node:
    """A deep copy that shares the descriptor (descriptors cannot be copied)."""
    children = [clone(c) for c in n.children] if n.children is not None else None
    return Node(n.number, n.wire, n.value, children, n.desc, n.fake_length)


@dataclass
class Mutated:
    body: bytes
    ops: list[str] = field(default_factory=list)
    long_string: bool = False


def read_varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(data) or shift > 63:
            raise ValueError("bad varint")
        b = data[i]
        value |= (b & 0x7F) << shift
        i += 1
        shift += 7
        if not b & 0x80:
            return value & (2**64 - 1), i


def parse(data: bytes, msg_desc) -> list[Node]:
    """The wire fields of `data`; raises ValueError when it is not a well-formed message."""
    nodes, i = [], 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ValueError("field 0")
        desc = msg_desc.fields_by_number.get(number) if msg_desc else None
        if wire == VARINT:
            value, i = read_varint(data, i)
            nodes.append(Node(number, wire, value, desc=desc))
        elif wire in (I64, I32):
            n = 8 if wire == I64 else 4
            if i + n > len(data):
                raise ValueError("truncated fixed")
            nodes.append(Node(number, wire, data[i:i + n], desc=desc))
            i += n
        elif wire == LEN:
            n, i = read_varint(data, i)
            if i + n > len(data):
                raise ValueError("truncated length-delimited")
            payload = data[i:i + n]
            i += n
            node = Node(number, wire, payload, desc=desc)
            if desc is not None and desc.type == FieldDescriptor.TYPE_MESSAGE:
                try:
                    node.children = parse(payload, desc.message_type)
                except ValueError:
                    pass
            nodes.append(node)
        else:
            raise ValueError(f"wire type {wire}")
    return nodes


def serialize(nodes: list[Node]) -> bytes:
    out = bytearray()
    for n in nodes:
        out += varint(n.number << 3 | n.wire)
        if n.wire == VARINT:
            out += varint(n.value) if isinstance(n.value, int) else n.value
        elif n.wire == LEN:
            payload = serialize(n.children) if n.children is not None else n.value
            out += varint(len(payload) if n.fake_length is None else n.fake_length) + payload
        else:
            out += n.value
    return bytes(out)


def walk(nodes: list[Node], msg_desc, parent=None):
    """(node, containing list, descriptor of the containing message) for every node."""
    for n in nodes:
        yield n, nodes, msg_desc
        if n.children is not None:
            yield from walk(n.children, n.desc.message_type, n)


def is_string(n: Node) -> bool:
    return n.wire == LEN and n.desc is not None and n.desc.type == FieldDescriptor.TYPE_STRING


class Mutator:
    """Mutates the valid bodies of one request type."""

    def __init__(self, rng, msg_desc):
        self.rng = rng
        self.desc = msg_desc

    def mutate(self, body: bytes) -> Mutated:
        rng = self.rng
        out = Mutated(body)
        tree = parse(body, self.desc)
        for _ in range(rng.choice([1, 1, 2, 3])):
            op = rng.choice(TREE_OPS)
            op(self, tree, out)
            out.ops.append(op.__name__)
        out.body = serialize(tree)
        if rng.random() < 0.35:
            op = rng.choice(BYTE_OPS)
            out.body = op(self, out.body)
            out.ops.append(op.__name__)
        return out

    def pick(self, tree, want=lambda n: True):
        found = [(n, parent, d) for n, parent, d in walk(tree, self.desc) if want(n)]
        return self.rng.choice(found) if found else (None, tree, self.desc)

    # -- tree mutations --
    def duplicate_field(self, tree, out):
        n, parent, _ = self.pick(tree)
        if n is not None:
            parent.insert(self.rng.randrange(len(parent) + 1), clone(n))

    def split_submessage(self, tree, out):
        """A non-repeated sub-message sent as two occurrences, each with part of its fields: protobuf
        merges them back into the original, a decoder that keeps the last one loses the first part."""
        n, parent, _ = self.pick(tree, lambda n: n.children is not None and len(n.children) >= 2
                                 and n.desc.is_repeated is False)
        if n is not None:
            cut = self.rng.randrange(1, len(n.children))
            first = Node(n.number, LEN, children=[clone(c) for c in n.children[:cut]], desc=n.desc)
            n.children = n.children[cut:]
            parent.insert(parent.index(n), first)

    def drop_field(self, tree, out):
        n, parent, _ = self.pick(tree)
        if n is not None:
            parent.remove(n)

    def multiply_repeated(self, tree, out):
        n, parent, _ = self.pick(tree, lambda n: n.desc is not None and n.desc.is_repeated)
        if n is not None:
            parent.extend(clone(n) for _ in range(self.rng.choice([2, 10, 200])))

    def varint_extreme(self, tree, out):
        n, _, _ = self.pick(tree, lambda n: n.wire == VARINT)
        if n is not None:
            n.value = self.rng.choice(EXTREMES)

    def undefined_enum(self, tree, out):
        pool = [(tree, self.desc)] + [(n.children, n.desc.message_type) for n, _, _ in walk(tree, self.desc)
                                      if n.children is not None]
        pool = [(p, d) for p, d in pool if any(f.type == FieldDescriptor.TYPE_ENUM for f in d.fields)]
        if not pool:
            return
        nodes, d = self.rng.choice(pool)
        f = self.rng.choice([f for f in d.fields if f.type == FieldDescriptor.TYPE_ENUM])
        defined = {v.number & (2**64 - 1) for v in f.enum_type.values}
        value = self.rng.choice([v for v in UNDEFINED_ENUMS if v not in defined])
        nodes.insert(self.rng.randrange(len(nodes) + 1), Node(f.number, VARINT, value, desc=f))

    def long_string(self, tree, out):
        n, _, _ = self.pick(tree, is_string)
        if n is not None:
            size = self.rng.choice(LONG_STRING_SIZES)
            n.value = self.rng.choice([b"a", b"x-", "é✓".encode()]) * size
            n.value = n.value[:size]
            out.long_string = out.long_string or size >= LONG

    def bad_utf8(self, tree, out):
        n, _, _ = self.pick(tree, is_string)
        if n is not None:
            n.value = n.value[: self.rng.randrange(len(n.value) + 1)] + self.rng.choice(BAD_UTF8)

    def unknown_field(self, tree, out):
        _, parent, _ = self.pick(tree, lambda n: n.children is not None)
        target = self.rng.choice([tree, parent])
        wire = self.rng.choice([VARINT, I64, LEN, I32])
        value = {VARINT: self.rng.choice(EXTREMES), I64: bytes(8), I32: b"\x01\x02\x03\x04", LEN: b"unknown\x00\xff"}[wire]
        target.insert(self.rng.randrange(len(target) + 1), Node(self.rng.choice(UNKNOWN_NUMBERS), wire, value))

    def wrong_wire_type(self, tree, out):
        n, _, _ = self.pick(tree, lambda n: n.desc is not None)
        if n is not None:
            n.children = None
            n.wire = self.rng.choice([w for w in (VARINT, I64, LEN, I32) if w != n.wire])
            n.value = {VARINT: 1, I64: bytes(8), I32: bytes(4), LEN: b"\x08\x01"}[n.wire]

    def corrupt_length(self, tree, out):
        n, _, _ = self.pick(tree, lambda n: n.wire == LEN)
        if n is not None:
            true = len(serialize(n.children)) if n.children is not None else len(n.value)
            n.fake_length = max(0, self.rng.choice([true + 1, true - 1, true + 7, 0, 2**31 - 1, 2**32 + 5, 2**64 - 1]))

    # -- byte mutations --
    def bit_flip(self, body: bytes) -> bytes:
        b = bytearray(body)
        for _ in range(self.rng.randint(1, 4)):
            if b:
                b[self.rng.randrange(len(b))] ^= 1 << self.rng.randrange(8)
        return bytes(b)

    def insert_bytes(self, body: bytes) -> bytes:
        i = self.rng.randrange(len(body) + 1)
        return body[:i] + self.rng.randbytes(self.rng.randint(1, 8)) + body[i:]

    def delete_bytes(self, body: bytes) -> bytes:
        if not body:
            return body
        i = self.rng.randrange(len(body))
        return body[:i] + body[i + self.rng.randint(1, 8):]

    def truncate(self, body: bytes) -> bytes:
        return body[: self.rng.randrange(len(body) + 1)]

    def overlong_varint(self, body: bytes) -> bytes:
        """A tag's varint padded to 10 bytes (valid) or 11 (invalid), or a body of 0x80s."""
        pad = self.rng.choice([b"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", b"\x80" * 10 + b"\x00", b"\x80" * 12])
        return body + bytes([0x08]) + pad


TREE_OPS = [Mutator.duplicate_field, Mutator.split_submessage, Mutator.drop_field, Mutator.multiply_repeated,
            Mutator.varint_extreme, Mutator.undefined_enum, Mutator.long_string, Mutator.bad_utf8,
            Mutator.unknown_field, Mutator.wrong_wire_type, Mutator.corrupt_length]
BYTE_OPS = [Mutator.bit_flip, Mutator.insert_bytes, Mutator.delete_bytes, Mutator.truncate, Mutator.overlong_varint]


def undefined_enums(msg, path: str = "") -> list[str]:
    """Field paths of enum fields holding a number their enum does not define (Python keeps them:
    proto3 enums are open)."""
    found = []
    for f, value in msg.ListFields():
        name = f"{path}{f.name}"
        values = value if f.is_repeated else [value]
        for v in values:
            if f.type == FieldDescriptor.TYPE_ENUM and v not in f.enum_type.values_by_number:
                found.append(f"{name}={v}")
            elif f.type == FieldDescriptor.TYPE_MESSAGE:
                found += undefined_enums(v, name + ".")
    return found

