/// Fills a protobuf-c struct being built for encoding, by field number. Generated
/// `write(to:)` calls it once per field; all memory comes from the encoding's ``ProtoArena``.
struct ProtoWriter {
  private let base: UnsafeMutableRawPointer
  /// Tables live for the whole process (``ProtoTables``).
  private unowned(unsafe) let table: ProtoTypeTable
  /// Kept alive by ``ProtoCodec/encode(_:)`` for the whole encoding.
  private unowned(unsafe) let arena: ProtoArena

  /// A protobuf-c struct for `message`, allocated in `arena` and filled from it.
  static func build<M: ProtoGeneratedMessage>(_ message: M, in arena: ProtoArena) throws(ProtoEncodingError)
    -> UnsafeMutableRawPointer
  {
    let table = M.protoTable
    let memory = arena.allocate(table.sizeofMessage, alignment: 16)
    ProtobufC.initMessage(table, memory)
    try message.write(to: ProtoWriter(base: memory, table: table, arena: arena))
    return memory
  }

  private init(base: UnsafeMutableRawPointer, table: ProtoTypeTable, arena: ProtoArena) {
    self.base = base
    self.table = table
    self.arena = arena
  }

  /// The field's layout; for a oneof member, also marks it as the oneof's case.
  @inline(__always)
  private func field(_ number: Int) -> ProtoFieldLayout {
    let f = table.field(number)
    if f.isOneof { base.storeBytes(of: UInt32(number), toByteOffset: f.quantifierOffset, as: UInt32.self) }
    return f
  }

  // MARK: singular

  func setScalar<T: ProtoScalar>(_ number: Int, _ value: T) {
    base.storeBytes(of: value, toByteOffset: field(number).offset, as: T.self)
  }

  func setBool(_ number: Int, _ value: Bool) {
    base.storeBytes(of: value ? 1 : 0, toByteOffset: field(number).offset, as: Int32.self)
  }

  func setEnum<E: ProtoEnum>(_ number: Int, _ value: E) {
    base.storeBytes(of: value.rawValue, toByteOffset: field(number).offset, as: Int32.self)
  }

  /// Throws for a string holding a NUL byte, which protobuf-c would silently cut short.
  func setString(_ number: Int, _ value: String) throws(ProtoEncodingError) {
    // Empty proto3 strings keep protobuf-c's shared default (not written); a oneof member is
    // written even when empty, so it gets its own (non-default) pointer.
    if value.isEmpty && !table.field(number).isOneof { return }
    let p = try cString(value, number)
    base.storeBytes(of: UnsafeRawPointer(p), toByteOffset: field(number).offset, as: UnsafeRawPointer.self)
  }

  func setBytes(_ number: Int, _ value: [UInt8]) {
    storeBinary(value, at: base + field(number).offset)
  }

  func setMessage<M: ProtoGeneratedMessage>(_ number: Int, _ value: M?) throws(ProtoEncodingError) {
    guard let value else { return }
    let child = try ProtoWriter.build(value, in: arena)
    base.storeBytes(of: UnsafeRawPointer(child), toByteOffset: field(number).offset, as: UnsafeRawPointer.self)
  }

  func setUnknownFields(_ unknown: ProtoUnknownFields) throws(ProtoEncodingError) {
    guard !unknown.isEmpty else { return }
    try ProtobufC.setUnknownFields(unknown, on: base, arena: arena, typeName: table.name)
  }

  // MARK: repeated

  /// Allocates `count` elements of `stride` bytes and stores the count and pointer.
  @inline(__always)
  private func elements(_ number: Int, count: Int, stride: Int, alignment: Int) -> UnsafeMutableRawPointer? {
    guard count > 0 else { return nil }
    let f = table.field(number)
    let p = arena.allocate(stride * count, alignment: alignment)
    base.storeBytes(of: count, toByteOffset: f.quantifierOffset, as: Int.self)
    base.storeBytes(of: UnsafeRawPointer(p), toByteOffset: f.offset, as: UnsafeRawPointer.self)
    return p
  }

  func setRepeatedScalars<T: ProtoScalar>(_ number: Int, _ values: [T]) {
    guard let p = elements(number, count: values.count, stride: MemoryLayout<T>.stride, alignment: 8) else { return }
    values.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
  }

  func setRepeatedBools(_ number: Int, _ values: [Bool]) {
    guard let p = elements(number, count: values.count, stride: 4, alignment: 4) else { return }
    for (i, v) in values.enumerated() { p.storeBytes(of: v ? 1 : 0, toByteOffset: 4 * i, as: Int32.self) }
  }

  func setRepeatedEnums<E: ProtoEnum>(_ number: Int, _ values: [E]) {
    guard let p = elements(number, count: values.count, stride: 4, alignment: 4) else { return }
    for (i, v) in values.enumerated() { p.storeBytes(of: v.rawValue, toByteOffset: 4 * i, as: Int32.self) }
  }

  func setRepeatedStrings(_ number: Int, _ values: [String]) throws(ProtoEncodingError) {
    let size = MemoryLayout<UnsafeRawPointer>.stride
    guard let p = elements(number, count: values.count, stride: size, alignment: 8) else { return }
    for (i, v) in values.enumerated() {
      p.storeBytes(of: UnsafeRawPointer(try cString(v, number)), toByteOffset: size * i, as: UnsafeRawPointer.self)
    }
  }

  func setRepeatedBytes(_ number: Int, _ values: [[UInt8]]) {
    let stride = MemoryLayout<Int>.size + MemoryLayout<UnsafeRawPointer>.size  // ProtobufCBinaryData
    guard let p = elements(number, count: values.count, stride: stride, alignment: 8) else { return }
    for (i, v) in values.enumerated() { storeBinary(v, at: p + stride * i) }
  }

  func setRepeatedMessages<M: ProtoGeneratedMessage>(_ number: Int, _ values: [M]) throws(ProtoEncodingError) {
    let size = MemoryLayout<UnsafeRawPointer>.stride
    guard let p = elements(number, count: values.count, stride: size, alignment: 8) else { return }
    for (i, v) in values.enumerated() {
      let child = try ProtoWriter.build(v, in: arena)
      p.storeBytes(of: UnsafeRawPointer(child), toByteOffset: size * i, as: UnsafeRawPointer.self)
    }
  }

  // MARK: C values

  private func cString(_ value: String, _ number: Int) throws(ProtoEncodingError) -> UnsafeMutablePointer<UInt8> {
    var value = value
    let p = value.withUTF8 { arena.cString($0) }
    guard let p else {
      throw ProtoEncodingError(
        messageName: table.name, reason: "field \(table.fieldPath(number)): string contains a NUL byte")
    }
    return p
  }

  /// Stores `ProtobufCBinaryData { size_t len; uint8_t *data; }` at `p`.
  private func storeBinary(_ value: [UInt8], at p: UnsafeMutableRawPointer) {
    p.storeBytes(of: value.count, as: Int.self)
    p.storeBytes(of: UnsafeRawPointer(arena.copy(value)), toByteOffset: MemoryLayout<Int>.size, as: UnsafeRawPointer.self)
  }
}
