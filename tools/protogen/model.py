"""A checked model of the proto files (from protoc's FileDescriptorSet) with Swift names."""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from google.protobuf import descriptor_pb2

import names

FDP = descriptor_pb2.FieldDescriptorProto


class GeneratorError(Exception):
    """A .proto uses something the generator does not support; the message says what and where."""


# proto field type -> (Swift type, accessor kind) for non-message, non-enum fields.
SCALARS = {
    FDP.TYPE_DOUBLE: ("Double", "scalar"),
    FDP.TYPE_FLOAT: ("Float", "scalar"),
    FDP.TYPE_INT64: ("Int64", "scalar"),
    FDP.TYPE_SINT64: ("Int64", "scalar"),
    FDP.TYPE_SFIXED64: ("Int64", "scalar"),
    FDP.TYPE_UINT64: ("UInt64", "scalar"),
    FDP.TYPE_FIXED64: ("UInt64", "scalar"),
    FDP.TYPE_INT32: ("Int32", "scalar"),
    FDP.TYPE_SINT32: ("Int32", "scalar"),
    FDP.TYPE_SFIXED32: ("Int32", "scalar"),
    FDP.TYPE_UINT32: ("UInt32", "scalar"),
    FDP.TYPE_FIXED32: ("UInt32", "scalar"),
    FDP.TYPE_BOOL: ("Bool", "bool"),
    FDP.TYPE_STRING: ("String", "string"),
    FDP.TYPE_BYTES: ("[UInt8]", "bytes"),
}


@dataclass
class EnumValue:
    proto_name: str
    number: int
    case: str  # Swift case name, unescaped
    alias_of: str | None = None  # for allow_alias duplicates: the case it aliases


@dataclass
class Enum:
    full_name: str
    swift_path: list[str]
    values: list[EnumValue]
    file: str

    @property
    def swift_name(self) -> str:
        return ".".join(self.swift_path)

    @property
    def zero_case(self) -> str:
        return next(v.case for v in self.values if v.number == 0 and v.alias_of is None)


@dataclass
class Field:
    proto_name: str
    number: int
    type: int
    repeated: bool
    type_name: str  # full proto name of the message / enum type, "" otherwise
    swift_name: str = ""  # property name, unescaped
    oneof: "Oneof | None" = None

    @property
    def kind(self) -> str:
        if self.type == FDP.TYPE_MESSAGE:
            return "message"
        if self.type == FDP.TYPE_ENUM:
            return "enum"
        return SCALARS[self.type][1]


@dataclass
class Oneof:
    proto_name: str
    swift_type: str  # nested enum name
    swift_name: str  # property name
    fields: list[Field] = dc_field(default_factory=list)


@dataclass
class Message:
    full_name: str
    swift_path: list[str]
    file: str
    fields: list[Field] = dc_field(default_factory=list)  # declaration order
    oneofs: list[Oneof] = dc_field(default_factory=list)
    nested_messages: list["Message"] = dc_field(default_factory=list)
    nested_enums: list[Enum] = dc_field(default_factory=list)

    @property
    def swift_name(self) -> str:
        return ".".join(self.swift_path)


@dataclass
class Method:
    name: str
    input_type: str
    output_type: str
    client_streaming: bool
    server_streaming: bool


@dataclass
class Service:
    full_name: str
    name: str
    package: str
    swift_path: list[str]
    methods: list[Method]
    file: str


@dataclass
class ProtoFile:
    name: str
    package: str
    dependencies: list[str]
    serialized: bytes
    messages: list[Message] = dc_field(default_factory=list)  # top-level
    enums: list[Enum] = dc_field(default_factory=list)  # top-level
    services: list[Service] = dc_field(default_factory=list)


@dataclass
class Schema:
    files: list[ProtoFile]
    messages: dict[str, Message]  # every message by full name, declaration order
    enums: dict[str, Enum]
    services: list[Service]
    # Messages with an enum field, directly or in a message field (nested, repeated, oneof).
    enum_bearing: set[str] = dc_field(default_factory=set)


def _enum_values(enum: descriptor_pb2.EnumDescriptorProto, where: str) -> list[EnumValue]:
    prefix = names.upper_snake(enum.name) + "_"
    raw = [v.name for v in enum.value]

    def strip(n: str) -> str:
        rest = n[len(prefix):] if n.startswith(prefix) else n
        return rest if rest and rest[0].isalpha() else n

    cases = [names.enum_case_lower_camel(strip(n)) for n in raw]
    if len(set(cases)) != len(cases):  # stripping made two names collide: keep full names
        cases = [names.enum_case_lower_camel(n) for n in raw]
    cases = [names.member_name(c) for c in cases]
    if len(set(cases)) != len(cases):
        raise GeneratorError(f"{where}: enum value names collide in Swift: {raw}")
    out: list[EnumValue] = []
    first_by_number: dict[int, str] = {}
    for v, case in zip(enum.value, cases):
        alias = first_by_number.get(v.number)
        if alias is None:
            first_by_number[v.number] = case
        out.append(EnumValue(v.name, v.number, case, alias))
    if 0 not in first_by_number:
        raise GeneratorError(f"{where}: proto3 enums need a value numbered 0")
    return out


def load(fds: descriptor_pb2.FileDescriptorSet, generate: set[str]) -> Schema:
    """Builds the model of every file in `generate` (names relative to proto/)."""
    files: list[ProtoFile] = []
    messages: dict[str, Message] = {}
    enums: dict[str, Enum] = {}
    services: list[Service] = []

    for fd in fds.file:
        if fd.name not in generate:
            continue
        if fd.syntax != "proto3":
            raise GeneratorError(f"{fd.name}: only proto3 files are supported (syntax is {fd.syntax or 'proto2'!r})")
        if fd.extension:
            raise GeneratorError(f"{fd.name}: extensions are not supported")
        ns = names.namespace_path(fd.package)
        pf = ProtoFile(fd.name, fd.package, list(fd.dependency), fd.SerializeToString(deterministic=True))
        prefix = f"{fd.package}." if fd.package else ""

        def load_enum(e, parent_full: str, parent_path: list[str]) -> Enum:
            full = f"{parent_full}{e.name}"
            en = Enum(full, parent_path + [e.name], _enum_values(e, f"{fd.name}: enum {full}"), fd.name)
            enums[full] = en
            return en

        def load_message(m, parent_full: str, parent_path: list[str]) -> Message:
            full = f"{parent_full}{m.name}"
            where = f"{fd.name}: message {full}"
            if m.options.map_entry:
                raise GeneratorError(f"{where}: map fields are not supported (the wire contract has none)")
            if m.extension or m.extension_range:
                raise GeneratorError(f"{where}: extensions are not supported")
            msg = Message(full, parent_path + [m.name], fd.name)
            messages[full] = msg
            msg.oneofs = [
                Oneof(o.name, names.upper_camel(o.name), names.member_name(names.lower_camel(o.name)))
                for o in m.oneof_decl
            ]
            for f in m.field:
                fwhere = f"{where}, field {f.name}"
                if f.proto3_optional:
                    raise GeneratorError(f"{fwhere}: proto3 `optional` is not supported")
                if f.type == FDP.TYPE_GROUP:
                    raise GeneratorError(f"{fwhere}: groups are not supported")
                if f.label == FDP.LABEL_REQUIRED:
                    raise GeneratorError(f"{fwhere}: required fields are not supported")
                fld = Field(
                    f.name, f.number, f.type, f.label == FDP.LABEL_REPEATED, f.type_name.lstrip("."),
                    names.member_name(names.lower_camel(f.name)),
                )
                if f.HasField("oneof_index"):
                    fld.oneof = msg.oneofs[f.oneof_index]
                    fld.oneof.fields.append(fld)
                msg.fields.append(fld)
            for nm in m.nested_type:
                if nm.options.map_entry:
                    raise GeneratorError(f"{where}: map fields are not supported (the wire contract has none)")
                msg.nested_messages.append(load_message(nm, full + ".", msg.swift_path))
            for ne in m.enum_type:
                msg.nested_enums.append(load_enum(ne, full + ".", msg.swift_path))
            _check_member_names(msg, where)
            return msg

        for m in fd.message_type:
            pf.messages.append(load_message(m, prefix, ns))
        for e in fd.enum_type:
            pf.enums.append(load_enum(e, prefix, ns))
        for s in fd.service:
            svc = Service(
                f"{prefix}{s.name}", s.name, fd.package, ns + [s.name],
                [Method(md.name, md.input_type.lstrip("."), md.output_type.lstrip("."),
                        md.client_streaming, md.server_streaming) for md in s.method],
                fd.name,
            )
            pf.services.append(svc)
            services.append(svc)
        files.append(pf)

    schema = Schema(files, messages, enums, services)
    _check_schema(schema)
    schema.enum_bearing = _enum_bearing(schema)
    return schema


def _enum_bearing(schema: Schema) -> set[str]:
    """The messages that hold an enum field anywhere in them (a fixed point: messages may nest
    themselves through repeated fields)."""
    bearing: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, msg in schema.messages.items():
            if name in bearing:
                continue
            if any(f.kind == "enum" or (f.kind == "message" and f.type_name in bearing) for f in msg.fields):
                bearing.add(name)
                changed = True
    return bearing


def _check_member_names(msg: Message, where: str) -> None:
    props = [f.swift_name for f in msg.fields if f.oneof is None] + [o.swift_name for o in msg.oneofs]
    if len(set(props)) != len(props):
        raise GeneratorError(f"{where}: two fields map to the same Swift property name: {sorted(props)}")
    types = [n.swift_path[-1] for n in msg.nested_messages] + [e.swift_path[-1] for e in msg.nested_enums]
    types += [o.swift_type for o in msg.oneofs]
    if len(set(types)) != len(types):
        raise GeneratorError(f"{where}: nested types and oneofs map to the same Swift type name: {sorted(types)}")


def _check_schema(schema: Schema) -> None:
    for full, t in list(schema.messages.items()) + list(schema.enums.items()):
        if t.swift_path[-1] in names.STDLIB_NAMES:
            raise GeneratorError(f"{t.file}: type {full} would shadow Swift's {t.swift_path[-1]}; rename it")
    for msg in schema.messages.values():
        for f in msg.fields:
            if f.kind == "message" and f.type_name not in schema.messages:
                raise GeneratorError(f"{msg.file}: {msg.full_name}.{f.proto_name}: type {f.type_name} is not generated")
            if f.kind == "enum" and f.type_name not in schema.enums:
                raise GeneratorError(f"{msg.file}: {msg.full_name}.{f.proto_name}: type {f.type_name} is not generated")
    # Value types cannot contain themselves through singular fields (arrays are fine).
    state: dict[str, int] = {}

    def visit(name: str, chain: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join(chain[chain.index(name):] + [name])
            raise GeneratorError(f"recursive message through singular fields is not supported: {cycle}")
        state[name] = 1
        for f in schema.messages[name].fields:
            if f.kind == "message" and not f.repeated:
                visit(f.type_name, chain + [name])
        state[name] = 2

    for name in schema.messages:
        visit(name, [])
    seen: dict[str, str] = {}
    for svc in schema.services:
        key = ".".join(svc.swift_path)
        for full, t in list(schema.messages.items()) + list(schema.enums.items()):
            if t.swift_name == key:
                raise GeneratorError(f"{svc.file}: service {svc.full_name} has the Swift name of type {full}")
        if key in seen:
            raise GeneratorError(f"{svc.file}: services {seen[key]} and {svc.full_name} share a Swift name")
        seen[key] = svc.full_name
