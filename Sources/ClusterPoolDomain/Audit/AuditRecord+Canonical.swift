extension AuditRecord {
  /// The bytes a record's hash covers (version 1), every field but ``hash`` in a fixed order:
  ///
  ///     "clusterpool-audit-v1"                       (20 ASCII bytes, no length)
  ///     sequence                                      u64 big-endian
  ///     time                                          i64 big-endian, nanoseconds since the epoch
  ///     organization, identity kind, identity subject, method, target kind, target name
  ///                                                   each: u32 big-endian byte count, then UTF-8
  ///     outcome code                                  i32 big-endian
  ///     outcome message, request id, peer             each: u32 big-endian byte count, then UTF-8
  ///     count                                         u64 big-endian
  ///     previous hash                                 32 bytes
  ///
  /// The identity kind is `user`, `app`, or empty (no verified credential). Length prefixes
  /// make the encoding unambiguous: no two different records encode to the same bytes.
  public var canonicalBytes: [UInt8] {
    var out: [UInt8] = Array("clusterpool-audit-v1".utf8)
    out.reserveCapacity(256)
    Self.append(sequence, to: &out)
    Self.append(UInt64(bitPattern: time.nanosecondsSinceEpoch), to: &out)
    let kind: String =
      switch identity {
      case .user: "user"
      case .application: "app"
      case nil: ""
      }
    Self.append(organization.name, to: &out)
    Self.append(kind, to: &out)
    Self.append(identity?.subject ?? "", to: &out)
    Self.append(method, to: &out)
    Self.append(target.kind, to: &out)
    Self.append(target.name, to: &out)
    Self.append(UInt32(bitPattern: outcome.code), to: &out)
    Self.append(outcome.message, to: &out)
    Self.append(requestID, to: &out)
    Self.append(peer, to: &out)
    Self.append(count, to: &out)
    out += previousHash.bytes
    return out
  }

  private static func append(_ value: UInt64, to out: inout [UInt8]) {
    for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
  }

  private static func append(_ value: UInt32, to out: inout [UInt8]) {
    for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }

  private static func append(_ text: String, to out: inout [UInt8]) {
    append(UInt32(text.utf8.count), to: &out)
    out.append(contentsOf: text.utf8)
  }
}
