@testable import ClusterPoolProto

/// Builds wire bytes that set every field of a message type (the first member of each oneof,
/// two elements per repeated field, sub-messages filled recursively), in field-number order,
/// which is how protobuf-c re-encodes them.
enum WireFiller {
  static func populated(_ table: ProtoTypeTable, depth: Int = 0) -> [UInt8] {
    var out: [UInt8] = []
    var oneofsSeen = Set<Int>()
    for (slot, f) in table.fields.enumerated() {
      if f.isOneof {
        guard oneofsSeen.insert(f.quantifierOffset).inserted else { continue }
      }
      let count = f.isRepeated ? 2 : 1
      if f.isRepeated && isPackable(f.kind) {
        var packed: [UInt8] = []
        for i in 0..<count { packed += value(f.kind, index: i) }
        tag(f.number, 2, &out)
        ProtoWire.appendVarint(UInt64(packed.count), to: &out)
        out += packed
        continue
      }
      for i in 0..<count {
        switch f.kind {
        case .string:
          let s = Array("\(table.fieldNames[slot])-\(i)-é✓".utf8)
          tag(f.number, 2, &out)
          ProtoWire.appendVarint(UInt64(s.count), to: &out)
          out += s
        case .bytes:
          let b: [UInt8] = [0, 1, 0xff, UInt8(i)]
          tag(f.number, 2, &out)
          ProtoWire.appendVarint(UInt64(b.count), to: &out)
          out += b
        case .message:
          let child = depth < 6 ? table.child(slot).map { populated($0, depth: depth + 1) } ?? [] : []
          tag(f.number, 2, &out)
          ProtoWire.appendVarint(UInt64(child.count), to: &out)
          out += child
        default:
          tag(f.number, wireType(f.kind), &out)
          out += value(f.kind, index: i)
        }
      }
    }
    return out
  }

  static func isPackable(_ kind: ProtoFieldKind) -> Bool {
    switch kind {
    case .string, .bytes, .message, .unsupported: false
    default: true
    }
  }

  static func wireType(_ kind: ProtoFieldKind) -> Int {
    switch kind {
    case .fixed64, .sfixed64, .double: 1
    case .fixed32, .sfixed32, .float: 5
    default: 0
    }
  }

  static func tag(_ number: Int, _ wireType: Int, _ out: inout [UInt8]) {
    ProtoWire.appendVarint(UInt64(number) << 3 | UInt64(wireType), to: &out)
  }

  /// A non-default value of the kind (index 0: small, index 1: large or negative).
  static func value(_ kind: ProtoFieldKind, index: Int) -> [UInt8] {
    var out: [UInt8] = []
    func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    switch kind {
    case .int32, .int64, .enum:
      ProtoWire.appendVarint(index == 0 ? 5 : UInt64(bitPattern: -7), to: &out)
    case .uint32: ProtoWire.appendVarint(index == 0 ? 1 : UInt64(UInt32.max), to: &out)
    case .uint64: ProtoWire.appendVarint(index == 0 ? 1 : UInt64.max, to: &out)
    case .sint32, .sint64: ProtoWire.appendVarint(index == 0 ? 2 : 3, to: &out)  // zigzag 1, -2
    case .bool: out.append(1)
    case .fixed32: le(index == 0 ? UInt32(9) : UInt32.max)
    case .sfixed32: le(index == 0 ? Int32(9) : Int32.min)
    case .fixed64: le(index == 0 ? UInt64(9) : UInt64.max)
    case .sfixed64: le(index == 0 ? Int64(9) : Int64.min)
    case .float: le((index == 0 ? Float(1.5) : -Float.greatestFiniteMagnitude).bitPattern)
    case .double: le((index == 0 ? 2.25 : -Double.pi).bitPattern)
    case .string, .bytes, .message, .unsupported: break
    }
    return out
  }
}
