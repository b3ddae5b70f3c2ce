"""Swift source for the model: value types, registry, services, file descriptors."""

from __future__ import annotations

import base64

import names
from model import SCALARS, Enum, Field, Message, ProtoFile, Schema, Service

HEADER = f"// {names.HEADER_NOTE}\n"


def swift_file_name(proto_name: str) -> str:
    """"cloudidl/common/common.proto" -> "cloudidl_common_common.pb.swift"."""
    return proto_name[: -len(".proto")].replace("/", "_").replace("-", "_") + ".pb.swift"


def emit_all(schema: Schema) -> dict[str, str]:
    out = {swift_file_name(f.name): emit_file(f, schema) for f in schema.files}
    out["ProtoNamespaces.swift"] = emit_namespaces(schema)
    out["ProtoRegistry.swift"] = emit_registry(schema)
    out["ProtoServices.swift"] = emit_services(schema)
    out["ProtoFileDescriptors.swift"] = emit_file_descriptors(schema)
    return out


# MARK: - types


def field_type(f: Field, schema: Schema) -> str:
    if f.kind == "message":
        base = schema.messages[f.type_name].swift_name
    elif f.kind == "enum":
        base = schema.enums[f.type_name].swift_name
    else:
        base = SCALARS[f.type][0]
    return f"[{base}]" if f.repeated else base


def property_type(f: Field, schema: Schema) -> str:
    t = field_type(f, schema)
    return f"{t}?" if f.kind == "message" and not f.repeated else t


def default_value(f: Field, schema: Schema) -> str:
    if f.repeated:
        return "[]"
    return {
        "message": "nil",
        "enum": "." + names.escaped(schema.enums[f.type_name].zero_case) if f.kind == "enum" else "",
        "bool": "false",
        "string": '""',
        "bytes": "[]",
        "scalar": "0",
    }[f.kind]


def doc_number(f: Field) -> str:
    return f"/// Field {f.number} `{f.proto_name}`."


def emit_file(pf: ProtoFile, schema: Schema) -> str:
    parts = [HEADER, f"// source: {pf.name}\n"]
    for m in pf.messages:
        parts.append(emit_message(m, schema))
    for e in pf.enums:
        parts.append(emit_enum(e))
    return "\n".join(parts)


def emit_message(m: Message, schema: Schema) -> str:
    parent = ".".join(m.swift_path[:-1])
    name = m.swift_path[-1]
    L: list[str] = []
    w = L.append
    w(f"extension {parent} {{")
    w(f"  /// `{m.full_name}`")
    w(f"  public struct {name}: ProtoMessage {{")
    w(f"    public static let protoMessageName = {names.swift_string(m.full_name)}")
    w("")
    emitted_oneofs = set()
    for f in m.fields:
        if f.oneof is not None:
            o = f.oneof
            if o.proto_name in emitted_oneofs:
                continue
            emitted_oneofs.add(o.proto_name)
            w(f"    /// oneof `{o.proto_name}`: " + ", ".join(f"{x.number} `{x.proto_name}`" for x in o.fields) + ".")
            w(f"    public var {names.escaped(o.swift_name)}: {o.swift_type}? = nil")
            continue
        w(f"    {doc_number(f)}")
        w(f"    public var {names.escaped(f.swift_name)}: {property_type(f, schema)} = {default_value(f, schema)}")
    w("    /// Fields this schema does not know, kept so that re-encoding reproduces them.")
    w("    public var unknownFields = ProtoUnknownFields()")
    w("")
    w("    public init() {}")
    members = [(f.swift_name, property_type(f, schema), default_value(f, schema)) for f in m.fields if f.oneof is None]
    members += [(o.swift_name, f"{o.swift_type}?", "nil") for o in m.oneofs]
    if members:
        order = {}
        for f in m.fields:
            key = f.swift_name if f.oneof is None else f.oneof.swift_name
            order.setdefault(key, len(order))
        members.sort(key=lambda x: order[x[0]])
        w("")
        w("    public init(")
        for i, (n, t, d) in enumerate(members):
            w(f"      {n}: {t} = {d}" + ("," if i + 1 < len(members) else ""))
        w("    ) {")
        for n, _, _ in members:
            w(f"      self.{names.escaped(n)} = {names.escaped(n)}")
        w("    }")
    w("")
    w("    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws {")
    w("      self = try ProtoCodec.decode(Self.self, from: bytes)")
    w("    }")
    w("")
    w("    public init(serializedBytes bytes: UnsafeRawBufferPointer, limits: ProtoDecodeLimits) throws {")
    w("      self = try ProtoCodec.decode(Self.self, from: bytes, limits: limits)")
    w("    }")
    w("")
    w("    public func serializedBytes() throws -> [UInt8] {")
    w("      try ProtoCodec.encode(self)")
    w("    }")
    w("")
    L.extend(emit_enum_check(m, schema))
    w("  }")
    w("}")
    for o in m.oneofs:
        w("")
        w(f"extension {m.swift_name} {{")
        w(f"  /// oneof `{o.proto_name}`")
        w(f"  public enum {o.swift_type}: Sendable, Hashable {{")
        for f in o.fields:
            w(f"    /// Field {f.number} `{f.proto_name}`.")
            w(f"    case {names.escaped(f.swift_name)}({field_type(f, schema)})")
        w("  }")
        w("}")
    w("")
    w(f"extension {m.swift_name}: ProtoGeneratedMessage {{")
    w("  static let protoTable = ProtoTables.table(named: protoMessageName)")
    w("")
    w("  init(protoReader r: ProtoReader) {")
    if m.fields:
        w("    self.init()")
    emitted_oneofs = set()
    for f in m.fields:
        if f.oneof is not None:
            o = f.oneof
            if o.proto_name in emitted_oneofs:
                continue
            emitted_oneofs.add(o.proto_name)
            w(f"    switch r.oneofCase({o.fields[0].number}) {{")
            for x in o.fields:
                w(f"    case {x.number}: self.{names.escaped(o.swift_name)} = .{names.escaped(x.swift_name)}({read_call(x, oneof=True)})")
            w("    default: break")
            w("    }")
            continue
        w(f"    self.{names.escaped(f.swift_name)} = {read_call(f)}")
    if not m.fields:
        w("    self.init()")
    w("    self.unknownFields = r.unknownFields()")
    w("  }")
    w("")
    w("  func write(to w: ProtoWriter) throws(ProtoEncodingError) {")
    emitted_oneofs = set()
    for f in m.fields:
        if f.oneof is not None:
            o = f.oneof
            if o.proto_name in emitted_oneofs:
                continue
            emitted_oneofs.add(o.proto_name)
            w(f"    switch {names.escaped(o.swift_name)} {{")
            for x in o.fields:
                w(f"    case .{names.escaped(x.swift_name)}(let v)?: {write_call(x, 'v', oneof=True)}")
            w("    case nil: break")
            w("    }")
            continue
        w(f"    {write_call(f, 'self.' + names.escaped(f.swift_name))}")
    w("    try w.setUnknownFields(unknownFields)")
    w("  }")
    w("}")
    text = "\n".join(L) + "\n"
    for nm in m.nested_messages:
        text += "\n" + emit_message(nm, schema)
    for ne in m.nested_enums:
        text += "\n" + emit_enum(ne)
    return text


def enum_check_call(f: Field, v: str, schema: Schema) -> str | None:
    """The ProtoEnumCheck step for field `f` holding `v`, or None when nothing in it is an enum."""
    if f.kind == "enum":
        return f"ProtoEnumCheck.{'values' if f.repeated else 'value'}({v}, {names.swift_string(f.proto_name)})"
    if f.kind == "message" and f.type_name in schema.enum_bearing:
        return f"ProtoEnumCheck.{'messages' if f.repeated else 'message'}({v}, {names.swift_string(f.proto_name)})"
    return None


def emit_enum_check(m: Message, schema: Schema) -> list[str]:
    """`undefinedEnumValue()`: every enum field of the message, and of every message in it."""
    L = ["    public func undefinedEnumValue() -> ProtoUndefinedEnumValue? {"]
    if m.full_name not in schema.enum_bearing:
        return ["    public func undefinedEnumValue() -> ProtoUndefinedEnumValue? { nil }"]
    emitted_oneofs = set()
    for f in m.fields:
        if f.oneof is None:
            call = enum_check_call(f, "self." + names.escaped(f.swift_name), schema)
            if call:
                L.append(f"      if let found = {call} {{ return found }}")
            continue
        o = f.oneof
        if o.proto_name in emitted_oneofs:
            continue
        emitted_oneofs.add(o.proto_name)
        cases = [(x, enum_check_call(x, "v", schema)) for x in o.fields]
        cases = [(x, c) for x, c in cases if c]
        if not cases:
            continue
        L.append(f"      switch self.{names.escaped(o.swift_name)} {{")
        for x, call in cases:
            L.append(f"      case .{names.escaped(x.swift_name)}(let v)?: if let found = {call} {{ return found }}")
        L.append("      default: break")
        L.append("      }")
    L.append("      return nil")
    L.append("    }")
    return L


def read_call(f: Field, oneof: bool = False) -> str:
    n = f.number
    if f.repeated:
        return {
            "scalar": f"r.repeatedScalars({n})",
            "bool": f"r.repeatedBools({n})",
            "string": f"r.repeatedStrings({n})",
            "bytes": f"r.repeatedBytes({n})",
            "enum": f"r.repeatedEnums({n})",
            "message": f"r.repeatedMessages({n})",
        }[f.kind]
    return {
        "scalar": f"r.scalar({n})",
        "bool": f"r.bool({n})",
        "string": f"r.string({n})",
        "bytes": f"r.bytes({n})",
        "enum": f"r.enumValue({n})",
        "message": f"r.messageValue({n})" if oneof else f"r.message({n})",
    }[f.kind]


def write_call(f: Field, v: str, oneof: bool = False) -> str:
    n = f.number
    if f.repeated:
        return {
            "scalar": f"w.setRepeatedScalars({n}, {v})",
            "bool": f"w.setRepeatedBools({n}, {v})",
            "string": f"try w.setRepeatedStrings({n}, {v})",
            "bytes": f"w.setRepeatedBytes({n}, {v})",
            "enum": f"w.setRepeatedEnums({n}, {v})",
            "message": f"try w.setRepeatedMessages({n}, {v})",
        }[f.kind]
    return {
        "scalar": f"w.setScalar({n}, {v})",
        "bool": f"w.setBool({n}, {v})",
        "string": f"try w.setString({n}, {v})",
        "bytes": f"w.setBytes({n}, {v})",
        "enum": f"w.setEnum({n}, {v})",
        "message": f"try w.setMessage({n}, {v})",
    }[f.kind]


def emit_enum(e: Enum) -> str:
    parent = ".".join(e.swift_path[:-1])
    name = e.swift_path[-1]
    primary = [v for v in e.values if v.alias_of is None]
    L: list[str] = []
    w = L.append
    w(f"extension {parent} {{")
    w(f"  /// `{e.full_name}`; numbers this schema does not know are kept as `.unrecognized(n)`.")
    w(f"  public enum {name}: ProtoEnum {{")
    w(f"    public static let protoEnumName = {names.swift_string(e.full_name)}")
    w("")
    for v in primary:
        w(f"    /// `{v.proto_name}` = {v.number}")
        w(f"    case {names.escaped(v.case)}")
    w("    /// A number this schema does not know (proto3 enums are open).")
    w("    case unrecognized(Int32)")
    for v in e.values:
        if v.alias_of is not None:
            w(f"    /// `{v.proto_name}` = {v.number}, an alias")
            w(f"    public static let {names.escaped(v.case)}: Self = .{names.escaped(v.alias_of)}")
    w("")
    w(f"    public init() {{ self = .{names.escaped(e.zero_case)} }}")
    w("")
    w("    public init(rawValue: Int32) {")
    w("      switch rawValue {")
    for v in primary:
        w(f"      case {v.number}: self = .{names.escaped(v.case)}")
    w("      default: self = .unrecognized(rawValue)")
    w("      }")
    w("    }")
    w("")
    w("    public var rawValue: Int32 {")
    w("      switch self {")
    for v in primary:
        w(f"      case .{names.escaped(v.case)}: {v.number}")
    w("      case .unrecognized(let n): n")
    w("      }")
    w("    }")
    w("")
    w("    /// The value's name in the .proto file; nil for an unrecognized number.")
    w("    public var protoName: String? {")
    w("      switch self {")
    for v in primary:
        w(f"      case .{names.escaped(v.case)}: {names.swift_string(v.proto_name)}")
    w("      case .unrecognized: nil")
    w("      }")
    w("    }")
    w("")
    w("    public static let allCases: [Self] = [" + ", ".join("." + names.escaped(v.case) for v in primary) + "]")
    w("  }")
    w("}")
    return "\n".join(L) + "\n"


# MARK: - namespaces, registry, services, descriptors


def emit_namespaces(schema: Schema) -> str:
    paths: set[tuple[str, ...]] = set()
    for f in schema.files:
        ns = names.namespace_path(f.package)
        for i in range(1, len(ns) + 1):
            paths.add(tuple(ns[:i]))
    L = [HEADER, "// One caseless enum per proto package component: `cloudidl.common` is `Cloudidl.Common`.", ""]
    for p in sorted(paths, key=lambda t: (len(t), t)):
        doc = f"/// Namespace of proto package `{'.'.join(x.lower() for x in p)}`."
        if len(p) == 1:
            L += [doc, f"public enum {p[0]} {{}}", ""]
        else:
            L += [f"extension {'.'.join(p[:-1])} {{", f"  {doc}", f"  public enum {p[-1]} {{}}", "}", ""]
    return "\n".join(L)


def emit_registry(schema: Schema) -> str:
    L = [HEADER, "/// Every generated message type, by its full proto name.", "public enum ProtoRegistry {"]
    L.append("  public static let messageTypes: [String: any ProtoMessage.Type] = [")
    for name in sorted(schema.messages):
        L.append(f"    {names.swift_string(name)}: {schema.messages[name].swift_name}.self,")
    L.append("  ]")
    L.append("}")
    return "\n".join(L) + "\n"


def emit_services(schema: Schema) -> str:
    L = [HEADER]
    L.append("/// Every service of proto/, with its methods.")
    L.append("public enum ProtoServices {")
    L.append("  public static let all: [ProtoServiceInfo] = [")
    for s in sorted(schema.services, key=lambda s: s.full_name):
        L.append(f"    {'.'.join(s.swift_path)}.service,")
    L.append("  ]")
    L.append("}")
    for s in schema.services:
        L.append("")
        L.append(emit_service(s, schema))
    return "\n".join(L) + "\n"


def emit_service(s: Service, schema: Schema) -> str:
    L: list[str] = []
    w = L.append
    parent = ".".join(s.swift_path[:-1])
    w(f"extension {parent} {{")
    w(f"  /// Service `{s.full_name}`.")
    w(f"  public enum {s.name} {{")
    w(f"    public static let service = ProtoServiceInfo(")
    w(f"      fullName: {names.swift_string(s.full_name)},")
    w(f"      methods: [" + ", ".join(f"{names.escaped(m.name)}.method" for m in s.methods) + "])")
    for m in s.methods:
        kind = {(False, False): "unary", (False, True): "server streaming",
                (True, False): "client streaming", (True, True): "bidirectional streaming"}[
            (m.client_streaming, m.server_streaming)]
        w("")
        w(f"    /// `/{s.full_name}/{m.name}` ({kind}).")
        w(f"    public enum {names.escaped(m.name)} {{")
        w(f"      public typealias Input = {schema.messages[m.input_type].swift_name}")
        w(f"      public typealias Output = {schema.messages[m.output_type].swift_name}")
        w(f"      public static let method = ProtoMethodInfo(")
        w(f"        serviceName: {names.swift_string(s.full_name)}, name: {names.swift_string(m.name)},")
        w(f"        inputType: Input.self, outputType: Output.self,")
        w(f"        clientStreaming: {str(m.client_streaming).lower()}, serverStreaming: {str(m.server_streaming).lower()})")
        w("    }")
    w("  }")
    w("}")
    return "\n".join(L)


def emit_file_descriptors(schema: Schema) -> str:
    L = [HEADER]
    L.append("/// The serialized `google.protobuf.FileDescriptorProto` of every .proto file, for server reflection.")
    L.append("public enum ProtoFileDescriptors {")
    L.append("  public static let all: [ProtoFileDescriptor] = [")
    for f in sorted(schema.files, key=lambda f: f.name):
        b64 = base64.b64encode(f.serialized).decode()
        chunks = [b64[i:i + 96] for i in range(0, len(b64), 96)] or [""]
        L.append("    ProtoFileDescriptor(")
        L.append(f"      name: {names.swift_string(f.name)},")
        L.append("      dependencies: [" + ", ".join(names.swift_string(d) for d in f.dependencies) + "],")
        L.append("      base64: \"\"\"")
        for c in chunks:
            L.append(f"        {c}")
        L.append("        \"\"\"),")
    L.append("  ]")
    L.append("")
    L.append("  /// Fully-qualified symbol (message, enum, service, method) -> the file that declares it.")
    L.append("  public static let fileContainingSymbol: [String: String] = [")
    symbols: dict[str, str] = {}
    for name, m in schema.messages.items():
        symbols[name] = m.file
    for name, e in schema.enums.items():
        symbols[name] = e.file
    for s in schema.services:
        symbols[s.full_name] = s.file
        for m in s.methods:
            symbols[f"{s.full_name}.{m.name}"] = s.file
    for k in sorted(symbols):
        L.append(f"    {names.swift_string(k)}: {names.swift_string(symbols[k])},")
    L.append("  ]")
    L.append("}")
    return "\n".join(L) + "\n"
