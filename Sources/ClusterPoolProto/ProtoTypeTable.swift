/// protobuf-c's field types (`ProtobufCType`), in its numbering.
enum ProtoFieldKind: UInt8 {
  case int32, sint32, sfixed32, int64, sint64, sfixed64, uint32, fixed32, uint64, fixed64
  case float, double, bool, `enum`, string, bytes, message
  case unsupported = 255
}

/// Where one field lives in protobuf-c's C struct of its message.
struct ProtoFieldLayout {
  let number: Int
  let kind: ProtoFieldKind
  /// Byte offset of the value (of the element pointer, for repeated fields).
  let offset: Int
  /// Byte offset of the element count (repeated) or of the oneof case (oneof members).
  let quantifierOffset: Int
  let isRepeated: Bool
  let isOneof: Bool
}

/// Everything the reader, writer and wire pre-scan need about one message type, computed once
/// from its protoc-c descriptor. Immutable once ``ProtoTables`` has built it.
final class ProtoTypeTable: @unchecked Sendable {
  /// Full proto name, e.g. `cloudidl.common.ClusterPoolIdentifier`.
  let name: String
  /// The `ProtobufCMessageDescriptor` (opaque outside `ProtobufC.swift`).
  let descriptor: UnsafeRawPointer
  let sizeofMessage: Int
  /// In the descriptor's order (by field number).
  let fields: [ProtoFieldLayout]
  let fieldNames: [String]
  /// For enum-typed fields, the enum's value names by number (same indices as `fields`; empty
  /// for other kinds), for the JSON mapping.
  let enumValueNames: [[Int32: String]]
  /// For message-typed fields, the field type's table (same indices as `fields`). Set once by
  /// ``ProtobufC/loadTables()`` through ``setChild(_:at:)``; tables live as long as the process,
  /// hence unmanaged (no reference counting, no exclusivity checks on the scan's hot path).
  private let childStorage: UnsafeMutableBufferPointer<Unmanaged<ProtoTypeTable>?>
  /// Field number -> index in `fields` (+1; 0 = none), when numbers are small enough.
  private let slotByNumber: [UInt16]

  init(
    name: String, descriptor: UnsafeRawPointer, sizeofMessage: Int, fields: [ProtoFieldLayout],
    fieldNames: [String], enumValueNames: [[Int32: String]] = []
  ) {
    self.name = name
    self.descriptor = descriptor
    self.sizeofMessage = sizeofMessage
    self.fields = fields
    self.fieldNames = fieldNames
    self.enumValueNames = enumValueNames.isEmpty ? Array(repeating: [:], count: fields.count) : enumValueNames
    self.childStorage = .allocate(capacity: fields.count)
    self.childStorage.initialize(repeating: nil)
    let maxNumber = fields.map(\.number).max() ?? 0
    if maxNumber <= 1024 {
      var slots = [UInt16](repeating: 0, count: maxNumber + 1)
      for (i, f) in fields.enumerated() { slots[f.number] = UInt16(i + 1) }
      slotByNumber = slots
    } else {
      slotByNumber = []
    }
  }

  /// The table of the message type of the field at `slot`, if it is message-typed.
  @inline(__always)
  func child(_ slot: Int) -> ProtoTypeTable? {
    childStorage[slot]?.takeUnretainedValue()
  }

  /// Links the field at `slot` to its message type's table (while building the tables only).
  func setChild(_ table: ProtoTypeTable, at slot: Int) {
    childStorage[slot] = .passUnretained(table)
  }

  /// Index in `fields` of field `number`, or nil when the message has no such field.
  @inline(__always)
  func slot(_ number: Int) -> Int? {
    if !slotByNumber.isEmpty {
      guard number < slotByNumber.count else { return nil }
      let s = Int(slotByNumber[number])
      return s == 0 ? nil : s - 1
    }
    // Sparse numbering: binary search (fields are sorted by number).
    var lo = 0
    var hi = fields.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if fields[mid].number < number { lo = mid + 1 } else { hi = mid }
    }
    return lo < fields.count && fields[lo].number == number ? lo : nil
  }

  /// The layout of a field the generated code knows exists.
  @inline(__always)
  func field(_ number: Int) -> ProtoFieldLayout {
    guard let s = slot(number) else {
      fatalError("\(name) has no field \(number) in its protoc-c descriptor: run tools/generate")
    }
    return fields[s]
  }

  /// `cloudidl.common.ClusterPoolIdentifier.name`, for error messages.
  func fieldPath(_ number: Int) -> String {
    guard let s = slot(number) else { return "\(name).\(number)" }
    return "\(name).\(fieldNames[s])"
  }
}

/// The tables of every message type, built once from the protoc-c descriptor table.
enum ProtoTables {
  static let byName: [String: ProtoTypeTable] = ProtobufC.loadTables()

  static func table(named name: String) -> ProtoTypeTable {
    guard let table = byName[name] else {
      fatalError("no protoc-c descriptor for \(name): run tools/generate")
    }
    return table
  }
}
