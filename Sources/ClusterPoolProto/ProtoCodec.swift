/// Decoding and encoding of generated messages through protobuf-c.
enum ProtoCodec {
  /// Pre-scans `bytes` (strings, framing, ``ProtoDecodeLimits``), merges repeated occurrences of
  /// singular sub-messages (``ProtoWire/mergingDuplicateMessages(_:_:)``), unpacks the bytes
  /// with protobuf-c into an arena, and copies the values out; the arena frees the C message.
  static func decode<M: ProtoGeneratedMessage>(
    _: M.Type, from bytes: UnsafeRawBufferPointer, limits: ProtoDecodeLimits = .unlimited
  ) throws(ProtoDecodingError) -> M {
    let table = M.protoTable
    var state = ProtoWire.ScanState(maxFieldValues: limits.maxFieldValues)
    do {
      try ProtoWire.scan(bytes, table, &state)
    } catch {
      throw ProtoDecodingError(messageName: table.name, reason: error.reason, limitExceeded: error.limitExceeded)
    }
    let cost = ProtoDecodeBudget.cost(byteCount: bytes.count, fieldValues: state.fieldValues)
    let budget = limits.budget.flatMap { cost >= $0.smallestAccounted ? $0 : nil }
    if let budget {
      guard budget.reserve(cost) else {
        throw ProtoDecodingError(
          messageName: table.name,
          reason: "the server is decoding \(budget.bytesInUse >> 20) MiB of requests already (its budget is "
            + "\(budget.capacity >> 20) MiB) and this one would take \(cost >> 20) MiB more; retry shortly",
          limitExceeded: true)
      }
    }
    defer { budget?.release(cost) }
    guard state.hasDuplicateMessages else { return try unpack(M.self, bytes) }
    let merged = ProtoWire.mergingDuplicateMessages(bytes, table)
    let result = merged.withUnsafeBytes { merged in
      Result { () throws(ProtoDecodingError) in try unpack(M.self, merged) }
    }
    return try result.get()
  }

  private static func unpack<M: ProtoGeneratedMessage>(
    _: M.Type, _ bytes: UnsafeRawBufferPointer
  ) throws(ProtoDecodingError) -> M {
    let table = M.protoTable
    let arena = ProtoArena.make()
    defer { withExtendedLifetime(arena) {} }
    guard let message = ProtobufC.unpack(table, bytes, arena: arena) else {
      throw ProtoDecodingError(
        messageName: table.name,
        reason: "protobuf-c rejected the bytes (a field with the wrong wire type or an out-of-range value)")
    }
    return M(protoReader: ProtoReader(base: message, table: table))
  }

  /// Builds the protobuf-c struct tree of `message` in an arena and packs it.
  static func encode<M: ProtoGeneratedMessage>(_ message: M) throws(ProtoEncodingError) -> [UInt8] {
    let arena = ProtoArena.make()
    defer { withExtendedLifetime(arena) {} }
    let root = try ProtoWriter.build(message, in: arena)
    return ProtobufC.pack(UnsafeRawPointer(root))
  }
}
