internal import CProtobufC
internal import ClusterPoolProtoC

/// The one file that talks to protobuf-c: it reads the protoc-c descriptors into
/// ``ProtoTypeTable``s, and unpacks (into a ``ProtoArena``), initializes and packs C messages. Everything else in
/// the module works on the tables and on raw memory at the offsets they hold.
enum ProtobufC {
  // MARK: descriptors -> tables

  /// A table for every message descriptor of `ClusterPoolProtoC`, by full proto name.
  static func loadTables() -> [String: ProtoTypeTable] {
    var count = 0
    guard let list = cp_message_descriptors(&count) else { return [:] }
    var tables: [ProtoTypeTable] = []
    var byDescriptor: [UnsafeRawPointer: ProtoTypeTable] = [:]
    for i in 0..<count {
      guard let d = list[i] else { continue }
      let table = makeTable(d)
      tables.append(table)
      byDescriptor[UnsafeRawPointer(d)] = table
    }
    // Second pass: link message-typed fields to their tables (for the wire pre-scan).
    for table in tables {
      let d = table.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
      for (slot, field) in table.fields.enumerated() where field.kind == .message {
        guard let child = d.pointee.fields[slot].descriptor else { continue }
        if let childTable = byDescriptor[child] { table.setChild(childTable, at: slot) }
      }
    }
    return Dictionary(uniqueKeysWithValues: tables.map { ($0.name, $0) })
  }

  private static func makeTable(_ d: UnsafePointer<ProtobufCMessageDescriptor>) -> ProtoTypeTable {
    let name = String(cString: d.pointee.name)
    var fields: [ProtoFieldLayout] = []
    var fieldNames: [String] = []
    var enumValueNames: [[Int32: String]] = []
    for i in 0..<Int(d.pointee.n_fields) {
      let f = d.pointee.fields[i]
      fields.append(
        ProtoFieldLayout(
          number: Int(f.id),
          kind: ProtoFieldKind(rawValue: UInt8(truncatingIfNeeded: f.type.rawValue)) ?? .unsupported,
          offset: Int(f.offset),
          quantifierOffset: Int(f.quantifier_offset),
          isRepeated: f.label == PROTOBUF_C_LABEL_REPEATED,
          isOneof: f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue != 0))
      fieldNames.append(String(cString: f.name))
      enumValueNames.append(f.type == PROTOBUF_C_TYPE_ENUM ? enumNames(f.descriptor) : [:])
    }
    return ProtoTypeTable(
      name: name, descriptor: UnsafeRawPointer(d), sizeofMessage: Int(d.pointee.sizeof_message),
      fields: fields, fieldNames: fieldNames, enumValueNames: enumValueNames)
  }

  /// The names of an enum's values (as in the .proto file) by number; the first name wins for
  /// an aliased number.
  private static func enumNames(_ descriptor: UnsafeRawPointer?) -> [Int32: String] {
    guard let e = descriptor?.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee else { return [:] }
    var names: [Int32: String] = [:]
    for i in 0..<Int(e.n_values) where names[Int32(e.values[i].value)] == nil {
      names[Int32(e.values[i].value)] = String(cString: e.values[i].name)
    }
    return names
  }

  private static func descriptor(_ table: ProtoTypeTable) -> UnsafePointer<ProtobufCMessageDescriptor> {
    table.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
  }

  // MARK: messages

  /// `protobuf_c_message_unpack` with every allocation taken from `arena` (protobuf-c's frees
  /// do nothing; the arena releases it all at once); nil when protobuf-c rejects the bytes.
  static func unpack(
    _ table: ProtoTypeTable, _ bytes: UnsafeRawBufferPointer, arena: ProtoArena
  ) -> UnsafeRawPointer? {
    let data = bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? emptyInput
    var allocator = ProtobufCAllocator(
      alloc: { data, size in
        Unmanaged<ProtoArena>.fromOpaque(data!)._withUnsafeGuaranteedRef { $0.allocate(size, alignment: 8) }
      },
      free: { _, _ in },
      allocator_data: Unmanaged.passUnretained(arena).toOpaque())
    return withExtendedLifetime(arena) {
      protobuf_c_message_unpack(descriptor(table), &allocator, bytes.count, data).map(UnsafeRawPointer.init)
    }
  }

  /// Sets `memory` (`sizeofMessage` bytes) to the message's defaults.
  static func initMessage(_ table: ProtoTypeTable, _ memory: UnsafeMutableRawPointer) {
    protobuf_c_message_init(descriptor(table), memory)
  }

  /// `protobuf_c_message_get_packed_size` + `protobuf_c_message_pack`.
  static func pack(_ message: UnsafeRawPointer) -> [UInt8] {
    let m = message.assumingMemoryBound(to: ProtobufCMessage.self)
    let size = protobuf_c_message_get_packed_size(m)
    guard size > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
      initialized = protobuf_c_message_pack(m, buffer.baseAddress!)
    }
  }

  nonisolated(unsafe) private static let emptyInput: UnsafePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    p.initialize(to: 0)
    return UnsafePointer(p)
  }()

  // MARK: unknown fields

  /// The unknown fields protobuf-c kept while unpacking, in wire format (tag, then the value).
  static func unknownFields(of message: UnsafeRawPointer) -> ProtoUnknownFields {
    let m = message.assumingMemoryBound(to: ProtobufCMessage.self).pointee
    guard m.n_unknown_fields > 0, let fields = m.unknown_fields else { return ProtoUnknownFields() }
    var bytes: [UInt8] = []
    for i in 0..<Int(m.n_unknown_fields) {
      let u = fields[i]
      ProtoWire.appendVarint(UInt64(u.tag) << 3 | UInt64(u.wire_type.rawValue), to: &bytes)
      if u.len > 0, let data = u.data {
        bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: u.len))
      }
    }
    return ProtoUnknownFields(bytes: bytes)
  }

  /// Attaches `unknown` to a message being built, so that packing writes it after the known
  /// fields. protobuf-c keeps, per field, the bytes after the tag (a length prefix included).
  static func setUnknownFields(
    _ unknown: ProtoUnknownFields, on message: UnsafeMutableRawPointer, arena: ProtoArena,
    typeName: String
  ) throws(ProtoEncodingError) {
    let entries = try ProtoWire.splitFields(unknown.bytes, typeName: typeName)
    let array = arena.allocate(
      MemoryLayout<ProtobufCMessageUnknownField>.stride * entries.count,
      alignment: MemoryLayout<ProtobufCMessageUnknownField>.alignment
    ).bindMemory(to: ProtobufCMessageUnknownField.self, capacity: entries.count)
    let copy = arena.copy(unknown.bytes)
    for (i, e) in entries.enumerated() {
      (array + i).initialize(
        to: ProtobufCMessageUnknownField(
          tag: UInt32(e.number), wire_type: ProtobufCWireType(rawValue: UInt32(e.wireType)),
          len: e.valueRange.count, data: copy + e.valueRange.lowerBound))
    }
    let m = message.assumingMemoryBound(to: ProtobufCMessage.self)
    m.pointee.n_unknown_fields = UInt32(entries.count)
    m.pointee.unknown_fields = array
  }
}
