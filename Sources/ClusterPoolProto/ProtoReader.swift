/// Fixed-size field values that sit in protobuf-c's structs exactly as Swift stores them.
protocol ProtoScalar: BitwiseCopyable {}
extension Int32: ProtoScalar {}
extension Int64: ProtoScalar {}
extension UInt32: ProtoScalar {}
extension UInt64: ProtoScalar {}
extension Float: ProtoScalar {}
extension Double: ProtoScalar {}

/// Copies field values out of a message unpacked by protobuf-c, by field number. Generated
/// `init(protoReader:)` calls it once per field; strings were checked by the wire pre-scan.
struct ProtoReader {
  private let base: UnsafeRawPointer
  /// Tables live for the whole process (``ProtoTables``).
  private unowned(unsafe) let table: ProtoTypeTable

  init(base: UnsafeRawPointer, table: ProtoTypeTable) {
    self.base = base
    self.table = table
  }

  // MARK: singular

  func scalar<T: ProtoScalar>(_ number: Int) -> T {
    base.load(fromByteOffset: table.field(number).offset, as: T.self)
  }

  func bool(_ number: Int) -> Bool {
    base.load(fromByteOffset: table.field(number).offset, as: Int32.self) != 0  // protobuf_c_boolean
  }

  func enumValue<E: ProtoEnum>(_ number: Int) -> E {
    E(rawValue: base.load(fromByteOffset: table.field(number).offset, as: Int32.self))
  }

  func string(_ number: Int) -> String {
    Self.string(base.load(fromByteOffset: table.field(number).offset, as: UnsafePointer<UInt8>?.self))
  }

  func bytes(_ number: Int) -> [UInt8] {
    Self.bytes(base + table.field(number).offset)
  }

  /// nil when the field is absent.
  func message<M: ProtoGeneratedMessage>(_ number: Int) -> M? {
    guard let p = base.load(fromByteOffset: table.field(number).offset, as: UnsafeRawPointer?.self) else {
      return nil
    }
    return M(protoReader: ProtoReader(base: p, table: M.protoTable))
  }

  /// A oneof member's message (present whenever its case is set).
  func messageValue<M: ProtoGeneratedMessage>(_ number: Int) -> M {
    message(number) ?? M()
  }

  /// The field number set in the oneof that field `number` belongs to (0 = none).
  func oneofCase(_ number: Int) -> Int {
    Int(base.load(fromByteOffset: table.field(number).quantifierOffset, as: UInt32.self))
  }

  func unknownFields() -> ProtoUnknownFields {
    ProtobufC.unknownFields(of: base)
  }

  // MARK: repeated

  /// Count and element pointer of a repeated field.
  @inline(__always)
  private func elements(_ number: Int) -> (UnsafeRawPointer, Int)? {
    let f = table.field(number)
    let count = base.load(fromByteOffset: f.quantifierOffset, as: Int.self)  // size_t n_<field>
    guard count > 0, let p = base.load(fromByteOffset: f.offset, as: UnsafeRawPointer?.self) else {
      return nil
    }
    return (p, count)
  }

  func repeatedScalars<T: ProtoScalar>(_ number: Int) -> [T] {
    guard let (p, n) = elements(number) else { return [] }
    return Array(UnsafeBufferPointer(start: p.assumingMemoryBound(to: T.self), count: n))
  }

  func repeatedBools(_ number: Int) -> [Bool] {
    guard let (p, n) = elements(number) else { return [] }
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: Int32.self), count: n).map { $0 != 0 }
  }

  func repeatedEnums<E: ProtoEnum>(_ number: Int) -> [E] {
    guard let (p, n) = elements(number) else { return [] }
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: Int32.self), count: n).map(E.init(rawValue:))
  }

  func repeatedStrings(_ number: Int) -> [String] {
    guard let (p, n) = elements(number) else { return [] }
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UnsafePointer<UInt8>?.self), count: n)
      .map(Self.string)
  }

  func repeatedBytes(_ number: Int) -> [[UInt8]] {
    guard let (p, n) = elements(number) else { return [] }
    let stride = MemoryLayout<Int>.size + MemoryLayout<UnsafeRawPointer>.size  // ProtobufCBinaryData
    return (0..<n).map { Self.bytes(p + $0 * stride) }
  }

  func repeatedMessages<M: ProtoGeneratedMessage>(_ number: Int) -> [M] {
    guard let (p, n) = elements(number) else { return [] }
    let childTable = M.protoTable
    return UnsafeBufferPointer(start: p.assumingMemoryBound(to: UnsafeRawPointer?.self), count: n).map {
      $0.map { M(protoReader: ProtoReader(base: $0, table: childTable)) } ?? M()
    }
  }

  // MARK: C values

  /// A NUL-terminated C string whose bytes the pre-scan found to be valid UTF-8; NULL is "".
  private static func string(_ p: UnsafePointer<UInt8>?) -> String {
    guard let p, p.pointee != 0 else { return "" }
    var n = 0
    while p[n] != 0 { n += 1 }
    return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
  }

  /// A `ProtobufCBinaryData { size_t len; uint8_t *data; }` at `p`.
  private static func bytes(_ p: UnsafeRawPointer) -> [UInt8] {
    let length = p.load(as: Int.self)
    guard length > 0,
      let data = p.load(fromByteOffset: MemoryLayout<Int>.size, as: UnsafePointer<UInt8>?.self)
    else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: length))
  }
}
