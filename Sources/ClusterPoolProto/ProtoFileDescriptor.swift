/// One .proto file as server reflection serves it: its serialized `FileDescriptorProto`.
public struct ProtoFileDescriptor: Sendable {
  /// Path relative to proto/, e.g. `cloudidl/common/common.proto`.
  public let name: String
  /// The files it imports, by the same kind of path.
  public let dependencies: [String]
  /// The serialized `google.protobuf.FileDescriptorProto` (no source info).
  public let serializedProto: [UInt8]

  /// `base64`: the serialized descriptor in base64; whitespace is ignored.
  public init(name: String, dependencies: [String], base64: String) {
    self.name = name
    self.dependencies = dependencies
    guard let bytes = Self.decodeBase64(base64) else {
      preconditionFailure("invalid base64 descriptor for \(name): run tools/generate")
    }
    self.serializedProto = bytes
  }

  private static func decodeBase64(_ text: String) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for c in text.utf8 {
      let v: UInt32
      switch c {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
      case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a")) + 26
      case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0")) + 52
      case UInt8(ascii: "+"): v = 62
      case UInt8(ascii: "/"): v = 63
      case UInt8(ascii: "="), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
      default: return nil
      }
      accumulator = accumulator << 6 | v
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    return out
  }
}

extension ProtoFileDescriptors {
  /// The descriptor of the file at `name` (e.g. `cloudidl/common/common.proto`).
  public static func file(named name: String) -> ProtoFileDescriptor? {
    byName[name]
  }

  private static let byName: [String: ProtoFileDescriptor] = Dictionary(
    uniqueKeysWithValues: all.map { ($0.name, $0) })
}
